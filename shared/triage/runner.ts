// Runs a validated protocol set with a caller, one question at a time. Each action returns a new
// run; nothing is ever changed in place, so the screen can keep the previous run and the record
// is an append-only log: going back marks answers superseded instead of deleting them.
import { normalizeAnswer, type AnswerError, type AnswerValue } from './answers.js';
import { holds, isOutcome, type OutcomeNode, type QuestionNode, type TriageProtocol } from './protocol.js';
import {
  TRIAGE_RECORD_SCHEMA_VERSION,
  type TriageOutcomeRecord,
  type TriageRecord,
  type TriageStatus,
  type TriageStep,
} from './record.js';
import type { ProtocolLibrary } from './validate.js';

/** Milliseconds since the epoch; injected so tests and replays control time. */
export type TriageClock = () => number;

/** The outcome recorded when the call-taker sends the call back to 911 from any step. */
export const ESCALATION_OUTCOME: OutcomeNode = {
  id: 'call_taker_escalation',
  kind: 'return_to_911',
  determinant: 'ESC-911',
  script: 'Stay on the line, I am transferring you back to 911 now.',
};

export type TriageRunErrorCode = 'CANNOT_GO_BACK' | 'ALREADY_FINISHED' | 'NO_OUTCOME_YET' | 'NOT_IN_LIBRARY';

/** Thrown for an action the run's state does not allow (the screen never offers one). */
export class TriageRunError extends Error {
  readonly code: TriageRunErrorCode;
  constructor(code: TriageRunErrorCode, message: string) {
    super(message);
    this.name = 'TriageRunError';
    this.code = code;
  }
}

export type StartTriage = {
  library: ProtocolLibrary;
  runId: string;
  callTakerId: string;
  callSid?: string | null;
  clock?: TriageClock;
};

export type CurrentQuestion = { protocol: TriageProtocol; node: QuestionNode; step: TriageStep };

export type AnswerResult = { ok: true; run: TriageRun } | { ok: false; error: AnswerError };

type RunState = {
  readonly library: ProtocolLibrary;
  readonly clock: TriageClock;
  readonly runId: string;
  readonly callTakerId: string;
  readonly callSid: string | null;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly status: TriageStatus;
  /** Every step shown, in order; superseded ones stay. */
  readonly steps: readonly TriageStep[];
  /** Indexes into `steps` of the answers that count, then the question on screen. */
  readonly path: readonly number[];
  readonly outcome: TriageOutcomeRecord | null;
};

const iso = (ms: number) => new Date(ms).toISOString();

export class TriageRun {
  private constructor(private readonly state: RunState) {}

  /** Starts at the library's entry protocol; the run keeps that library, pinning every version. */
  static start({ library, runId, callTakerId, callSid = null, clock = Date.now }: StartTriage): TriageRun {
    const startedAt = clock();
    const empty = new TriageRun({ library, clock, runId, callTakerId, callSid, startedAt, endedAt: null, status: 'asking', steps: [], path: [], outcome: null });
    return empty.enter(library.entry, protocolOf(library, library.entry).start, startedAt);
  }

  get status(): TriageStatus {
    return this.state.status;
  }

  get outcome(): TriageOutcomeRecord | null {
    return this.state.outcome;
  }

  /** The question on screen, or null once an outcome is reached. */
  get question(): CurrentQuestion | null {
    if (this.state.status !== 'asking') return null;
    const step = this.state.steps[this.state.path[this.state.path.length - 1]!]!;
    const protocol = protocolOf(this.state.library, step.protocolId);
    return { protocol, node: nodeOf(protocol, step.nodeId) as QuestionNode, step };
  }

  get canGoBack(): boolean {
    if (this.state.status === 'outcome') return this.state.path.length > 0;
    return this.state.status === 'asking' && this.state.path.length > 1;
  }

  get isFinished(): boolean {
    return this.state.status === 'escalated' || this.state.status === 'completed';
  }

  /** Time on triage so far; stops when the run ends. */
  elapsedMs(): number {
    return Math.max(0, (this.state.endedAt ?? this.state.clock()) - this.state.startedAt);
  }

  /** The fields the answers that still count have filled, by field name. */
  capturedFields(): Record<string, AnswerValue> {
    const fields: Record<string, AnswerValue> = {};
    for (const index of this.state.path) {
      const step = this.state.steps[index]!;
      if (step.field && step.answer) fields[step.field] = step.answer.value;
    }
    return fields;
  }

  answer(input: AnswerValue): AnswerResult {
    const current = this.question;
    if (!current) return { ok: false, error: { code: 'NOT_ASKING', message: 'There is no question to answer.' } };
    const checked = normalizeAnswer(current.node, input);
    if (!checked.ok) return checked;
    const now = this.state.clock();
    const index = this.state.path[this.state.path.length - 1]!;
    const answered: TriageStep = { ...current.step, answer: { ...checked.answer, answeredAt: iso(now) } };
    const run = this.with({ steps: this.state.steps.map((step, at) => (at === index ? answered : step)) });
    return { ok: true, run: run.enter(current.protocol.id, nextNodeId(current.node, checked.answer.value), now) };
  }

  /** Undoes the last answer that counts: it stays in the record, superseded, and its question is asked again. */
  back(): TriageRun {
    if (!this.canGoBack) throw new TriageRunError('CANNOT_GO_BACK', `Cannot go back from a run that is ${this.state.status}${this.state.path.length <= 1 ? ' at its first question' : ''}.`);
    const now = this.state.clock();
    const path = [...this.state.path];
    const supersede = new Set<number>();
    if (this.state.status === 'asking') supersede.add(path.pop()!);
    const undone = path.pop()!;
    supersede.add(undone);
    const steps = this.state.steps.map((step, at) => (supersede.has(at) ? { ...step, supersededAt: iso(now) } : step));
    const again: TriageStep = { ...this.state.steps[undone]!, shownAt: iso(now), answer: null, supersededAt: null };
    return this.with({ status: 'asking', outcome: null, steps: [...steps, again], path: [...path, steps.length] });
  }

  /** Return to 911, from any step and even after an outcome, until the run is completed. */
  escalate(): TriageRun {
    if (this.isFinished) throw new TriageRunError('ALREADY_FINISHED', `The run is already ${this.state.status}.`);
    const now = this.state.clock();
    const lastStep = this.state.steps[this.state.path[this.state.path.length - 1] ?? this.state.steps.length - 1];
    const protocolId = this.state.outcome?.protocolId ?? lastStep?.protocolId ?? this.state.library.entry;
    const protocol = protocolOf(this.state.library, protocolId);
    const outcome: TriageOutcomeRecord = {
      protocolId,
      protocolVersion: protocol.version,
      node: ESCALATION_OUTCOME,
      determinant: ESCALATION_OUTCOME.determinant,
      escalated: true,
      reachedAt: iso(now),
    };
    return this.with({ status: 'escalated', outcome, endedAt: now });
  }

  /** The call-taker confirmed the outcome; the record is final. */
  complete(): TriageRun {
    if (this.state.status !== 'outcome') {
      throw new TriageRunError(this.isFinished ? 'ALREADY_FINISHED' : 'NO_OUTCOME_YET', `Cannot complete a run that is ${this.state.status}.`);
    }
    return this.with({ status: 'completed', endedAt: this.state.clock() });
  }

  record(caller: { location?: string | null; callbackNumber?: string | null } = {}): TriageRecord {
    const protocols: TriageRecord['protocols'] = [];
    const note = (id: string, version: number) => {
      if (!protocols.some((entry) => entry.id === id && entry.version === version)) protocols.push({ id, version });
    };
    for (const step of this.state.steps) note(step.protocolId, step.protocolVersion);
    if (this.state.outcome) note(this.state.outcome.protocolId, this.state.outcome.protocolVersion);
    return {
      schemaVersion: TRIAGE_RECORD_SCHEMA_VERSION,
      runId: this.state.runId,
      callSid: this.state.callSid,
      callTakerId: this.state.callTakerId,
      protocols,
      status: this.state.status,
      startedAt: iso(this.state.startedAt),
      endedAt: this.state.endedAt === null ? null : iso(this.state.endedAt),
      elapsedMs: Math.round(this.elapsedMs()),
      steps: this.state.steps.map((step) => ({ ...step, answer: step.answer ? { ...step.answer } : null })),
      outcome: this.state.outcome,
      fields: this.capturedFields(),
      caller: { location: caller.location?.trim() || null, callbackNumber: caller.callbackNumber?.trim() || null },
    };
  }

  private with(change: Partial<RunState>): TriageRun {
    return new TriageRun({ ...this.state, ...change });
  }

  /** Moves to a node, following hand-offs to other protocols, until a question or an outcome. */
  private enter(protocolId: string, nodeId: string, now: number): TriageRun {
    let protocol = protocolOf(this.state.library, protocolId);
    let node = nodeOf(protocol, nodeId);
    while (node.kind === 'continue') {
      protocol = protocolOf(this.state.library, node.protocolId);
      node = nodeOf(protocol, protocol.start);
    }
    if (isOutcome(node)) {
      const outcome: TriageOutcomeRecord = {
        protocolId: protocol.id,
        protocolVersion: protocol.version,
        node,
        determinant: node.determinant,
        escalated: false,
        reachedAt: iso(now),
      };
      // Every outcome waits for the call-taker to confirm it, a return to 911 included: a slip of
      // the finger can still be undone with back() before the caller is transferred.
      return this.with({ status: 'outcome', outcome });
    }
    const question = node as QuestionNode;
    const step: TriageStep = {
      protocolId: protocol.id,
      protocolVersion: protocol.version,
      nodeId: question.id,
      kind: question.kind,
      prompt: question.prompt,
      field: question.field ?? null,
      shownAt: iso(now),
      answer: null,
      supersededAt: null,
    };
    return this.with({ status: 'asking', steps: [...this.state.steps, step], path: [...this.state.path, this.state.steps.length] });
  }
}

function protocolOf(library: ProtocolLibrary, id: string): TriageProtocol {
  const protocol = library.protocols.get(id);
  if (!protocol) throw new TriageRunError('NOT_IN_LIBRARY', `Protocol "${id}" is not in the library (was it validated?).`);
  return protocol;
}

function nodeOf(protocol: TriageProtocol, id: string) {
  const node = protocol.nodes.find((candidate) => candidate.id === id);
  if (!node) throw new TriageRunError('NOT_IN_LIBRARY', `Node "${id}" is not in ${protocol.id} v${protocol.version} (was it validated?).`);
  return node;
}

/** Where an accepted answer leads: the option's or branch's node, else the question's `next`. */
function nextNodeId(question: QuestionNode, value: AnswerValue): string {
  switch (question.kind) {
    case 'yes_no':
      return value === true ? question.yes : question.no;
    case 'choice':
      return question.options.find((option) => option.value === value)!.next;
    case 'number':
      return question.branches?.find((branch) => holds(branch.when.op, value as number, branch.when.value))?.next ?? question.next;
    case 'time':
      return question.branches?.find((branch) => holds(branch.when.op, value as string, branch.when.value))?.next ?? question.next;
    default:
      return question.next;
  }
}
