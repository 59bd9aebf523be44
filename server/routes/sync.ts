// Sync routes: push (the outbox's mutations, applied exactly once), pull (the change log after the
// client's cursor, a page at a time, with the client's last processed mutation), snapshot (a first
// sync's current rows in key order) and the poke socket.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  PullRequestSchema, PushRequestSchema, SnapshotRequestSchema, SYNC_POKE_PATH, SYNC_PROTOCOL_VERSION, SyncedEntitySchema,
  type PullResponse, type PushResponse, type SnapshotResponse,
} from '../../shared/sync-protocol.js';
import { changesForDepartments } from '../auth/department-view.js';
import { departmentsOf } from '../auth/permissions.js';
import { queryTokenAccess, signedInAgentOf } from '../auth/route-access.js';
import { HttpFailure, parseInput } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import { countSnapshotRows, readChangesJson, readHeadVersion, readSnapshotJson, snapshotKeyType } from '../store/change-log.js';
import { MutationGap, pushMutations } from '../sync/push.js';
import { signedInAgentId } from './auth.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ProtocolProbeSchema = z.object({ protocolVersion: z.number() });
// 500 mutations with long descriptions exceed Fastify's 1 MiB default.
const PUSH_BODY_LIMIT = 8 * 1024 * 1024;

/** A host of another protocol version gets its own code, so it can tell the user to update. */
function refuseOtherProtocol(body: unknown): void {
  const probe = ProtocolProbeSchema.safeParse(body);
  if (probe.success && probe.data.protocolVersion !== SYNC_PROTOCOL_VERSION) {
    throw new HttpFailure(
      400,
      'SYNC_PROTOCOL_MISMATCH',
      `this server speaks sync protocol ${SYNC_PROTOCOL_VERSION}, the client sent ${probe.data.protocolVersion}`,
    );
  }
}

async function lastMutationIdOf(context: ServerContext, clientId: string): Promise<number> {
  const [row] = await context.store.query<{ last_mutation_id: number }>(
    'SELECT last_mutation_id FROM sync_clients WHERE client_id = $1',
    [clientId],
  );
  return row?.last_mutation_id ?? 0;
}

export function registerSyncRoutes(scope: FastifyInstance, context: ServerContext): void {
  scope.post('/sync/pull', { config: { access: 'sync.pull' } }, async (request, reply) => {
    refuseOtherProtocol(request.body);
    const pull = parseInput(PullRequestSchema, request.body);
    // Read before the changes: whatever it counts as processed has committed, so its rows are in
    // this page or a later one and the host never drops an outbox entry whose effect cannot arrive.
    const lastMutationId = await lastMutationIdOf(context, pull.clientId);
    // One extra row tells whether another page follows.
    const page = await readChangesJson(context.store, pull.cursor, pull.limit + 1);
    const hasMore = page.changes.length > pull.limit;
    const pageChanges = hasMore ? page.changes.slice(0, pull.limit) : page.changes;
    // Department staff see their departments' cases only; the cursor still follows the whole page.
    const departments = departmentsOf(await signedInAgentOf(request, context.store));
    const changes = departments ? await changesForDepartments(context.store, pageChanges, departments) : pageChanges;
    const envelope: Omit<PullResponse, 'changes'> = {
      protocolVersion: SYNC_PROTOCOL_VERSION,
      cursor: pageChanges.at(-1)?.version ?? pull.cursor,
      lastMutationId,
      hasMore,
      headVersion: page.headVersion,
    };
    return sendWithChanges(reply, envelope, changes);
  });

  scope.post('/sync/snapshot', { config: { access: 'sync.pull' } }, async (request, reply) => {
    refuseOtherProtocol(request.body);
    const snapshot = parseInput(SnapshotRequestSchema, request.body);
    if (snapshot.afterId !== null && snapshotKeyType(snapshot.entity) === 'uuid' && !UUID.test(snapshot.afterId)) {
      throw new HttpFailure(400, 'INVALID_INPUT', `afterId of a ${snapshot.entity} snapshot must be a UUID`);
    }
    // Both read before the rows: the head so that a pull from it replays whatever the rows
    // missed, the last mutation id as a pull reads it.
    const lastMutationId = await lastMutationIdOf(context, snapshot.clientId);
    const headVersion = await readHeadVersion(context.store);
    const starts = snapshot.entity === SyncedEntitySchema.options[0] && snapshot.afterId === null;
    const totalRows = starts ? await countSnapshotRows(context.store) : null;
    const page = await readSnapshotJson(context.store, snapshot.entity, snapshot.afterId, snapshot.limit);
    const departments = departmentsOf(await signedInAgentOf(request, context.store));
    const changes = departments ? await changesForDepartments(context.store, page.changes, departments) : page.changes;
    const envelope: Omit<SnapshotResponse, 'changes'> = {
      protocolVersion: SYNC_PROTOCOL_VERSION,
      entity: snapshot.entity,
      headVersion,
      lastMutationId,
      nextAfterId: page.nextAfterId,
      totalRows,
    };
    return sendWithChanges(reply, envelope, changes);
  });

  scope.post('/sync/push', { config: { access: 'sync.push' }, bodyLimit: PUSH_BODY_LIMIT }, async (request): Promise<PushResponse> => {
    refuseOtherProtocol(request.body);
    const push = parseInput(PushRequestSchema, request.body);
    try {
      return await pushMutations(context.store, context.notifier, signedInAgentId(request), push);
    } catch (error) {
      if (error instanceof MutationGap) throw new HttpFailure(409, 'SYNC_OUT_OF_ORDER', error.message);
      throw error;
    }
  });
}

/** The rows are spliced into the envelope as the database wrote them: no parse and re-stringify per row. */
function sendWithChanges(reply: FastifyReply, envelope: object, changes: ReadonlyArray<{ json: string }>): FastifyReply {
  const head = JSON.stringify(envelope);
  return reply.type('application/json; charset=utf-8').send(`${head.slice(0, -1)},"changes":[${changes.map((change) => change.json).join(',')}]}`);
}

/** The poke socket authenticates with `?token=` (browsers cannot set headers on a WebSocket). */
export function registerPokeRoute(app: FastifyInstance, context: ServerContext): void {
  const access = queryTokenAccess(context.config.tokenSecret, context.store, 'sync.pull');
  app.get(SYNC_POKE_PATH, { websocket: true, ...access }, (socket, request) => {
    if (request.sessionId) context.sessionSockets.track(request.sessionId, socket);
    context.pokeHub.attach(socket, request.agentId);
  });
}
