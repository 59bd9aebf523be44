// Opens the desk's SQLite cache, encrypted at rest: refuses files from a newer Frontdesk311 and
// files a wrong key cannot read without touching them, reports unreadable files as CACHE_CORRUPT,
// encrypts a cache left unencrypted by an earlier version, sets the durability pragmas, migrates.
// The one module that names the SQLite driver; everything else in the host imports its types here.
import fs from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { DeskFailure } from '../../../shared/errors.js';
import { CACHE_KEY_BYTES, keyCheckAgrees, writeKeyCheck } from './key-check.js';
import { migrateCache, readUserVersion } from './migrate.js';
import { CACHE_MIGRATIONS, latestCacheVersion, type CacheMigration } from './migrations/index.js';

export type CacheDatabase = Database.Database;
export type CacheStatement<BindParameters extends unknown[] | object = unknown[], Result = unknown> = Database.Statement<BindParameters, Result>;

export interface OpenCacheOptions {
  /** The cache key. The host always passes one; only tests and benchmarks of SQLite itself leave it out (an unencrypted file). */
  key?: Buffer;
  /** better-sqlite3's `nativeBinding`: the desktop points it at an Electron-ABI build. */
  nativeBinding?: string;
  migrations?: readonly CacheMigration[];
}

/** The everyday page cache; a first sync borrows more for a while (first-sync.ts). */
export const CACHE_SIZE_KIB = 16 * 1024;
/** SQLite's default WAL checkpoint pace, which a first sync lengthens for a while. */
export const DEFAULT_CHECKPOINT_PAGES = 1_000;
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export function openCache(path: string, options: OpenCacheOptions = {}): CacheDatabase {
  const migrations = options.migrations ?? CACHE_MIGRATIONS;
  if (options.key && options.key.length !== CACHE_KEY_BYTES) throw new DeskFailure('INTERNAL', `The cache key must be ${CACHE_KEY_BYTES} bytes.`);
  if (fs.existsSync(path)) {
    if (options.key && isUnencryptedCacheFile(path)) encryptUnencryptedCache(path, options.key, migrations, options.nativeBinding);
    inspectExistingCache(path, migrations, options);
  }

  const db = openCacheFile(path, { ...options, readonly: false });
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
    if (options.key) writeKeyCheck(path, options.key);
    return db;
  } catch (error) {
    db.close();
    throw asCacheFailure(error, path, options.key);
  }
}

/**
 * Opens the file as it is on disk: with the key, unless it is an unencrypted cache from an
 * earlier version (read as it is, e.g. to rescue its outbox). The cipher and key are set before
 * anything reads the file.
 */
export function openCacheFile(path: string, options: { key?: Buffer; nativeBinding?: string; readonly: boolean }): CacheDatabase {
  const settings: Database.Options = { readonly: options.readonly, fileMustExist: options.readonly };
  const db = new Database(path, options.nativeBinding ? { ...settings, nativeBinding: options.nativeBinding } : settings);
  if (options.key && !(fs.existsSync(path) && isUnencryptedCacheFile(path))) applyCacheKey(db, options.key);
  return db;
}

/**
 * ChaCha20-Poly1305 (SQLite3 Multiple Ciphers' default, named here so a change of default can never
 * strand a cache): every page is authenticated, so a wrong key or a changed byte is caught rather
 * than read as garbage, and it measured ~30% faster than the SQLCipher v4 scheme (AES-CBC +
 * HMAC-SHA512) on bulk inserts, without relying on AES instructions in a call-center PC. No other
 * tool needs to open the cache: the app itself rescues an outbox from a damaged one.
 */
export function applyCacheKey(db: CacheDatabase, key: Buffer, pragma: 'key' | 'rekey' = 'key'): void {
  // Plain SQLite ignores unknown pragmas: a binding without encryption (say, a stale Electron
  // rebuild of plain better-sqlite3) would otherwise write the cache in the clear.
  if (db.pragma("cipher = 'chacha20'", { simple: true }) !== 'chacha20') {
    db.close();
    throw new DeskFailure('INTERNAL', 'The SQLite library loaded has no encryption; refusing to open the cache unencrypted.');
  }
  // x'…' is a raw key: used as it is, with no PBKDF2 stretching on every open.
  db.pragma(`${pragma} = "x'${key.toString('hex')}'"`);
}

/** An unencrypted SQLite file starts with its magic header; an encrypted one with a random salt. */
export function isUnencryptedCacheFile(path: string): boolean {
  const fd = fs.openSync(path, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    return read === head.length && head.equals(SQLITE_HEADER);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Encrypts an earlier version's unencrypted cache in place, keeping its rows and outbox. The WAL
 * is folded in first (rekeying refuses WAL mode) and free pages dropped (they still hold deleted
 * rows in the clear); the rekey then rewrites every page, so no plaintext file is left behind.
 */
function encryptUnencryptedCache(path: string, key: Buffer, migrations: readonly CacheMigration[], nativeBinding: string | undefined): void {
  let db: CacheDatabase | undefined;
  try {
    db = openCacheFile(path, { nativeBinding, readonly: false });
    checkReadable(db, migrations);
    db.pragma('journal_mode = DELETE');
    db.exec('VACUUM');
    applyCacheKey(db, key, 'rekey');
  } catch (error) {
    throw asCacheFailure(error, path, undefined);
  } finally {
    db?.close();
  }
  for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(path + suffix, { force: true });
}

/** Looks at an existing file read-only, so a refused cache is left byte-for-byte as it was. */
function inspectExistingCache(path: string, migrations: readonly CacheMigration[], options: OpenCacheOptions): void {
  let db: CacheDatabase | undefined;
  try {
    db = openCacheFile(path, { key: options.key, nativeBinding: options.nativeBinding, readonly: true });
    checkReadable(db, migrations);
  } catch (error) {
    throw asCacheFailure(error, path, options.key);
  } finally {
    db?.close();
  }
}

function checkReadable(db: CacheDatabase, migrations: readonly CacheMigration[]): void {
  const version = readUserVersion(db);
  const latest = latestCacheVersion(migrations);
  if (version > latest) {
    throw new DeskFailure('CACHE_TOO_NEW', `The local cache is at version ${version}; this version of Frontdesk311 knows up to ${latest}.`);
  }
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') throw new DeskFailure('CACHE_CORRUPT', `The local cache failed its integrity check: ${String(check)}`);
}

/**
 * A wrong key and a damaged first page look alike to SQLite ("file is not a database"); the key
 * check beside the cache tells them apart, so a cache opened with the wrong key is refused and
 * kept, never moved aside as corrupt.
 */
function asCacheFailure(error: unknown, path: string, key: Buffer | undefined): DeskFailure {
  if (error instanceof DeskFailure) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_NOTADB' && key && fs.existsSync(path) && !isUnencryptedCacheFile(path) && keyCheckAgrees(path, key) === false) {
    return new DeskFailure('CACHE_KEY_INVALID', 'The local cache is encrypted with another key; it was left as it is.');
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code === 'SQLITE_CORRUPT_VTAB') {
    return new DeskFailure('CACHE_CORRUPT', `The local cache file is unreadable: ${(error as Error).message}`);
  }
  return new DeskFailure('INTERNAL', `Could not open the local cache: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * Moves an unreadable cache (and its WAL files) aside and returns its new name; an unencrypted
 * one from an earlier version is deleted instead (null), so no plaintext copy stays on disk.
 */
export function setAsideUnreadableCache(path: string, at: Date): string | null {
  const unencrypted = fs.existsSync(path) && isUnencryptedCacheFile(path);
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const target = `${path}.corrupt-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (!fs.existsSync(path + suffix)) continue;
    if (unencrypted) fs.rmSync(path + suffix);
    else fs.renameSync(path + suffix, target + suffix);
  }
  return unencrypted ? null : target;
}
