// Cache migrations: fresh caches, upgrades that keep data, refusing newer caches untouched,
// and recovering from a file that is not a database.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import KeyedDatabase from '../../fixtures/host/keyed-database.js';
import { afterEach, describe, expect, it } from 'vitest';
import { CACHE_MIGRATIONS, latestCacheVersion, openCache, startHost } from '../../fixtures/host/desk-host.js';
import { countCachedRows } from '../../../electron/host/cache/sync-state.js';
import { DeskFailure } from '../../../shared/errors.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';

afterEach(removeTempDirs);

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);

describe('cache migrations', () => {
  it('brings a fresh cache to the latest version with every table and the durability pragmas', () => {
    const db = openCache(path.join(makeTempDir('fresh'), 'cache.sqlite'));
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(latestCacheVersion());
      expect(latestCacheVersion()).toBe(CACHE_MIGRATIONS.at(-1)?.version);
      expect(tables(db)).toEqual(expect.arrayContaining(['meta', 'sync_state', 'service_types', 'neighborhoods', 'callers', 'caller_phones', 'service_requests']));
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      // 2 = FULL
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it('upgrades a cache made by an earlier migration list and keeps its rows', () => {
    const file = path.join(makeTempDir('upgrade'), 'cache.sqlite');
    const earlier = CACHE_MIGRATIONS.slice(0, 1);
    const old = openCache(file, { migrations: earlier });
    expect(old.pragma('user_version', { simple: true })).toBe(earlier[0]?.version);
    old.prepare("INSERT INTO meta (key, value) VALUES ('client_id', 'kept-across-upgrade')").run();
    old.prepare("INSERT INTO neighborhoods (id, name, label_lat, label_lon) VALUES ('FISHTOWN', 'Fishtown', 39.97, -75.13)").run();
    const insertCase = old.prepare(`
      INSERT INTO service_requests (id, reference, caller_id, service_type_code, status, channel, description, agency, requested_at, requested_ms, updated_at, lat, lon)
      VALUES (?, ?, NULL, 'illegal-dumping', ?, 'phone', '', 'Streets', '2025-06-01T10:00:00Z', 0, '2025-06-01T10:00:00Z', 39.97, -75.13)`);
    insertCase.run('case-open', 'SR-1', 'open');
    insertCase.run('case-closed', 'SR-2', 'closed');
    old.close();

    const upgraded = openCache(file);
    try {
      expect(upgraded.pragma('user_version', { simple: true })).toBe(latestCacheVersion());
      expect(upgraded.prepare("SELECT value FROM meta WHERE key = 'client_id'").get()).toEqual({ value: 'kept-across-upgrade' });
      expect(upgraded.prepare('SELECT name FROM neighborhoods').all()).toEqual([{ name: 'Fishtown' }]);
      // 0020 indexed the open case that was already there, and keeps the index in step from now on.
      const located = () =>
        upgraded.prepare('SELECT sr.id FROM open_case_locations g JOIN service_requests sr ON sr.seq = g.case_seq ORDER BY sr.id').all();
      expect(located()).toEqual([{ id: 'case-open' }]);
      upgraded.prepare("UPDATE service_requests SET status = 'closed' WHERE id = 'case-open'").run();
      upgraded.prepare("UPDATE service_requests SET status = 'in_progress' WHERE id = 'case-closed'").run();
      expect(located()).toEqual([{ id: 'case-closed' }]);
      upgraded.prepare("DELETE FROM service_requests WHERE id = 'case-closed'").run();
      expect(located()).toEqual([]);
      // 0080 counted the rows already there and keeps the counts from then on.
      expect(countCachedRows(upgraded)).toEqual({ callers: 0, serviceRequests: 1 });
    } finally {
      upgraded.close();
    }
  });

  it('refuses a cache from a newer version and leaves the file byte-for-byte as it was', () => {
    const file = path.join(makeTempDir('newer'), 'cache.sqlite');
    const future = new Database(file);
    future.exec('CREATE TABLE from_the_future (x INTEGER)');
    future.pragma(`user_version = ${latestCacheVersion() + 10}`);
    future.close();
    const before = fs.readFileSync(file);

    let thrown: unknown;
    try {
      openCache(file).close();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DeskFailure);
    expect((thrown as DeskFailure).code).toBe('CACHE_TOO_NEW');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('reports a file that is not SQLite as CACHE_CORRUPT', () => {
    const file = path.join(makeTempDir('garbage'), 'cache.sqlite');
    fs.writeFileSync(file, Buffer.alloc(8192, 'not a database, just a 311 call log in the wrong place\n'));
    expect(() => openCache(file)).toThrow(expect.objectContaining({ code: 'CACHE_CORRUPT' }));
  });

  it('startHost moves a corrupt cache aside and starts a fresh one', async () => {
    const dataDir = makeTempDir('recover');
    const file = path.join(dataDir, 'desk-cache.sqlite');
    const garbage = Buffer.alloc(4096, 'garbage');
    fs.writeFileSync(file, garbage);
    fs.writeFileSync(`${file}-wal`, 'stale wal');
    const logged: string[] = [];

    // Nothing listens on port 9 of loopback; the host must still start.
    const host = await startHost({
      serverUrl: 'http://127.0.0.1:9',
      dataDir,
      agentId: 'demo-calltaker',
      now: () => new Date('2025-06-01T12:00:00Z'),
      log: (_level, message) => logged.push(message),
    });
    try {
      expect(host.cacheMovedAside).toBe(`${file}.corrupt-20250601T120000Z`);
      expect(fs.readFileSync(host.cacheMovedAside as string).equals(garbage)).toBe(true);
      expect(fs.readFileSync(`${host.cacheMovedAside}-wal`, 'utf8')).toBe('stale wal');
      expect(logged.join('\n')).toContain('Moved it aside');
      // A fresh cache holds no sign-in: the desk starts signed out, with nothing in it.
      expect((await host.desk.getAuthState({})).state).toBe('signed_out');
      expect((await host.desk.getSyncStatus({})).rowsInCache).toEqual({ callers: 0, serviceRequests: 0 });
      // The host encrypts the fresh cache (with the key file it keeps beside it when given none).
      const fresh = new KeyedDatabase(file, { readonly: true });
      expect(fresh.pragma('user_version', { simple: true })).toBe(latestCacheVersion());
      fresh.close();
    } finally {
      await host.close();
    }
  });
});
