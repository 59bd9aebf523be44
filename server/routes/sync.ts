// Sync pull: the change log after the client's cursor, oldest first, a page at a time.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  PullRequestSchema, SYNC_PROTOCOL_VERSION, type PullResponse, type RowChange,
} from '../../shared/sync-protocol.js';
import { HttpFailure, parseInput } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import { readChanges } from '../store/change-log.js';

const ProtocolProbeSchema = z.object({ protocolVersion: z.number() });

export function registerSyncRoutes(scope: FastifyInstance, context: ServerContext): void {
  scope.post('/sync/pull', async (request): Promise<PullResponse> => {
    // A host of another protocol version gets its own code, so it can tell the user to update.
    const probe = ProtocolProbeSchema.safeParse(request.body);
    if (probe.success && probe.data.protocolVersion !== SYNC_PROTOCOL_VERSION) {
      throw new HttpFailure(
        400,
        'SYNC_PROTOCOL_MISMATCH',
        `this server speaks sync protocol ${SYNC_PROTOCOL_VERSION}, the client sent ${probe.data.protocolVersion}`,
      );
    }
    const pull = parseInput(PullRequestSchema, request.body);
    // One extra row tells whether another page follows.
    const { changes, headVersion } = await readChanges(context.store, pull.cursor, pull.limit + 1);
    const page = changes.slice(0, pull.limit);
    const rows: RowChange[] = page.map((change) =>
      change.op === 'del'
        ? { op: 'del', entity: change.entity, id: change.entity_id, version: change.version }
        : { op: 'put', entity: change.entity, id: change.entity_id, version: change.version, row: change.row ?? {} },
    );
    return {
      protocolVersion: SYNC_PROTOCOL_VERSION,
      cursor: page.at(-1)?.version ?? pull.cursor,
      lastMutationId: 0,
      hasMore: changes.length > pull.limit,
      headVersion,
      changes: rows,
    };
  });
}
