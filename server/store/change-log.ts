// The one way to write a synced entity (service type, neighborhood, caller, case, note, conflict,
// triage protocol version, triage record):
// it upserts the rows and appends each new row to change_log in the same transaction, so a desk
// host pulling the log never misses a write. Batches go in one statement each, not row by row.
import type { z } from 'zod';
import type { Neighborhood } from '../../shared/domain/neighborhood.js';
import { VERSIONED_CASE_FIELDS, type ServiceRequest } from '../../shared/domain/service-request.js';
import { SyncedEntities, type SyncedEntity } from '../../shared/sync-protocol.js';
import type { Store } from './store.js';

export type SyncedRow<E extends SyncedEntity> = z.infer<(typeof SyncedEntities)[E]>;

interface Column {
  column: string;
  /** The camelCase key in the shared-domain row. */
  key: string;
  type: string;
}

const col = (column: string, key: string, type: string): Column => ({ column, key, type });

const TABLES: Record<SyncedEntity, { table: string; idKey: string; columns: Column[] }> = {
  service_type: {
    table: 'service_types',
    idKey: 'code',
    columns: [
      col('code', 'code', 'text'), col('name', 'name', 'text'), col('agency', 'agency', 'text'),
      col('active', 'active', 'boolean'), col('needs_location', 'needsLocation', 'boolean'),
    ],
  },
  neighborhood: {
    table: 'neighborhoods',
    idKey: 'id',
    columns: [
      col('id', 'id', 'text'), col('name', 'name', 'text'), col('label_lat', 'labelLat', 'double precision'),
      col('label_lon', 'labelLon', 'double precision'), col('geometry', 'geometry', 'jsonb'),
    ],
  },
  caller: {
    table: 'callers',
    idKey: 'id',
    columns: [
      col('id', 'id', 'uuid'), col('name', 'name', 'text'), col('phones', 'phones', 'text[]'),
      col('email', 'email', 'text'), col('address', 'address', 'text'), col('zipcode', 'zipcode', 'text'),
      col('neighborhood_id', 'neighborhoodId', 'text'), col('lat', 'lat', 'double precision'),
      col('lon', 'lon', 'double precision'), col('preferred_language', 'preferredLanguage', 'text'),
      col('created_at', 'createdAt', 'timestamptz'), col('updated_at', 'updatedAt', 'timestamptz'),
    ],
  },
  service_request: {
    table: 'service_requests',
    idKey: 'id',
    columns: [
      col('id', 'id', 'uuid'), col('reference', 'reference', 'text'), col('caller_id', 'callerId', 'uuid'),
      col('service_type_code', 'serviceTypeCode', 'text'), col('status', 'status', 'text'),
      col('channel', 'channel', 'text'), col('description', 'description', 'text'), col('address', 'address', 'text'),
      col('zipcode', 'zipcode', 'text'), col('neighborhood_id', 'neighborhoodId', 'text'),
      col('lat', 'lat', 'double precision'), col('lon', 'lon', 'double precision'), col('agency', 'agency', 'text'),
      col('requested_at', 'requestedAt', 'timestamptz'), col('updated_at', 'updatedAt', 'timestamptz'),
      col('closed_at', 'closedAt', 'timestamptz'), col('provisional_reference', 'provisionalReference', 'text'),
      col('field_versions', 'fieldVersions', 'jsonb'), col('priority', 'priority', 'text'),
      // Server-only: present in table rows, never in the logged (synced) row.
      col('field_origins', 'fieldOrigins', 'jsonb'),
    ],
  },
  case_note: {
    table: 'case_notes',
    idKey: 'id',
    columns: [
      col('id', 'id', 'uuid'), col('case_id', 'caseId', 'uuid'), col('text', 'text', 'text'),
      col('author_agent_id', 'authorAgentId', 'text'), col('created_at', 'createdAt', 'timestamptz'),
    ],
  },
  case_conflict: {
    table: 'case_conflicts',
    idKey: 'id',
    columns: [
      col('id', 'id', 'uuid'), col('case_id', 'caseId', 'uuid'), col('field', 'field', 'text'),
      col('kept_value', 'keptValue', 'jsonb'), col('kept_by', 'keptBy', 'jsonb'), col('losing_value', 'losingValue', 'jsonb'),
      col('losing_by', 'losingBy', 'jsonb'), col('detected_at', 'detectedAt', 'timestamptz'),
      col('resolved_at', 'resolvedAt', 'timestamptz'), col('resolved_by', 'resolvedBy', 'text'),
      col('resolution', 'resolution', 'text'),
    ],
  },
  triage_protocol: {
    table: 'triage_protocols',
    idKey: 'key',
    columns: [
      col('key', 'key', 'text'), col('id', 'id', 'text'), col('version', 'version', 'int'), col('title', 'title', 'text'),
      col('effective_from', 'effectiveFrom', 'timestamptz'), col('published_at', 'publishedAt', 'timestamptz'),
      col('published_by', 'publishedBy', 'text'), col('document', 'document', 'jsonb'),
    ],
  },
  triage_record: {
    table: 'triage_records',
    idKey: 'id',
    columns: [
      col('id', 'id', 'uuid'), col('case_id', 'caseId', 'uuid'), col('call_id', 'callId', 'uuid'),
      col('call_taker_id', 'callTakerId', 'text'), col('outcome_kind', 'outcomeKind', 'text'),
      col('determinant', 'determinant', 'text'), col('escalated', 'escalated', 'boolean'),
      col('started_at', 'startedAt', 'timestamptz'), col('elapsed_ms', 'elapsedMs', 'int'),
      col('record', 'record', 'jsonb'), col('created_at', 'createdAt', 'timestamptz'),
    ],
  },
};

function idColumnOf(entity: SyncedEntity): Column {
  const { idKey, columns } = TABLES[entity];
  const column = columns.find((c) => c.key === idKey);
  if (!column) throw new Error(`${entity} has no column for its id ${idKey}`);
  return column;
}

// One statement writes the table rows and appends the log rows: $1 = table rows, $2 = log rows as
// [{v: version, row}], so a push spends one round trip per entity it writes. Each table row keeps
// the newest version logged for it (sync_version), for the first sync's snapshot. The join is on
// the typed id, so an id spelled differently in the JSON still finds its row.
function writeSql(entity: SyncedEntity): string {
  const { table, idKey, columns } = TABLES[entity];
  const id = idColumnOf(entity);
  const names = columns.map((c) => c.column).join(', ');
  const picks = columns.map((c) => `r."${c.key}"`).join(', ');
  const shape = columns.map((c) => `"${c.key}" ${c.type}`).join(', ');
  const updates = columns
    .filter((c) => c.column !== id.column)
    .map((c) => `${c.column} = excluded.${c.column}`)
    .join(', ');
  return `WITH logged AS (
      SELECT (e.item ->> 'v')::int8 AS v, e.item -> 'row' AS row FROM jsonb_array_elements($2::jsonb) AS e(item)
    ), newest AS (
      SELECT (row ->> '${idKey}')::${id.type} AS id, max(v) AS v FROM logged GROUP BY 1
    ), upserted AS (
      INSERT INTO ${table} (${names}, sync_version)
      SELECT ${picks}, newest.v FROM jsonb_to_recordset($1::jsonb) AS r(${shape})
      LEFT JOIN newest ON newest.id = r."${idKey}"
      ON CONFLICT (${id.column}) DO UPDATE SET ${updates}, sync_version = excluded.sync_version
      RETURNING 1
    )
    INSERT INTO change_log (version, entity, entity_id, op, row)
    SELECT v, '${entity}', row ->> '${idKey}', 'put', row FROM logged`;
}

const WRITE_SQL = Object.fromEntries(
  (Object.keys(TABLES) as SyncedEntity[]).map((entity) => [entity, writeSql(entity)]),
) as Record<SyncedEntity, string>;

// Versions come from a sequence, and Postgres may commit a later version before an earlier one;
// a host that pulled in between would step over the earlier one for good. Writers therefore
// queue on this lock, held to commit, so versions become visible in order.
export const CHANGE_LOG_LOCK = 3110020;

/** Takes the change-log lock for the rest of the transaction; call before reading what you will write. */
export async function lockChangeLog(tx: Store): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [CHANGE_LOG_LOCK]);
}

/**
 * The next `count` change-log versions, in order. Takes the change-log lock first (a no-op when
 * held), so the versions commit in the order they were handed out.
 */
export async function allocateVersions(tx: Store, count: number): Promise<number[]> {
  const rows = await tx.query<{ v: number }>(
    `SELECT nextval('change_log_version_seq')::int8 AS v
     FROM (SELECT pg_advisory_xact_lock($1)) AS locked, generate_series(1, $2::int)`,
    [CHANGE_LOG_LOCK, count],
  );
  return rows.map((row) => row.v).sort((a, b) => a - b);
}

/** A row to write at a version allocated with `allocateVersions`; `table` adds server-only columns. */
export interface VersionedWrite<E extends SyncedEntity> {
  version: number;
  row: SyncedRow<E>;
  table?: Record<string, unknown>;
}

/** Writes rows at versions already allocated in this transaction (a push, which needs the version
 * to fill a case's fieldVersions before writing). Rows are parsed with their shared schema. */
export async function putSyncedRowsAt<E extends SyncedEntity>(
  tx: Store,
  entity: E,
  writes: ReadonlyArray<VersionedWrite<E>>,
): Promise<void> {
  if (writes.length === 0) return;
  const schema = SyncedEntities[entity];
  const parsed = writes.map((write) => schema.parse(write.row) as object);
  await tx.query(WRITE_SQL[entity], [
    JSON.stringify(parsed.map((row, i) => ({ ...row, ...writes[i]?.table }))),
    JSON.stringify(parsed.map((row, i) => ({ v: writes[i]?.version, row }))),
  ]);
}

/** Sequences a batch writer draws from itself while holding the change-log lock. */
export type LockedSequenceName = 'change_log_version_seq' | 'service_request_reference_seq';

export async function nextValue(tx: Store, sequence: LockedSequenceName): Promise<number> {
  const [row] = await tx.query<{ v: number }>(`SELECT nextval('${sequence}')::int8 AS v`);
  return row?.v as number;
}

/** Moves a sequence to `lastUsed` (its next nextval answers lastUsed + 1). */
export async function setSequence(tx: Store, sequence: LockedSequenceName, lastUsed: number): Promise<void> {
  await tx.query(`SELECT setval('${sequence}', $1::int8)`, [lastUsed]);
}

/**
 * Writes rows already parsed with their schema: `tableRows` (one per id, with server-only
 * columns) go to the entity's table, `logRows` to the change log at their versions.
 */
export async function putParsedRowsAt(
  tx: Store,
  entity: SyncedEntity,
  tableRows: readonly object[],
  logRows: ReadonlyArray<{ v: number; row: object }>,
): Promise<void> {
  if (logRows.length === 0) return;
  await tx.query(WRITE_SQL[entity], [JSON.stringify(tableRows), JSON.stringify(logRows)]);
}

/** A case written without its fieldVersions (seeding, imports) gets the version that creates it. */
function withCreationVersions(entity: SyncedEntity, row: object, version: number): object {
  if (entity !== 'service_request') return row;
  const request = row as ServiceRequest;
  if (Object.keys(request.fieldVersions).length > 0) return row;
  return { ...request, fieldVersions: Object.fromEntries(VERSIONED_CASE_FIELDS.map((field) => [field, version])) };
}

async function writeRows(
  store: Store,
  entity: SyncedEntity,
  tableRows: readonly object[],
  logRows: readonly object[],
): Promise<void> {
  if (tableRows.length === 0) return;
  await store.transaction(async (tx) => {
    const versions = await allocateVersions(tx, tableRows.length);
    const logged = logRows.map((row, i) => withCreationVersions(entity, row, versions[i] as number));
    await tx.query(WRITE_SQL[entity], [
      JSON.stringify(tableRows.map((row, i) => ({ ...row, ...logged[i] }))),
      JSON.stringify(logged.map((row, i) => ({ v: versions[i], row }))),
    ]);
  });
}

/**
 * Writes rows of a synced entity and logs them. Each row is parsed with its shared schema first,
 * so the log holds exactly the JSON a desk host's `parseSyncedRow` accepts.
 */
export async function putSyncedRows<E extends Exclude<SyncedEntity, 'neighborhood'>>(
  store: Store,
  entity: E,
  rows: ReadonlyArray<SyncedRow<E>>,
): Promise<void> {
  const schema = SyncedEntities[entity];
  const parsed = rows.map((row) => schema.parse(row));
  await writeRows(store, entity, parsed, parsed);
}

/** Neighborhoods keep their polygon in the table; the log (and desktops) get the rest. */
export async function putNeighborhoods(
  store: Store,
  areas: ReadonlyArray<{ neighborhood: Neighborhood; geometry: unknown }>,
): Promise<void> {
  const parsed = areas.map((area) => SyncedEntities.neighborhood.parse(area.neighborhood));
  const tableRows = parsed.map((neighborhood, i) => ({ ...neighborhood, geometry: areas[i]?.geometry }));
  await writeRows(store, 'neighborhood', tableRows, parsed);
}

export interface ChangeLogRow {
  version: number;
  entity: SyncedEntity;
  entity_id: string;
  op: 'put' | 'del';
  row: Record<string, unknown> | null;
}

/** Changes after `cursor`, oldest first, and the newest version in the log. */
export async function readChanges(
  store: Store,
  cursor: number,
  limit: number,
): Promise<{ changes: ChangeLogRow[]; headVersion: number }> {
  return store.transaction(async (tx) => {
    const changes = await tx.query<ChangeLogRow>(
      'SELECT version, entity, entity_id, op, row FROM change_log WHERE version > $1 ORDER BY version LIMIT $2',
      [cursor, limit],
    );
    const [head] = await tx.query<{ head: number }>('SELECT COALESCE(MAX(version), 0)::int8 AS head FROM change_log');
    return { changes, headVersion: head?.head ?? 0 };
  });
}

/** A page of the log as the JSON text of each change, built by the database from the stored
 * rows: they were parsed with their schema when written, so the server passes them on as they are. */
export interface ChangePageJson {
  changes: Array<{ version: number; json: string }>;
  headVersion: number;
}

export async function readChangesJson(store: Store, cursor: number, limit: number): Promise<ChangePageJson> {
  const rows = await store.query<{ version: number; change: string }>(
    `SELECT version, CASE WHEN op = 'del'
         THEN json_build_object('op', op, 'entity', entity, 'id', entity_id, 'version', version)
         ELSE json_build_object('op', op, 'entity', entity, 'id', entity_id, 'version', version, 'row', COALESCE(row, '{}'::jsonb))
       END::text AS change
     FROM change_log WHERE version > $1 ORDER BY version LIMIT $2`,
    [cursor, limit],
  );
  // Read after the page, so the head is never below the page's last version.
  const headVersion = await readHeadVersion(store);
  return { changes: rows.map((row) => ({ version: row.version, json: row.change })), headVersion };
}

/** The newest version in the log (0 when empty). */
export async function readHeadVersion(store: Store): Promise<number> {
  const [head] = await store.query<{ head: number }>('SELECT COALESCE(MAX(version), 0)::int8 AS head FROM change_log');
  return head?.head ?? 0;
}

/** One page of an entity's current rows in key order (POST /sync/snapshot). */
export interface SnapshotPageJson {
  /** Each row as the change that last wrote it, in the JSON a pull carries. */
  changes: Array<{ version: number; json: string }>;
  /** The last row's key, where a next page starts; null when none follows. */
  nextAfterId: string | null;
}

function snapshotSql(entity: SyncedEntity, after: boolean): string {
  const { table } = TABLES[entity];
  const id = idColumnOf(entity);
  return `SELECT t.${id.column}::text AS key, l.version,
       json_build_object('op', 'put', 'entity', l.entity, 'id', l.entity_id, 'version', l.version, 'row', l.row)::text AS change
     FROM ${table} t JOIN change_log l ON l.version = t.sync_version
     ${after ? `WHERE t.${id.column} > $2::${id.type}` : ''}
     ORDER BY t.${id.column} LIMIT $1`;
}

const SNAPSHOT_SQL = Object.fromEntries(
  (Object.keys(TABLES) as SyncedEntity[]).map((entity) => [entity, { first: snapshotSql(entity, false), after: snapshotSql(entity, true) }]),
) as Record<SyncedEntity, { first: string; after: string }>;

const SNAPSHOT_COUNT_SQL = `SELECT (${(Object.keys(TABLES) as SyncedEntity[])
  .map((entity) => `(SELECT count(*) FROM ${TABLES[entity].table} WHERE sync_version IS NOT NULL)`)
  .join(' + ')})::int8 AS rows`;

/** Rows a whole snapshot holds, every entity: the rows its pages read (they join on sync_version). */
export async function countSnapshotRows(store: Store): Promise<number> {
  const [count] = await store.query<{ rows: number }>(SNAPSHOT_COUNT_SQL);
  return count?.rows ?? 0;
}

/** The id type a snapshot's `afterId` must parse as, so a bad one is the client's error, not the database's. */
export function snapshotKeyType(entity: SyncedEntity): 'uuid' | 'text' {
  return idColumnOf(entity).type === 'uuid' ? 'uuid' : 'text';
}

export async function readSnapshotJson(store: Store, entity: SyncedEntity, afterId: string | null, limit: number): Promise<SnapshotPageJson> {
  // One extra row tells whether another page follows.
  const rows = afterId === null
    ? await store.query<{ key: string; version: number; change: string }>(SNAPSHOT_SQL[entity].first, [limit + 1])
    : await store.query<{ key: string; version: number; change: string }>(SNAPSHOT_SQL[entity].after, [limit + 1, afterId]);
  const page = rows.slice(0, limit);
  return {
    changes: page.map((row) => ({ version: row.version, json: row.change })),
    nextAfterId: rows.length > limit ? (page.at(-1)?.key ?? null) : null,
  };
}
