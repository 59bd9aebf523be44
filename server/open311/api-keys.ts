// The api keys partner apps post Open311 service requests with. A key is shown once, when it is
// made; the store keeps only its SHA-256, so a copy of the database does not hand out keys.
import { createHash, randomBytes } from 'node:crypto';
import { requireIso, toIso, type Store } from '../store/store.js';

export interface Open311ApiKey {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

const KEY_PREFIX = 'o311_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

interface KeyRow {
  id: string;
  name: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

function keyFromRow(row: KeyRow): Open311ApiKey {
  return { id: row.id, name: row.name, createdAt: requireIso(row.created_at), revokedAt: toIso(row.revoked_at) };
}

/** A new key for a partner app: the secret is in the answer and nowhere else. */
export async function createApiKey(store: Store, name: string): Promise<Open311ApiKey & { key: string }> {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 120) throw new Error('a key needs a name of 1 to 120 characters');
  const id = `key-${randomBytes(6).toString('hex')}`;
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const [row] = await store.query<KeyRow>(
    'INSERT INTO open311_api_keys (id, name, key_hash) VALUES ($1, $2, $3) RETURNING id, name, created_at, revoked_at',
    [id, trimmed, hashApiKey(key)],
  );
  return { ...keyFromRow(row as KeyRow), key };
}

export async function listApiKeys(store: Store): Promise<Open311ApiKey[]> {
  const rows = await store.query<KeyRow>('SELECT id, name, created_at, revoked_at FROM open311_api_keys ORDER BY created_at, id');
  return rows.map(keyFromRow);
}

/** Revokes a key at once; false when there is no such key or it was revoked before. */
export async function revokeApiKey(store: Store, id: string): Promise<boolean> {
  const rows = await store.query('UPDATE open311_api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id]);
  return rows.length > 0;
}

/** The key's record if it is known and not revoked, else null. */
export async function findActiveApiKey(store: Store, key: string): Promise<Open311ApiKey | null> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return null;
  const [row] = await store.query<KeyRow>(
    'SELECT id, name, created_at, revoked_at FROM open311_api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hashApiKey(key)],
  );
  return row ? keyFromRow(row) : null;
}
