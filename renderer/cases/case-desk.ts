// Case work and the outbox, free of React: intake from a call, the case detail's edits, the case
// search and the outbox panel. It follows the host's casesChanged, mutationResults and syncStatus
// events so what is on screen catches up with the server (a provisional reference turning official).
import type { CaseSummary, DeskClient, DeskParams, SyncStatus } from '../../shared/desk-api.js';
import type { ServiceRequestStatus } from '../../shared/domain/service-request.js';
import { toDeskError, type DeskError } from '../../shared/errors.js';
import type { MutationResult } from '../../shared/mutations.js';
import { toE164 } from '../../shared/phone.js';
import type { Logger } from '../lib/log.js';
import type { DeskStore } from '../stores/desk-store.js';
import type { IntakeCaller } from '../stores/cases-slice.js';
import { isProvisionalReference, normalizeCaseQuery } from './case-view.js';

export type NewCallerInput = { name: string; phone: string; address: string };
export type NewCaseInput = { serviceTypeCode: string; description: string; address: string };
export type CaseFieldEdits = DeskParams<'editCase'>['changes'];

export class CaseDesk {
  private stopped = false;

  constructor(
    private readonly desk: DeskClient,
    private readonly store: DeskStore,
    private readonly log: Logger,
  ) {}

  private get state() {
    return this.store.getState();
  }

  /** Subscriptions to the host's events; returns the unsubscribes for the owner to call. */
  subscribe(): Array<() => void> {
    return [
      this.desk.on('casesChanged', ({ caseIds }) => void this.onCasesChanged(caseIds)),
      this.desk.on('mutationResults', (results) => this.onMutationResults(results)),
      this.desk.on('syncStatus', (status) => void this.onSyncStatus(status)),
    ];
  }

  stop(): void {
    this.stopped = true;
  }

  async loadServiceTypes(): Promise<void> {
    try {
      const types = await this.desk.listServiceTypes({});
      if (!this.stopped) this.state.serviceTypesLoaded(types);
    } catch (error) {
      this.log.warn('could not list the service types', toDeskError(error));
    }
  }

  // ---- intake ----------------------------------------------------------------------------

  /** Saves an unknown number's caller, then opens a new case for them. */
  async saveCaller(callSid: string, input: NewCallerInput): Promise<void> {
    const phone = toE164(input.phone) ?? input.phone.trim();
    this.state.callerSaveStarted(callSid);
    try {
      const caller = await this.desk.createCaller({
        name: input.name.trim(),
        phones: [phone],
        address: input.address.trim() || null,
        lat: null,
        lon: null,
      });
      if (this.stopped) return;
      this.state.callerSaved(callSid, caller);
      this.startIntake(callSid, { id: caller.id, name: caller.name, address: caller.address, zipcode: caller.zipcode });
    } catch (error) {
      this.state.callerSaveFailed(callSid, toDeskError(error));
    }
  }

  startIntake(callSid: string | null, caller: IntakeCaller | null): void {
    this.state.intakeStarted(callSid, caller);
    // The list rarely changes; reading it on each intake keeps a newly synced type selectable.
    void this.loadServiceTypes();
  }

  async submitCase(input: NewCaseInput): Promise<void> {
    const intake = this.state.intake;
    if (!intake || intake.saving || intake.created) return;
    this.state.intakeSaveStarted();
    const address = input.address.trim() || null;
    try {
      const created = await this.desk.createCase({
        callerId: intake.caller?.id ?? null,
        serviceTypeCode: input.serviceTypeCode,
        channel: 'phone',
        description: input.description.trim(),
        address,
        // The caller's ZIP code only goes along when the case is at the caller's own address.
        zipcode: intake.caller && address === intake.caller.address ? intake.caller.zipcode : null,
        lat: null,
        lon: null,
      });
      if (!this.stopped) this.state.caseCreated(created);
    } catch (error) {
      this.state.intakeSaveFailed(toDeskError(error));
    }
  }

  closeIntake(): void {
    this.state.intakeClosed();
  }

  // ---- case detail -----------------------------------------------------------------------

  async openCase(caseId: string): Promise<void> {
    this.state.caseOpened(caseId);
    await this.loadCase(caseId);
  }

  closeCase(): void {
    this.state.caseDetailClosed();
  }

  async editCase(caseId: string, changes: CaseFieldEdits): Promise<void> {
    await this.caseAction(caseId, () => this.desk.editCase({ caseId, changes }));
  }

  async changeStatus(caseId: string, status: ServiceRequestStatus): Promise<void> {
    await this.caseAction(caseId, () => this.desk.changeCaseStatus({ caseId, status }));
  }

  async addNote(caseId: string, text: string): Promise<boolean> {
    return this.caseAction(caseId, () => this.desk.addCaseNote({ caseId, text }));
  }

  async resolveConflict(caseId: string, conflictId: string, resolution: 'keep' | 'take_losing'): Promise<void> {
    await this.caseAction(caseId, () => this.desk.resolveConflict({ conflictId, resolution }));
  }

  /** Runs one change and re-reads the case, so notes, pending changes and conflicts are current. */
  private async caseAction(caseId: string, run: () => Promise<unknown>): Promise<boolean> {
    this.state.caseActionStarted(caseId);
    try {
      const result = await run();
      if (isCaseSummary(result)) this.state.caseSummaryUpdated(result);
    } catch (error) {
      this.state.caseActionFailed(caseId, toDeskError(error));
      return false;
    }
    await this.loadCase(caseId);
    return true;
  }

  private async loadCase(caseId: string): Promise<void> {
    try {
      const detail = await this.desk.getCase({ caseId });
      if (!this.stopped) this.state.caseDetailLoaded(caseId, detail);
    } catch (error) {
      this.state.caseDetailFailed(caseId, toDeskError(error));
    }
  }

  // ---- search ----------------------------------------------------------------------------

  async search(text: string): Promise<void> {
    const query = normalizeCaseQuery(text);
    if (!query) {
      this.state.caseSearchCleared();
      return;
    }
    this.state.caseSearchStarted(query);
    try {
      const results = await this.desk.searchCases({ query, limit: 20 });
      this.state.caseSearchFinished(query, results);
    } catch (error) {
      this.state.caseSearchFailed(query, toDeskError(error));
    }
  }

  clearSearch(): void {
    this.state.caseSearchCleared();
  }

  // ---- outbox ----------------------------------------------------------------------------

  async openOutbox(): Promise<void> {
    this.state.outboxOpened();
    await this.loadOutbox();
  }

  closeOutbox(): void {
    this.state.outboxClosed();
  }

  async acknowledgeRejection(mutationId: number): Promise<void> {
    if (this.state.outbox.acknowledging.includes(mutationId)) return;
    this.state.rejectionAcknowledgeStarted(mutationId);
    try {
      await this.desk.acknowledgeRejection({ mutationId });
      this.state.rejectionAcknowledged(mutationId);
    } catch (error) {
      this.state.rejectionAcknowledgeFailed(mutationId, toDeskError(error));
    }
  }

  private async loadOutbox(): Promise<void> {
    this.state.outboxLoadStarted();
    try {
      const entries = await this.desk.listOutbox({});
      if (!this.stopped) this.state.outboxLoaded(entries);
    } catch (error) {
      this.state.outboxLoadFailed(toDeskError(error));
    }
  }

  // ---- host events -----------------------------------------------------------------------

  /** Re-reads whatever case views are on screen; after the desk host link comes back, since
   * events sent while it was down are lost. */
  async refreshVisible(): Promise<void> {
    const detail = this.state.caseDetail;
    const created = this.state.intake?.created;
    await Promise.all([
      detail.status !== 'closed' ? this.loadCase(detail.caseId) : undefined,
      created ? this.refreshSummary(created.id) : undefined,
      this.state.outbox.open ? this.loadOutbox() : undefined,
    ]);
  }

  private async onCasesChanged(caseIds: readonly string[]): Promise<void> {
    const changed = new Set(caseIds);
    const work: Array<Promise<void>> = [];
    const detail = this.state.caseDetail;
    if (detail.status !== 'closed' && changed.has(detail.caseId)) work.push(this.loadCase(detail.caseId));
    const created = this.state.intake?.created;
    if (created && changed.has(created.id)) work.push(this.refreshSummary(created.id));
    if (this.state.outbox.open) work.push(this.loadOutbox());
    await Promise.all(work);
  }

  private onMutationResults(results: MutationResult[]): void {
    this.state.mutationResultsReceived(results);
    if (this.state.outbox.open) void this.loadOutbox();
    const detail = this.state.caseDetail;
    if (detail.status === 'ready') void this.loadCase(detail.caseId);
  }

  // The counts in the status moved: an open outbox follows, and a case still shown under its
  // provisional reference is re-read in case the official number has arrived with a pull.
  private async onSyncStatus(status: SyncStatus): Promise<void> {
    const work: Array<Promise<void>> = [];
    if (this.state.outbox.open) work.push(this.loadOutbox());
    const created = this.state.intake?.created;
    if (created && isProvisionalReference(created.reference) && status.connection !== 'offline') work.push(this.refreshSummary(created.id));
    await Promise.all(work);
  }

  private async refreshSummary(caseId: string): Promise<void> {
    try {
      const detail = await this.desk.getCase({ caseId });
      if (!this.stopped) this.state.caseSummaryUpdated(detail.serviceRequest);
    } catch (error) {
      this.log.debug(`could not refresh case ${caseId}`, toDeskError(error) satisfies DeskError);
    }
  }
}

function isCaseSummary(value: unknown): value is CaseSummary {
  return typeof value === 'object' && value !== null && 'reference' in value && 'serviceTypeName' in value;
}
