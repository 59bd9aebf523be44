// Opens the desk's SQLite cache: refuses files from a newer Frontdesk311 without touching them,
// reports unreadable files as CACHE_CORRUPT, sets the durability pragmas, runs migrations.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { DeskFailure } from '../../../shared/errors.js';
import { migrateCache, readUserVersion } from './migrate.js';
import { CACHE_MIGRATIONS, latestCacheVersion, type CacheMigration } from './migrations/index.js';

export type CacheDatabase = Database.Database;

export interface OpenCacheOptions {
  /** better-sqlite3's `nativeBinding`: the desktop points it at an Electron-ABI build. */
  nativeBinding?: string;
  migrations?: readonly CacheMigration[];
}

const CACHE_SIZE_KIB = 16 * 1024;

export function openCache(path: string, options: OpenCacheOptions = {}): CacheDatabase {
  const migrations = options.migrations ?? CACHE_MIGRATIONS;
  if (fs.existsSync(path)) inspectExistingCache(path, migrations, options.nativeBinding);

  const db = new Database(path, databaseOptions(options.nativeBinding, false));
  try {
    db.pragma('journal_mode = WAL');
    // The outbox (a later issue) needs a saved change to survive a power cut, not just a crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // A first sync inserts a million cases into six indexes keyed in random order (caller ids,
    // references); with SQLite's 2 MiB default most inserts would miss the page cache.
    db.pragma(`cache_size = -${CACHE_SIZE_KIB}`);
    migrateCache(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw asCacheFailure(error);
  }
}

/** Looks at an existing file read-only, so a refused cache is left byte-for-byte as it was. */
function inspectExistingCache(path: string, migrations: readonly CacheMigration[], nativeBinding: string | undefined): void {
  let db: CacheDatabase | undefined;
  try {
    db = new Database(path, databaseOptions(nativeBinding, true));
    const version = readUserVersion(db);
    const latest = latestCacheVersion(migrations);
    if (version > latest) {
      throw new DeskFailure('CACHE_TOO_NEW', `The local cache is at version ${version}; this version of Frontdesk311 knows up to ${latest}.`);
    }
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new DeskFailure('CACHE_CORRUPT', `The local cache failed its integrity check: ${String(check)}`);
  } catch (error) {
    throw asCacheFailure(error);
  } finally {
    db?.close();
  }
}

function databaseOptions(nativeBinding: string | undefined, readonly: boolean): Database.Options {
  const options: Database.Options = { readonly, fileMustExist: readonly };
  if (nativeBinding) return { ...options, nativeBinding };
  return options;
}

function asCacheFailure(error: unknown): DeskFailure {
  if (error instanceof DeskFailure) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code === 'SQLITE_CORRUPT_VTAB') {
    return new DeskFailure('CACHE_CORRUPT', `The local cache file is unreadable: ${(error as Error).message}`);
  }
  return new DeskFailure('INTERNAL', `Could not open the local cache: ${error instanceof Error ? error.message : String(error)}`);
}

/** Moves an unreadable cache (and its WAL files) aside; returns the new name of the main file. */
export function moveCorruptCacheAside(path: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const target = `${path}.corrupt-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(path + suffix)) fs.renameSync(path + suffix, target + suffix);
  }
  return target;
}
