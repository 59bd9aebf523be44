// The one way to write a synced entity (service type, neighborhood, caller, service request): it
// upserts the rows and appends each new row to change_log in the same transaction, so a desk
// host pulling the log never misses a write. Batches go in one statement each, not row by row.
import type { z } from 'zod';
import type { Neighborhood } from '../../shared/domain/neighborhood.js';
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
      col('closed_at', 'closedAt', 'timestamptz'),
    ],
  },
};

function upsertSql(entity: SyncedEntity): string {
  const { table, idKey, columns } = TABLES[entity];
  const idColumn = columns.find((c) => c.key === idKey)?.column ?? 'id';
  const names = columns.map((c) => c.column).join(', ');
  const picks = columns.map((c) => `r."${c.key}"`).join(', ');
  const shape = columns.map((c) => `"${c.key}" ${c.type}`).join(', ');
  const updates = columns
    .filter((c) => c.column !== idColumn)
    .map((c) => `${c.column} = excluded.${c.column}`)
    .join(', ');
  return `INSERT INTO ${table} (${names})
    SELECT ${picks} FROM jsonb_to_recordset($1::jsonb) AS r(${shape})
    ON CONFLICT (${idColumn}) DO UPDATE SET ${updates}`;
}

const UPSERT_SQL = Object.fromEntries(
  (Object.keys(TABLES) as SyncedEntity[]).map((entity) => [entity, upsertSql(entity)]),
) as Record<SyncedEntity, string>;

// Versions come from a sequence, and Postgres may commit a later version before an earlier one;
// a host that pulled in between would step over the earlier one for good. Writers therefore
// queue on this lock, held to commit, so versions become visible in order.
const CHANGE_LOG_LOCK = 3110020;

const APPEND_SQL = `INSERT INTO change_log (entity, entity_id, op, row)
  SELECT $1, e.row ->> $2, 'put', e.row
  FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(row, n)
  ORDER BY e.n`;

async function writeRows(
  store: Store,
  entity: SyncedEntity,
  tableRows: readonly object[],
  logRows: readonly object[],
): Promise<void> {
  if (tableRows.length === 0) return;
  await store.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CHANGE_LOG_LOCK]);
    await tx.query(UPSERT_SQL[entity], [JSON.stringify(tableRows)]);
    await tx.query(APPEND_SQL, [entity, TABLES[entity].idKey, JSON.stringify(logRows)]);
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
