// The append-only, hash-chained audit log. `appendAudit` is the one way in: under an advisory lock
// it reads the last entry, numbers the new one after it and stores
// hash = SHA-256(previous hash + "\n" + canonical JSON of the entry), so changing, removing or
// reordering any row breaks the chain, and two server instances cannot fork it.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { requireIso, type Store } from '../store/store.js';
import { AuditActionSchema, type AuditEntry, type AuditFilters, type AuditPage } from '../../shared/audit-api.js';

/** Held to commit by every append (the migration lock is 3110010, the change log's 3110020). */
export const AUDIT_LOCK = 3110060;
/** The "previous hash" of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export const AuditEntryInputSchema = z.object({
  /** Who; null when nobody is signed in (a refused sign-in of an unknown id). */
  agentId: z.string().min(1).max(200).nullable(),
  action: AuditActionSchema,
  objectType: z.string().min(1).max(60).nullable().default(null),
  objectId: z.string().min(1).max(200).nullable().default(null),
  /** Ids and codes only: never a caller's name, phone number or address. */
  details: z.record(z.string(), z.json()).default({}),
  /** The desktop install (its sync client id), when the request came from one. */
  clientId: z.string().min(1).max(200).nullable().default(null),
  ip: z.string().min(1).max(100).nullable().default(null),
  /** When it happened, if not now: entries a desk made offline keep their own time. */
  at: z.union([z.date(), z.iso.datetime({ offset: true })]).optional(),
});
export type AuditEntryInput = z.input<typeof AuditEntryInputSchema>;

export { AuditFiltersSchema, type AuditEntry, type AuditFilters, type AuditPage } from '../../shared/audit-api.js';

type ChainedFields = Omit<AuditEntry, 'prevHash' | 'hash'>;

/** JSON with object keys sorted at every level and no white space: one text per value. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function chainHash(prevHash: string, fields: ChainedFields): string {
  const canonical = canonicalJson({
    seq: fields.seq,
    at: fields.at,
    recordedAt: fields.recordedAt,
    agentId: fields.agentId,
    action: fields.action,
    objectType: fields.objectType,
    objectId: fields.objectId,
    details: fields.details,
    clientId: fields.clientId,
    ip: fields.ip,
  });
  return createHash('sha256').update(`${prevHash}\n${canonical}`).digest('hex');
}

interface AuditRow {
  seq: number;
  at: Date | string;
  recorded_at: Date | string;
  agent_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  details: Record<string, unknown>;
  client_id: string | null;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'seq, at, recorded_at, agent_id, action, object_type, object_id, details, client_id, ip, prev_hash, hash';

function entryFromRow(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    at: requireIso(row.at),
    recordedAt: requireIso(row.recorded_at),
    agentId: row.agent_id,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    details: row.details,
    clientId: row.client_id,
    ip: row.ip,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Appends one entry. Inside a caller's transaction it joins it (the entry commits or rolls back
 * with the change it records) and holds the audit lock to commit: append last, after taking any
 * other lock, so audited transactions queue in one order.
 */
export async function appendAudit(store: Store, input: AuditEntryInput): Promise<AuditEntry> {
  const entry = AuditEntryInputSchema.parse(input);
  // Stored as jsonb and read back: keep exactly what survives that round trip.
  const details = JSON.parse(JSON.stringify(entry.details)) as Record<string, unknown>;
  return store.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
    const [last] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    const recordedAt = new Date().toISOString();
    const fields: ChainedFields = {
      seq: (last ? Number(last.seq) : 0) + 1,
      at: entry.at === undefined ? recordedAt : new Date(entry.at).toISOString(),
      recordedAt,
      agentId: entry.agentId,
      action: entry.action,
      objectType: entry.objectType,
      objectId: entry.objectId,
      details,
      clientId: entry.clientId,
      ip: entry.ip,
    };
    const prevHash = last?.hash ?? GENESIS_HASH;
    const hash = chainHash(prevHash, fields);
    await tx.query(
      `INSERT INTO audit_log (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12)`,
      [fields.seq, fields.at, fields.recordedAt, fields.agentId, fields.action, fields.objectType, fields.objectId,
        JSON.stringify(details), fields.clientId, fields.ip, prevHash, hash],
    );
    return { ...fields, prevHash, hash };
  });
}

function whereClause(filters: AuditFilters, params: unknown[]): string[] {
  const conditions: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    conditions.push(sql.replace('?', `$${params.length}`));
  };
  if (filters.agentId) add('agent_id = ?', filters.agentId);
  if (filters.action) add('action = ?', filters.action);
  if (filters.objectType) add('object_type = ?', filters.objectType);
  if (filters.objectId) add('object_id = ?', filters.objectId);
  if (filters.clientId) add('client_id = ?', filters.clientId);
  if (filters.from) add('at >= ?::timestamptz', filters.from);
  if (filters.to) add('at < ?::timestamptz', filters.to);
  return conditions;
}

/** Newest first, `limit` at a time; `cursor` is the last page's nextCursor. */
export async function searchAudit(store: Store, filters: AuditFilters, page: { limit: number; cursor?: number }): Promise<AuditPage> {
  const params: unknown[] = [];
  const conditions = whereClause(filters, params);
  if (page.cursor !== undefined) {
    params.push(page.cursor);
    conditions.push(`seq < $${params.length}`);
  }
  params.push(page.limit + 1);
  const rows = await store.query<AuditRow>(
    `SELECT ${COLUMNS} FROM audit_log ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
     ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
  const entries = rows.slice(0, page.limit).map(entryFromRow);
  return { entries, nextCursor: rows.length > page.limit ? (entries.at(-1)?.seq ?? null) : null };
}

/** Every matching entry in chain order, read a page at a time (exports, verification). */
export async function* auditEntriesInOrder(store: Store, filters: AuditFilters = {}, pageSize = 1000): AsyncGenerator<AuditEntry> {
  let after = 0;
  for (;;) {
    const params: unknown[] = [];
    const conditions = whereClause(filters, params);
    params.push(after);
    conditions.push(`seq > $${params.length}`);
    params.push(pageSize);
    const rows = await store.query<AuditRow>(
      `SELECT ${COLUMNS} FROM audit_log WHERE ${conditions.join(' AND ')} ORDER BY seq LIMIT $${params.length}`,
      params,
    );
    for (const row of rows) yield entryFromRow(row);
    if (rows.length < pageSize) return;
    after = Number(rows.at(-1)?.seq);
  }
}

export type AuditVerification =
  | { ok: true; count: number; head: { seq: number; hash: string } | null }
  | { ok: false; count: number; broken: { seq: number; reason: string } };

/**
 * Walks the whole chain. `count` is how many entries were found intact before the first broken
 * one. Entries cut off the end leave an intact, shorter chain: compare the head with one recorded
 * earlier (an export, a previous verify) to catch that.
 */
export async function verifyAuditChain(store: Store, pageSize = 1000): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for await (const entry of auditEntriesInOrder(store, {}, pageSize)) {
    const count = expectedSeq - 1;
    if (entry.seq !== expectedSeq) {
      return { ok: false, count, broken: { seq: entry.seq, reason: `expected entry ${expectedSeq} next, found ${entry.seq}: entries are missing or renumbered` } };
    }
    if (entry.prevHash !== prevHash) {
      return { ok: false, count, broken: { seq: entry.seq, reason: "its previous hash is not the hash of the entry before it: entries were removed, reordered or rewritten" } };
    }
    if (chainHash(entry.prevHash, entry) !== entry.hash) {
      return { ok: false, count, broken: { seq: entry.seq, reason: 'its content does not match its hash: the entry was changed' } };
    }
    prevHash = entry.hash;
    expectedSeq += 1;
  }
  const count = expectedSeq - 1;
  return { ok: true, count, head: count === 0 ? null : { seq: count, hash: prevHash } };
}
