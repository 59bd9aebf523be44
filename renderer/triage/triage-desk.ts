// Triage for the call on the line, free of React: the protocol library from the host's cache, a
// run offered when a 911 transfer rings and opened on answer (or on demand), and what its end
// does — Return to 911 warm-transfers the caller with the triage summary, any other outcome opens
// the routed case — with the triage record kept for audit either way.
import type { DeskClient } from '../../shared/desk-api.js';
import type { IncomingCall } from '../../shared/domain/call.js';
import { toDeskError } from '../../shared/errors.js';
import { protocolsInEffect } from '../../shared/triage/published.js';
import type { TriageRecord } from '../../shared/triage/record.js';
import { SAFETY_SCREEN_ID } from '../../shared/triage/starter/index.js';
import { validateProtocolSet } from '../../shared/triage/validate.js';
import type { Logger } from '../lib/log.js';
import type { DeskStore } from '../stores/desk-store.js';
import { fieldLabel } from './triage-view.js';

const SUMMARY_LIMIT = 2000;

function display(value: unknown): string {
  return typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
}

/** What 911 hears about the call before the caller is handed over: the answers that counted. */
export function triageSummary(record: TriageRecord): string {
  const answered = record.steps.filter((step) => step.answer && step.supersededAt === null);
  const lines = [
    `311 triage ${record.outcome?.escalated ? 'escalated by the call-taker' : `outcome ${record.outcome?.determinant ?? 'none'}`}`,
    record.caller.location ? `Location: ${record.caller.location}` : null,
    record.caller.callbackNumber ? `Callback: ${record.caller.callbackNumber}` : null,
    ...answered.map((step) => `${step.prompt} ${step.answer?.display ?? ''}`),
  ].filter((line): line is string => line !== null);
  const text = lines.join('\n');
  return text.length <= SUMMARY_LIMIT ? text : `${text.slice(0, SUMMARY_LIMIT - 1)}…`;
}

/** The case's description: what the caller said, field by field. */
export function caseDescription(record: TriageRecord): string {
  const fields = Object.entries(record.fields)
    .filter(([field]) => field !== 'address')
    .map(([field, value]) => `${fieldLabel(field)}: ${display(value)}`);
  return [`Transferred from 911; triage ${record.outcome?.determinant ?? ''}.`, ...fields].join('\n').slice(0, 4000);
}

export class TriageDesk {
  constructor(
    private readonly desk: DeskClient,
    private readonly store: DeskStore,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get state() {
    return this.store.getState();
  }

  /** Reads the protocols in effect now from the host's cache and validates them as one set. */
  async loadLibrary(): Promise<void> {
    try {
      const [published, serviceTypes] = await Promise.all([this.desk.listTriageProtocols({}), this.desk.listServiceTypes({})]);
      const check = validateProtocolSet(protocolsInEffect(published, this.now()), serviceTypes, SAFETY_SCREEN_ID);
      if (!check.ok) {
        const first = check.errors[0];
        throw new Error(`the triage protocols on this desk do not validate (${check.errors.length} errors; first: ${first?.protocolId}/${first?.nodeId}: ${first?.message})`);
      }
      this.state.triageLibraryLoaded(check.library);
    } catch (error) {
      this.log.warn('could not load the triage protocols', toDeskError(error));
      this.state.triageLibraryFailed(toDeskError(error));
    }
  }

  /** A 911 transfer rings: the protocol is ready, and opens by itself on answer (the controller reloads the library meanwhile). */
  callRinging(call: IncomingCall): void {
    if (call.is911Transfer) this.state.triageOffered(call.callId, call.callSid);
    else if (this.state.triageRun.status !== 'open' && this.state.triageRun.status !== 'saving') this.state.triageClosed();
  }

  callAccepted(call: IncomingCall): void {
    const run = this.state.triageRun;
    if (run.status === 'ready' && run.callSid === call.callSid) this.open(call);
  }

  /** Starts a run for the call on the line (or for none, on demand). */
  open(call: IncomingCall | null = this.state.currentCall): void {
    const pop = this.state.screenPop;
    const caller = pop.status === 'ready' && pop.pop.matches.length === 1 ? pop.pop.matches[0]?.caller : undefined;
    this.state.triageOpened({
      runId: crypto.randomUUID(),
      callId: call?.callId ?? null,
      callSid: call?.callSid ?? null,
      location: caller?.address ?? '',
      callbackNumber: call?.from ?? '',
    });
    if (!this.state.triageLibrary) void this.loadLibrary();
  }

  editCaller(changes: { location?: string; callbackNumber?: string }): void {
    this.state.triageCallerEdited(changes);
  }

  /** An emergency after all: the caller goes back to 911 first; the record follows. */
  async returnTo911(record: TriageRecord): Promise<void> {
    const run = this.state.triageRun;
    if (run.status !== 'open') return;
    this.state.triageSaving();
    try {
      if (run.callId && this.state.currentCall?.callId === run.callId) {
        const call = await this.desk.transferCall({
          callId: run.callId, mode: 'warm', target: { kind: 'emergency_911' }, summary: triageSummary(record),
        });
        this.state.callControlChanged(call);
      }
      await this.desk.recordTriage({ record, caseId: null, callId: run.callId });
      this.state.triageFinished({ kind: 'returned_to_911', determinant: record.outcome?.determinant ?? '' });
    } catch (error) {
      this.state.triageFailed(toDeskError(error));
    }
  }

  /** A non-emergency outcome: a service request becomes the routed case; every run is recorded. */
  async finish(record: TriageRecord): Promise<void> {
    const run = this.state.triageRun;
    if (run.status !== 'open') return;
    const outcome = record.outcome;
    if (!outcome) return;
    this.state.triageSaving();
    try {
      if (outcome.node.kind === 'service_request') {
        const pop = this.state.screenPop;
        const caller = pop.status === 'ready' && pop.pop.matches.length === 1 ? pop.pop.matches[0]?.caller : undefined;
        const address = typeof record.fields.address === 'string' && record.fields.address.trim() !== '' ? record.fields.address : run.location;
        const created = await this.desk.createCase({
          callerId: caller?.id ?? null,
          serviceTypeCode: outcome.node.serviceTypeCode,
          channel: 'transfer_911',
          priority: outcome.node.priority,
          description: caseDescription(record),
          address: address.trim() === '' ? null : address.trim(),
          zipcode: caller && address === caller.address ? caller.zipcode : null,
          lat: null,
          lon: null,
        });
        await this.desk.recordTriage({ record, caseId: created.id, callId: run.callId });
        this.state.triageFinished({
          kind: 'case_created', determinant: outcome.determinant, reference: created.reference, caseId: created.id,
        });
        return;
      }
      await this.desk.recordTriage({ record, caseId: null, callId: run.callId });
      this.state.triageFinished({ kind: 'recorded', determinant: outcome.determinant, outcome: outcome.node.kind });
    } catch (error) {
      this.state.triageFailed(toDeskError(error));
    }
  }

  close(): void {
    this.state.triageClosed();
  }
}
