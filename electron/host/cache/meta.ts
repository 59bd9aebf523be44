// Small key/value facts about this install kept in the cache: the client id, the sync schema
// the rows were written with, the last signed-in agent (so the desk can start offline).
import { randomBytes } from 'node:crypto';
import type { CacheDatabase as Database } from './open-cache.js';

export function readMeta(db: Database, key: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function writeMeta(db: Database, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** The install's sync client id: 16 random bytes, base64url (22 URL-safe characters), made once. */
export function ensureClientId(db: Database): string {
  const existing = readMeta(db, 'client_id');
  if (existing) return existing;
  const clientId = randomBytes(16).toString('base64url');
  writeMeta(db, 'client_id', clientId);
  return clientId;
}
