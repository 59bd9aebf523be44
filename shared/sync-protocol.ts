// The sync protocol between desk hosts and the central server, as versioned data: push sends the
// outbox's mutations, pull returns the change log after a cursor, a poke says "pull now".
import { z } from 'zod';
import { CallControlStateSchema } from './call-control.js';
import { PublishedProtocolSchema, TriageRecordRowSchema } from './triage/published.js';
import { AgentSchema } from './domain/agent.js';
import { CaseConflictSchema, CaseNoteSchema } from './domain/case-history.js';
import { CallerSchema } from './domain/caller.js';
import { NeighborhoodSchema } from './domain/neighborhood.js';
import { ServiceRequestSchema } from './domain/service-request.js';
import { ServiceTypeSchema } from './domain/service-type.js';
import { MutationResultSchema, MutationSchema } from './mutations.js';

/** Bump when a message changes shape; the server refuses what it cannot speak. */
export const SYNC_PROTOCOL_VERSION = 1;
/** Bump when a synced record's schema changes, so old caches re-pull. */
export const SYNC_SCHEMA_VERSION = 1;

export const ClientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/** Every synced entity, with the schema of its row. The order is the order a first sync needs. */
export const SyncedEntities = {
  service_type: ServiceTypeSchema,
  neighborhood: NeighborhoodSchema,
  caller: CallerSchema,
  service_request: ServiceRequestSchema,
  case_note: CaseNoteSchema,
  case_conflict: CaseConflictSchema,
  triage_protocol: PublishedProtocolSchema,
  triage_record: TriageRecordRowSchema,
} as const;
export type SyncedEntity = keyof typeof SyncedEntities;
export const SyncedEntitySchema = z.enum(Object.keys(SyncedEntities) as [SyncedEntity, ...SyncedEntity[]]);

/** A synced row's id as the change log names it: a service type's code, a protocol version's
 * key ("noise@2"), every other entity's id. */
export function syncedRowId(row: object): string {
  if ('code' in row) return String(row.code);
  if ('key' in row) return String(row.key);
  return String((row as { id: unknown }).id);
}

/** One row change from the server's change log; `version` is global and increasing. */
export const RowChangeSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('put'),
    entity: SyncedEntitySchema,
    id: z.string(),
    version: z.number().int().positive(),
    row: z.record(z.string(), z.unknown()),
  }),
  z.object({
    op: z.literal('del'),
    entity: SyncedEntitySchema,
    id: z.string(),
    version: z.number().int().positive(),
  }),
]);
export type RowChange = z.infer<typeof RowChangeSchema>;

export const PullRequestSchema = z.object({
  protocolVersion: z.literal(SYNC_PROTOCOL_VERSION),
  schemaVersion: z.number().int().positive(),
  clientId: ClientIdSchema,
  /** The last change-log version the client holds; 0 for an empty cache. */
  cursor: z.number().int().nonnegative(),
  limit: z.number().int().min(1).max(10_000).default(2_000),
});
export type PullRequest = z.input<typeof PullRequestSchema>;

export const PullResponseSchema = z.object({
  protocolVersion: z.literal(SYNC_PROTOCOL_VERSION),
  cursor: z.number().int().nonnegative(),
  /** Last mutation of this client the server has processed (applied or rejected); the host
   * drops outbox entries up to it and replays the rest on top of the pulled rows. */
  lastMutationId: z.number().int().nonnegative(),
  hasMore: z.boolean(),
  /** Upper bound of the log at the time of the pull, so a first sync can show progress. */
  headVersion: z.number().int().nonnegative(),
  changes: z.array(RowChangeSchema),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;

/**
 * A first sync reads the current rows of each entity in key order instead of replaying the whole
 * log: an empty cache then writes its keyed indexes as appends. The host asks entity by entity
 * (in `SyncedEntities` order), a page at a time after the last id it holds, and then pulls the log
 * from the head the first page reported: rows are whole-row puts, so that replay makes the
 * snapshot, read while others write, exact.
 */
export const SnapshotRequestSchema = z.object({
  protocolVersion: z.literal(SYNC_PROTOCOL_VERSION),
  schemaVersion: z.number().int().positive(),
  clientId: ClientIdSchema,
  entity: SyncedEntitySchema,
  /** The last id of the previous page (`nextAfterId`); null for the entity's first page. */
  afterId: z.string().min(1).max(200).nullable(),
  limit: z.number().int().min(1).max(10_000).default(2_000),
});
export type SnapshotRequest = z.input<typeof SnapshotRequestSchema>;

export const SnapshotResponseSchema = z.object({
  protocolVersion: z.literal(SYNC_PROTOCOL_VERSION),
  entity: SyncedEntitySchema,
  /** The log's head, read before the rows: every change up to it is in this page's rows or an
   * earlier page's, or comes again when the log is pulled from the first page's head. */
  headVersion: z.number().int().nonnegative(),
  lastMutationId: z.number().int().nonnegative(),
  /** Where the next page of this entity starts; null when this was its last. */
  nextAfterId: z.string().nullable(),
  /** The rows of every entity the snapshot will bring, counted for the first entity's first page
   * only (null on every other page): the end of the desk's progress bar. The log's head is no
   * measure of it, since a row written ten times takes ten versions. For department staff, whose
   * pages leave other departments' cases out, it is an upper bound. */
  totalRows: z.number().int().nonnegative().nullable().default(null),
  /** Puts only, each at the log version that wrote the row, exactly as a pull would carry it. */
  changes: z.array(RowChangeSchema),
});
export type SnapshotResponse = z.infer<typeof SnapshotResponseSchema>;

/** Parses a row of a change with its entity's schema, so bad server data never reaches SQLite. */
export function parseSyncedRow<E extends SyncedEntity>(entity: E, row: unknown): z.infer<(typeof SyncedEntities)[E]> {
  return SyncedEntities[entity].parse(row) as z.infer<(typeof SyncedEntities)[E]>;
}

export const PushRequestSchema = z.object({
  protocolVersion: z.literal(SYNC_PROTOCOL_VERSION),
  schemaVersion: z.number().int().positive(),
  clientId: ClientIdSchema,
  /** In id order; ids the server has already processed are answered from its record, not re-applied. */
  mutations: z.array(MutationSchema).min(1).max(500),
});
export type PushRequest = z.input<typeof PushRequestSchema>;

export const PushResponseSchema = z.object({
  protocolVersion: z.literal(SYNC_PROTOCOL_VERSION),
  lastMutationId: z.number().int().nonnegative(),
  /** One result per pushed mutation, in the same order. */
  results: z.array(MutationResultSchema),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;

/**
 * WebSocket path of the host's live channel. `poke`: there is something to pull. `agent`: the
 * signed-in agent's state changed on the server (routing, a team lead, a wrap-up timer).
 * `call`: a call this agent holds or was offered changed (hold, transfer, ended, ...).
 */
export const SYNC_POKE_PATH = '/sync/poke';
export const PokeMessageSchema = z.object({ type: z.literal('poke'), headVersion: z.number().int().nonnegative() });
export type PokeMessage = z.infer<typeof PokeMessageSchema>;
export const HostLiveMessageSchema = z.discriminatedUnion('type', [
  PokeMessageSchema,
  z.object({ type: z.literal('agent'), agent: AgentSchema }),
  z.object({ type: z.literal('call'), call: CallControlStateSchema }),
]);
export type HostLiveMessage = z.infer<typeof HostLiveMessageSchema>;
