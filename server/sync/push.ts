// Sync push: applies a client's mutations exactly once, in id order. Each is recorded with the
// client's last processed id and its stored result in the transaction that applies it, so a crash
// never applies one twice or skips one, and a retried push gets the very same answers.
import { DeskFailure, deskError } from '../../shared/errors.js';
import { MutationResultSchema, type Mutation, type MutationResult } from '../../shared/mutations.js';
import { SYNC_PROTOCOL_VERSION, type PushResponse } from '../../shared/sync-protocol.js';
import { mutationActorOf, mutationRefusal, type MutationActor } from '../auth/permissions.js';
import { getAgent } from '../store/agents.js';
import { lockChangeLog } from '../store/change-log.js';
import type { Store } from '../store/store.js';
import { APPLY_MUTATION, MutationRejected, type MutationContext } from './apply-mutation.js';
import { BatchWorkspace, directWorkspace, type PushWorkspace } from './workspace.js';
import type { ChangeNotifier } from './change-notifier.js';

export interface PushInput {
  clientId: string;
  mutations: readonly Mutation[];
}

/** A push that skips ids: applying past the gap would break "in order", so the push stops there. */
export class MutationGap extends DeskFailure {
  constructor(readonly expected: number, readonly received: number) {
    super('SYNC_OUT_OF_ORDER', `mutation ${received} arrived before ${expected}; push again from mutation ${expected}`);
  }
}

// Integrity (23) and data (22) errors mean the mutation itself cannot be applied: a rejection.
// Anything else (a lost connection, a restart) fails the push, which the host retries.
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

async function registerClient(store: Store, clientId: string, agentId: string): Promise<number> {
  const [row] = await store.query<{ last_mutation_id: number }>(
    `INSERT INTO sync_clients (client_id, agent_id) VALUES ($1, $2)
     ON CONFLICT (client_id) DO UPDATE SET agent_id = excluded.agent_id
     RETURNING last_mutation_id`,
    [clientId, agentId],
  );
  return row?.last_mutation_id ?? 0;
}

async function storedResults(store: Store, clientId: string, ids: number[]): Promise<Map<number, MutationResult>> {
  if (ids.length === 0) return new Map();
  const rows = await store.query<{ mutation_id: number; result: unknown }>(
    'SELECT mutation_id, result FROM sync_mutation_results WHERE client_id = $1 AND mutation_id = ANY($2::int8[])',
    [clientId, ids],
  );
  return new Map(rows.map((row) => [row.mutation_id, MutationResultSchema.parse(row.result)]));
}

/** The client's last processed id, with its row locked to commit. The change-log lock is taken by
 * the run (batched or savepoint) that follows, before it reads anything it will write. */
async function lockClient(tx: Store, clientId: string): Promise<number> {
  const [row] = await tx.query<{ last_mutation_id: number }>(
    'SELECT last_mutation_id FROM sync_clients WHERE client_id = $1 FOR UPDATE',
    [clientId],
  );
  return row?.last_mutation_id ?? 0;
}

/** How many mutations share one transaction: enough to spread the commit's disk flush and the
 * prefetch queries, few enough that the change-log lock is not held long against other desks. */
const MUTATIONS_PER_TRANSACTION = 500;

interface ChunkOutcome {
  /** Mutations this chunk applied (so wrote to the change log). */
  applied: number;
  /** Set when the chunk stopped at a gap in the ids; what came before it is committed. */
  gap: MutationGap | null;
  /** The results of this chunk, to be used only once its transaction committed. */
  results: Map<number, MutationResult>;
}

function contextFor(clientId: string, actor: MutationActor, mutation: Mutation): MutationContext {
  return {
    origin: { agentId: actor.id, clientId, mutationId: mutation.id, at: mutation.createdAt },
    now: new Date().toISOString(),
    actor,
  };
}

type ApplyFunction = (ws: PushWorkspace, c: MutationContext, args: unknown) => Promise<string[]>;

/** The mutation's apply function, behind the role check: the desk is never trusted to have refused it. */
function applyFunction(mutation: Mutation): ApplyFunction {
  const apply = APPLY_MUTATION[mutation.name] as ApplyFunction;
  return async (ws, context, args) => {
    const refusal = mutationRefusal(context.actor, mutation.name);
    if (refusal) throw new MutationRejected('FORBIDDEN', refusal);
    return apply(ws, context, args);
  };
}

function rejection(mutation: Mutation, error: unknown): MutationResult {
  const reason = error instanceof MutationRejected
    ? error.toJSON()
    : deskError('INVALID_INPUT', `the case data was refused: ${(error as Error).message}`);
  return { id: mutation.id, status: 'rejected', error: reason };
}

/** Applies one mutation inside a savepoint, so a refused one leaves no partial write behind. */
async function applyOne(tx: Store, clientId: string, actor: MutationActor, mutation: Mutation): Promise<MutationResult> {
  await tx.query('SAVEPOINT frontdesk_mutation');
  try {
    const conflictIds = await applyFunction(mutation)(directWorkspace(tx), contextFor(clientId, actor, mutation), mutation.args);
    await tx.query('RELEASE SAVEPOINT frontdesk_mutation');
    return { id: mutation.id, status: 'applied', conflictIds };
  } catch (error) {
    if (!(error instanceof MutationRejected) && !isDataError(error)) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT frontdesk_mutation');
    return rejection(mutation, error);
  }
}

/** Stores the results of a run and the client's new last processed id, in one statement. */
async function recordResults(tx: Store, clientId: string, processed: ReadonlyArray<{ mutation: Mutation; result: MutationResult }>): Promise<void> {
  const last = processed.at(-1);
  if (!last) return;
  await tx.query(
    `WITH stored AS (
       INSERT INTO sync_mutation_results (client_id, mutation_id, name, status, result)
       SELECT $1, r.id, r.name, r.status, r.result FROM jsonb_to_recordset($2::jsonb) AS r(id int8, name text, status text, result jsonb)
     )
     UPDATE sync_clients SET last_mutation_id = $3, updated_at = now() WHERE client_id = $1`,
    [
      clientId,
      JSON.stringify(processed.map(({ mutation, result }) => ({ id: mutation.id, name: mutation.name, status: result.status, result }))),
      last.mutation.id,
    ],
  );
}

type ApplyRun = (tx: Store, mutations: readonly Mutation[]) => Promise<{
  applyNext: (mutation: Mutation) => Promise<MutationResult>;
  finish: () => Promise<void>;
}>;

/** The usual way: reads prefetched, writes buffered and flushed per entity at the end. */
const batchedRun = (clientId: string, actor: MutationActor): ApplyRun => async (tx, mutations) => {
  const ws = await BatchWorkspace.open(tx, mutations);
  return {
    async applyNext(mutation) {
      const writesBefore = ws.writeCount;
      try {
        const conflictIds = await applyFunction(mutation)(ws, contextFor(clientId, actor, mutation), mutation.args);
        return { id: mutation.id, status: 'applied', conflictIds };
      } catch (error) {
        if (!(error instanceof MutationRejected)) throw error;
        // Every check runs before the first write, so a rejected mutation has buffered nothing.
        if (ws.writeCount !== writesBefore) throw new DeskFailure('INTERNAL', `mutation ${mutation.id} was rejected after writing`);
        return rejection(mutation, error);
      }
    },
    finish: () => ws.flush(),
  };
};

/** The careful way, when the database refused a batch's data: one savepoint per mutation. */
const savepointRun = (clientId: string, actor: MutationActor): ApplyRun => async (tx) => {
  await lockChangeLog(tx);
  return { applyNext: (mutation) => applyOne(tx, clientId, actor, mutation), finish: async () => {} };
};

/**
 * A run of mutations in one transaction, recorded with the client's last processed id in that
 * same transaction: a crash rolls the whole run back, and the retry applies it once.
 */
async function processChunk(store: Store, clientId: string, chunk: readonly Mutation[], run: ApplyRun): Promise<ChunkOutcome> {
  return store.transaction(async (tx) => {
    let last = await lockClient(tx, clientId);
    const results = new Map<number, MutationResult>();
    // Another push of this client may have processed some of these since we looked.
    const done = await storedResults(tx, clientId, chunk.filter((m) => m.id <= last).map((m) => m.id));
    const fresh: Mutation[] = [];
    let gap: MutationGap | null = null;
    for (const mutation of chunk) {
      if (mutation.id <= last) {
        const stored = done.get(mutation.id);
        if (!stored) throw new DeskFailure('INTERNAL', `no stored result for mutation ${mutation.id} of ${clientId}`);
        results.set(mutation.id, stored);
        continue;
      }
      if (mutation.id !== last + 1) {
        gap = new MutationGap(last + 1, mutation.id);
        break;
      }
      fresh.push(mutation);
      last = mutation.id;
    }
    const processed: Array<{ mutation: Mutation; result: MutationResult }> = [];
    let applied = 0;
    if (fresh.length === 0) return { applied, gap, results };
    const applier = await run(tx, fresh);
    for (const mutation of fresh) {
      const result = await applier.applyNext(mutation);
      processed.push({ mutation, result });
      results.set(mutation.id, result);
      if (result.status === 'applied') applied += 1;
    }
    await applier.finish();
    await recordResults(tx, clientId, processed);
    return { applied, gap, results };
  });
}

/** Batched first; if the database refuses the batch's data, the chunk is redone one savepoint at a time. */
async function processChunkSafely(store: Store, clientId: string, actor: MutationActor, chunk: readonly Mutation[]): Promise<ChunkOutcome> {
  try {
    return await processChunk(store, clientId, chunk, batchedRun(clientId, actor));
  } catch (error) {
    if (!isDataError(error)) throw error;
    return processChunk(store, clientId, chunk, savepointRun(clientId, actor));
  }
}

/**
 * Processes a push for the signed-in agent. Mutations are taken in id order whatever order they
 * came in; ids already processed get their stored result. Results come back in request order.
 * A gap in the ids commits what came before it and then fails the push with SYNC_OUT_OF_ORDER.
 */
export async function pushMutations(
  store: Store,
  notifier: ChangeNotifier,
  agentId: string,
  push: PushInput,
): Promise<PushResponse> {
  const byId = new Map<number, Mutation>();
  for (const mutation of push.mutations) if (!byId.has(mutation.id)) byId.set(mutation.id, mutation);
  const ordered = [...byId.values()].sort((a, b) => a.id - b.id);

  // The role as the store has it now: what the desk allowed offline decides nothing.
  const agent = await getAgent(store, agentId);
  if (!agent) throw new DeskFailure('UNAUTHORIZED', `agent ${agentId} no longer exists`);
  const actor = mutationActorOf(agent);
  const lastAtStart = await registerClient(store, push.clientId, agentId);
  const results = await storedResults(store, push.clientId, ordered.filter((m) => m.id <= lastAtStart).map((m) => m.id));
  const pending = ordered.filter((m) => !results.has(m.id));
  for (let start = 0; start < pending.length; start += MUTATIONS_PER_TRANSACTION) {
    const outcome = await processChunkSafely(store, push.clientId, actor, pending.slice(start, start + MUTATIONS_PER_TRANSACTION));
    for (const [id, result] of outcome.results) results.set(id, result);
    // Poked per commit (the hub debounces), so hosts hear of what committed even if the push stops later.
    if (outcome.applied > 0) notifier.changed();
    if (outcome.gap) throw outcome.gap;
  }
  const lastMutationId = Math.max(lastAtStart, ...[...results.keys()]);
  return {
    protocolVersion: SYNC_PROTOCOL_VERSION,
    lastMutationId,
    results: push.mutations.map((mutation) => results.get(mutation.id) as MutationResult),
  };
}
