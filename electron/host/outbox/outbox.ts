// The desk's outbox: every local change is a numbered mutation written in the same SQLite
// transaction as its optimistic effect (synchronous=FULL, so "saved" survives a power cut).
// It hands out push batches, records the server's answers, and rebases after a pull. The desk's
// own bookkeeping (BACKGROUND_MUTATIONS: views for the audit log) travels the same way, but is
// not the agent's work: the outbox panel and the status bar's counts leave it out.
import type { CacheDatabase as Database, CacheStatement as Statement } from '../cache/open-cache.js';
import type { OutboxEntry } from '../../../shared/desk-api.js';
import type { ServiceType } from '../../../shared/domain/service-type.js';
import { DeskFailure, DeskErrorSchema, type DeskError } from '../../../shared/errors.js';
import {
  BACKGROUND_MUTATIONS, MutationArgs, type Mutation, type MutationArgsOf, type MutationName, type MutationResult,
} from '../../../shared/mutations.js';
import { readMeta, writeMeta } from '../cache/meta.js';
import { rowStoreFor } from '../cache/row-store.js';
import { applyLocalEffect, describeMutation, type EffectContext, type StoredMutation } from '../mutations/index.js';
import { serverRowsFor } from './server-rows.js';

export const LAST_ISSUED_KEY = 'last_mutation_id_issued';
const REBASE_NEEDED_KEY = 'rebase_needed';
export const PUSH_BATCH_LIMIT = 500;
/** SQL condition on outbox rows: the agent's own changes, as listed and counted for them. */
export const AGENT_WORK = `name NOT IN (${BACKGROUND_MUTATIONS.map((name) => `'${name}'`).join(', ')})`;

interface OutboxRow {
  mutation_id: number;
  name: MutationName;
  args: string;
  created_at: string;
  summary: string;
  case_id: string | null;
  state: 'pending' | 'applied' | 'rejected';
  error: string | null;
}

export interface RecordedMutation {
  mutationId: number;
  caseId: string | null;
}

export class Outbox {
  readonly context: EffectContext;
  private readonly s: Record<'insert' | 'list' | 'forCase' | 'pending' | 'replayable' | 'attempt' | 'applied' | 'rejected' | 'dropRejectedBackground' | 'ack' | 'dropApplied' | 'confirmed' | 'hasWork' | 'serviceType', Statement>;
  private readonly beforeBatch: Array<() => void> = [];

  constructor(private readonly db: Database, agentId: string) {
    this.s = {
      insert: db.prepare(`INSERT INTO outbox (mutation_id, name, args, created_at, summary, case_id) VALUES (?, ?, ?, ?, ?, ?)`),
      list: db.prepare(`SELECT * FROM outbox WHERE ${AGENT_WORK} ORDER BY mutation_id`),
      forCase: db.prepare(`SELECT * FROM outbox WHERE case_id = ? ORDER BY mutation_id`),
      pending: db.prepare(`SELECT * FROM outbox WHERE state = 'pending' ORDER BY mutation_id LIMIT ?`),
      replayable: db.prepare(`SELECT * FROM outbox WHERE state != 'rejected' ORDER BY mutation_id`),
      attempt: db.prepare(`UPDATE outbox SET attempts = attempts + 1 WHERE mutation_id = ?`),
      applied: db.prepare(`UPDATE outbox SET state = 'applied' WHERE mutation_id = ? AND state = 'pending'`),
      rejected: db.prepare(`UPDATE outbox SET state = 'rejected', error = ? WHERE mutation_id = ? AND state != 'rejected'`),
      // Nobody could read or acknowledge them; kept, they would keep every pull rebasing.
      dropRejectedBackground: db.prepare(`DELETE FROM outbox WHERE state = 'rejected' AND NOT (${AGENT_WORK})`),
      ack: db.prepare(`DELETE FROM outbox WHERE mutation_id = ? AND state = 'rejected'`),
      dropApplied: db.prepare(`DELETE FROM outbox WHERE state = 'applied' AND mutation_id <= ?`),
      confirmed: db.prepare(`SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'applied' AND mutation_id <= ?)`).pluck(),
      hasWork: db.prepare('SELECT EXISTS (SELECT 1 FROM outbox) OR EXISTS (SELECT 1 FROM server_rows)').pluck(),
      serviceType: db.prepare(`SELECT code, name, agency, active, needs_location FROM service_types WHERE code = ?`),
    };
    const serverRows = serverRowsFor(db);
    const serviceTypeStatement = this.s.serviceType;
    this.context = {
      db,
      rows: rowStoreFor(db),
      touch: (entity, id) => serverRows.touch(entity, id),
      serviceType: (code) => {
        const row = serviceTypeStatement.get(code) as { code: string; name: string; agency: string; active: number; needs_location: number } | undefined;
        return row ? ({ code: row.code, name: row.name, agency: row.agency, active: row.active === 1, needsLocation: row.needs_location === 1 } satisfies ServiceType) : null;
      },
      agentId,
    };
  }

  /** Validates, numbers and stores the mutation and applies its effect, all in one transaction. */
  record<N extends MutationName>(name: N, args: MutationArgsOf<N>, createdAt: string): RecordedMutation {
    const checked = MutationArgs[name].parse(args) as MutationArgsOf<N>;
    return this.db.transaction((): RecordedMutation => {
      const mutationId = Math.max(Number(readMeta(this.db, LAST_ISSUED_KEY) ?? 0), this.highestId()) + 1;
      const { summary, caseId } = describeMutation(this.context, { name, args: checked });
      applyLocalEffect(this.context, { id: mutationId, name, args: checked, createdAt } as StoredMutation);
      this.s.insert.run(mutationId, name, JSON.stringify(checked), createdAt, summary, caseId);
      writeMeta(this.db, LAST_ISSUED_KEY, String(mutationId));
      return { mutationId, caseId };
    }).immediate();
  }

  list(): OutboxEntry[] {
    return (this.s.list.all() as OutboxRow[]).map(toEntry);
  }

  forCase(caseId: string): OutboxEntry[] {
    return (this.s.forCase.all(caseId) as OutboxRow[]).filter((row) => row.state !== 'rejected').map(toEntry);
  }

  /** The agent has read a rejection; only rejected entries can be acknowledged away. */
  acknowledge(mutationId: number): OutboxEntry {
    const entry = this.list().find((candidate) => candidate.mutationId === mutationId);
    if (!entry || entry.state !== 'rejected') throw new DeskFailure('NOT_FOUND', `No rejected mutation ${mutationId} in the outbox.`);
    this.s.ack.run(mutationId);
    return entry;
  }

  /** Runs before every push batch is read: whatever is buffered to be written goes out with it. */
  onBeforeBatch(hook: () => void): void {
    this.beforeBatch.push(hook);
  }

  /** The next mutations to push, in id order; counts the attempt. */
  nextBatch(limit = PUSH_BATCH_LIMIT): Mutation[] {
    for (const hook of this.beforeBatch) hook();
    return this.db.transaction(() => {
      const rows = this.s.pending.all(limit) as OutboxRow[];
      for (const row of rows) this.s.attempt.run(row.mutation_id);
      return rows.map((row) => ({ id: row.mutation_id, name: row.name, args: JSON.parse(row.args) as never, createdAt: row.created_at }) as Mutation);
    })();
  }

  /** Applied ones wait for the pull that carries their rows; rejected ones stay, with the reason. */
  recordResults(results: readonly MutationResult[]): void {
    if (results.length === 0) return;
    this.db.transaction(() => {
      for (const result of results) {
        if (result.status === 'applied') this.s.applied.run(result.id);
        else this.s.rejected.run(JSON.stringify(result.error), result.id);
      }
      this.s.dropRejectedBackground.run();
      writeMeta(this.db, REBASE_NEEDED_KEY, '1');
    })();
  }

  /** True while mutations or their server rows are around, so pulls must rebase. */
  hasWork(): boolean {
    return this.s.hasWork.get() === 1;
  }

  needsRebase(): boolean {
    return readMeta(this.db, REBASE_NEEDED_KEY) === '1';
  }

  /**
   * Inside the pull page's transaction, after the server's rows are written: puts every row the
   * outbox touched back to its server version, drops what the server confirmed, and replays
   * what is still pending on top, in id order. Returns the cases it touched. When the page
   * changed no tracked row, nothing was answered since the last rebase and nothing is confirmed,
   * the local rows already are the server's plus the pending effects: nothing to do.
   */
  rebase(lastMutationId: number, dropConfirmed: boolean, touched = true): string[] {
    const drops = dropConfirmed && this.s.confirmed.get(lastMutationId) === 1;
    if (!touched && !drops && !this.needsRebase()) return [];
    const restored = serverRowsFor(this.db).restoreAll();
    if (dropConfirmed) this.s.dropApplied.run(lastMutationId);
    const caseIds = new Set(restored.filter((key) => key.entity === 'service_request').map((key) => key.id));
    for (const row of this.s.replayable.all() as OutboxRow[]) {
      applyLocalEffect(this.context, { id: row.mutation_id, name: row.name, args: JSON.parse(row.args) as never, createdAt: row.created_at });
      if (row.case_id) caseIds.add(row.case_id);
    }
    writeMeta(this.db, REBASE_NEEDED_KEY, '0');
    return [...caseIds];
  }

  private highestId(): number {
    return (this.db.prepare('SELECT coalesce(max(mutation_id), 0) FROM outbox').pluck().get() as number) ?? 0;
  }
}

function toEntry(row: OutboxRow): OutboxEntry {
  let error: DeskError | null = null;
  if (row.error) {
    const parsed = DeskErrorSchema.safeParse(JSON.parse(row.error));
    error = parsed.success ? parsed.data : { code: 'INTERNAL', message: row.error };
  }
  return {
    mutationId: row.mutation_id,
    name: row.name,
    summary: row.summary,
    createdAt: row.created_at,
    // "applied" is still unconfirmed for the agent until the pull brings the server's rows.
    state: row.state === 'rejected' ? 'rejected' : 'pending',
    error,
  };
}
