// Runs the pending cache migrations in one transaction and records the version reached in
// `PRAGMA user_version`, so a crash half-way leaves the cache at its old version.
import type { CacheDatabase as Database } from './open-cache.js';
import { DeskFailure } from '../../../shared/errors.js';
import { CACHE_MIGRATIONS, latestCacheVersion, type CacheMigration } from './migrations/index.js';

export function readUserVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration above the cache's version; returns the versions it applied. */
export function migrateCache(db: Database, migrations: readonly CacheMigration[] = CACHE_MIGRATIONS): number[] {
  assertOrdered(migrations);
  const current = readUserVersion(db);
  const latest = latestCacheVersion(migrations);
  if (current > latest) {
    throw new DeskFailure('CACHE_TOO_NEW', `The local cache is at version ${current}; this version of Frontdesk311 knows up to ${latest}.`);
  }
  const pending = migrations.filter((migration) => migration.version > current);
  if (pending.length === 0) return [];
  db.transaction(() => {
    for (const migration of pending) migration.up(db);
    // PRAGMA takes no bound parameters; the version is an integer we checked above.
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  return pending.map((migration) => migration.version);
}

function assertOrdered(migrations: readonly CacheMigration[]): void {
  let previous = 0;
  for (const migration of migrations) {
    if (!Number.isInteger(migration.version) || migration.version <= previous) {
      throw new DeskFailure('INTERNAL', `Cache migration ${migration.name} (${migration.version}) is out of order.`);
    }
    previous = migration.version;
  }
}
