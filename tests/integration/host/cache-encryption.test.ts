// The cache encrypted at rest, on real files: unreadable to plain SQLite and to a grep, reopened
// with its key, refused untouched with another key, an earlier version's unencrypted cache
// converted with its unsent outbox and no plaintext left, and the development key file.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import PlainDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openCache, startHost, type CacheDatabase, type HostOptions, type RunningHost } from '../../fixtures/host/desk-host.js';
import { cityChangeLog, HOUSEHOLD_PHONE, uuid } from '../../fixtures/host/city-data.js';
import { startFakeCentralServer, type FakeCentralServer } from '../../fixtures/host/fake-central-server.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';
import { cacheKeyFromPassphrase } from '../../../electron/host/cache/passphrase-key.js';

const running: { hosts: RunningHost[]; servers: FakeCentralServer[] } = { hosts: [], servers: [] };
afterEach(async () => {
  for (const host of running.hosts.splice(0)) await host.close();
  for (const server of running.servers.splice(0)) await server.stop();
  removeTempDirs();
});

const SEEDED_NAME = 'Maria Gonzalez';

async function server(): Promise<FakeCentralServer> {
  const started = await startFakeCentralServer(cityChangeLog(), 50);
  running.servers.push(started);
  return started;
}

async function hostAt(dataDir: string, extra: Partial<HostOptions> = {}): Promise<RunningHost> {
  const central = running.servers[0] ?? (await server());
  const host = await startHost({ serverUrl: central.url, dataDir, agentId: 'demo-calltaker', pullIntervalMs: 60_000, closedCaseDays: 36_500, pokes: false, log: () => undefined, ...extra });
  running.hosts.push(host);
  return host;
}

async function closeHost(host: RunningHost): Promise<void> {
  await host.close();
  running.hosts.splice(running.hosts.indexOf(host), 1);
}

/** Every file of the cache (main, WAL, shared memory, journal) that exists, as raw bytes. */
function cacheBytes(cachePath: string): Buffer {
  return Buffer.concat(['', '-wal', '-shm', '-journal'].filter((suffix) => fs.existsSync(cachePath + suffix)).map((suffix) => fs.readFileSync(cachePath + suffix)));
}

function expectNoPlaintext(cachePath: string): void {
  const bytes = cacheBytes(cachePath);
  expect(bytes.length).toBeGreaterThan(0);
  for (const secret of [SEEDED_NAME, HOUSEHOLD_PHONE, HOUSEHOLD_PHONE.slice(1)]) {
    expect(bytes.includes(Buffer.from(secret, 'utf8')), `"${secret}" in the raw bytes`).toBe(false);
    expect(bytes.includes(Buffer.from(secret, 'utf16le')), `"${secret}" (UTF-16) in the raw bytes`).toBe(false);
  }
}

function expectPlainSqliteRefuses(cachePath: string): void {
  const plain = new PlainDatabase(cachePath, { readonly: true, fileMustExist: true });
  try {
    expect(() => plain.prepare('SELECT name FROM callers').all()).toThrow(/file is not a database/);
  } finally {
    plain.close();
  }
}

function callerNames(cachePath: string, key: Buffer): string[] {
  const db = openCache(cachePath, { key });
  try {
    return db.prepare('SELECT name FROM callers ORDER BY name').pluck().all() as string[];
  } finally {
    db.close();
  }
}

/**
 * Callers written into the host's cache through its own open path, as a pull writes them; the
 * connection stays open so the newest pages are still in the WAL.
 */
function seedCallers(cachePath: string, key: Buffer | undefined): CacheDatabase {
  const db = openCache(cachePath, { key });
  const insert = db.prepare(`INSERT INTO callers (id, name, preferred_language, created_at, updated_at) VALUES (?, ?, 'en', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')`);
  const phone = db.prepare('INSERT INTO caller_phones (caller_id, position, e164) VALUES (?, 0, ?)');
  db.transaction(() => {
    insert.run('seeded-caller', SEEDED_NAME);
    phone.run('seeded-caller', HOUSEHOLD_PHONE);
  })();
  return db;
}

const pendingNote = (mutationId: number) => ({
  mutation_id: mutationId,
  name: 'addNote',
  args: JSON.stringify({ id: uuid(900 + mutationId), caseId: uuid(102), text: `Unsent note ${mutationId}` }),
  created_at: '2025-06-01T10:00:00.000Z',
  summary: `Note ${mutationId}`,
  case_id: uuid(102),
  state: 'pending',
  error: null,
});

/** Two unsent notes under a known client id, then thousands of callers after them; closes the cache. */
function fillWithOutboxAndCallers(db: CacheDatabase): void {
  db.prepare("INSERT INTO meta (key, value) VALUES ('client_id', 'client-before-encryption')").run();
  const insert = db.prepare('INSERT INTO outbox (mutation_id, name, args, created_at, summary, case_id, state, error) VALUES (@mutation_id, @name, @args, @created_at, @summary, @case_id, @state, @error)');
  for (const id of [1, 2]) insert.run(pendingNote(id));
  const filler = db.prepare(`INSERT INTO callers (id, name, preferred_language, created_at, updated_at) VALUES (?, ?, 'en', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')`);
  db.transaction(() => {
    for (let i = 0; i < 5_000; i += 1) filler.run(`filler-${i}`, `${SEEDED_NAME} number ${i}`);
  })();
  db.close();
}

/** Overwrites a quarter of the file from its middle; the outbox pages near the start survive. */
function damageMiddle(cachePath: string): void {
  const size = fs.statSync(cachePath).size;
  const fd = fs.openSync(cachePath, 'r+');
  fs.writeSync(fd, Buffer.alloc(Math.floor(size / 4), 0xa5), 0, Math.floor(size / 4), Math.floor(size / 2));
  fs.closeSync(fd);
}

describe('cache encryption', () => {
  it('writes a cache that plain SQLite cannot read and a grep finds nothing in, and reopens it with its key', async () => {
    const key = randomBytes(32);
    const dataDir = makeTempDir('encrypted');
    const host = await hostAt(dataDir, { cacheKey: key });
    await closeHost(host);
    expectPlainSqliteRefuses(host.cachePath);

    // While the cache is open the newest pages sit in the WAL: that file is encrypted too.
    const db = seedCallers(host.cachePath, key);
    expect(fs.statSync(`${host.cachePath}-wal`).size).toBeGreaterThan(0);
    expectNoPlaintext(host.cachePath);
    db.close();

    expectNoPlaintext(host.cachePath);
    expectPlainSqliteRefuses(host.cachePath);
    // A key was given, so none is written beside the cache.
    expect(fs.existsSync(path.join(dataDir, 'cache.key'))).toBe(false);
    expect(callerNames(host.cachePath, key)).toContain(SEEDED_NAME);

    const again = await hostAt(dataDir, { cacheKey: key });
    expect(again.cacheMovedAside).toBeNull();
    expect(again.mutationsRescued).toBe(0);
    await closeHost(again);
    expect(callerNames(host.cachePath, key)).toContain(SEEDED_NAME);
  });

  it('refuses a wrong key with CACHE_KEY_INVALID and leaves the file as it was, byte for byte', async () => {
    const key = randomBytes(32);
    const dataDir = makeTempDir('wrong-key');
    const host = await hostAt(dataDir, { cacheKey: key });
    await closeHost(host);
    seedCallers(host.cachePath, key).close();
    const before = fs.readFileSync(host.cachePath);
    const filesBefore = fs.readdirSync(dataDir).sort();

    await expect(hostAt(dataDir, { cacheKey: randomBytes(32) })).rejects.toMatchObject({ code: 'CACHE_KEY_INVALID' });
    expect(fs.readFileSync(host.cachePath).equals(before)).toBe(true);
    expect(fs.readdirSync(dataDir).sort()).toEqual(filesBefore);
    expect(filesBefore.some((name) => name.includes('.corrupt-'))).toBe(false);

    // The right key still opens it.
    expect(callerNames(host.cachePath, key)).toContain(SEEDED_NAME);
  });

  it('still treats a damaged encrypted cache as corrupt when its key is the right one', async () => {
    const key = randomBytes(32);
    const dataDir = makeTempDir('damaged-encrypted');
    const host = await hostAt(dataDir, { cacheKey: key });
    await closeHost(host);
    // Overwrite the first page: SQLite says "not a database" exactly as for a wrong key.
    const fd = fs.openSync(host.cachePath, 'r+');
    fs.writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 0);
    fs.closeSync(fd);

    const recovered = await hostAt(dataDir, { cacheKey: key });
    expect(recovered.cacheMovedAside).toMatch(/desk-cache\.sqlite\.corrupt-/);
    expect((await recovered.desk.getSyncStatus({})).lastError).toMatchObject({ code: 'CACHE_CORRUPT' });
  });

  it('rescues the unsent outbox of an encrypted cache damaged in the middle, reading it with the key', async () => {
    const key = randomBytes(32);
    const dataDir = makeTempDir('damaged-middle');
    const cachePath = path.join(dataDir, 'desk-cache.sqlite');
    fillWithOutboxAndCallers(openCache(cachePath, { key }));
    damageMiddle(cachePath);

    const host = await hostAt(dataDir, { cacheKey: key });
    expect(host.cacheMovedAside).toMatch(/desk-cache\.sqlite\.corrupt-/);
    expect(host.mutationsRescued).toBe(2);
  });

  it('converts an earlier version\'s unencrypted cache, keeping its unsent outbox and leaving no plaintext', async () => {
    const key = randomBytes(32);
    const dataDir = makeTempDir('upgrade');
    const cachePath = path.join(dataDir, 'desk-cache.sqlite');
    // An earlier version's cache, left with rows still in its WAL (as after a crash).
    const earlier = openCache(path.join(makeTempDir('earlier'), 'desk-cache.sqlite'));
    earlier.prepare("INSERT INTO meta (key, value) VALUES ('client_id', 'client-before-encryption')").run();
    earlier.prepare(`INSERT INTO callers (id, name, preferred_language, created_at, updated_at) VALUES ('old-caller', ?, 'en', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')`).run(SEEDED_NAME);
    earlier.prepare("INSERT INTO caller_phones (caller_id, position, e164) VALUES ('old-caller', 0, ?)").run(HOUSEHOLD_PHONE);
    const insert = earlier.prepare('INSERT INTO outbox (mutation_id, name, args, created_at, summary, case_id, state, error) VALUES (@mutation_id, @name, @args, @created_at, @summary, @case_id, @state, @error)');
    for (const id of [1, 2]) insert.run(pendingNote(id));
    fs.copyFileSync(earlier.name, cachePath);
    fs.copyFileSync(`${earlier.name}-wal`, `${cachePath}-wal`);
    earlier.close();
    expect(cacheBytes(cachePath).includes(Buffer.from(SEEDED_NAME))).toBe(true);

    const host = await hostAt(dataDir, { cacheKey: key });
    expect(host.cacheMovedAside).toBeNull();
    await closeHost(host);

    expect(fs.readdirSync(dataDir).filter((name) => name.startsWith('desk-cache.sqlite')).sort()).toEqual(['desk-cache.sqlite', 'desk-cache.sqlite.key-check']);
    expectNoPlaintext(cachePath);
    expectPlainSqliteRefuses(cachePath);
    const db = openCache(cachePath, { key });
    try {
      expect(db.prepare("SELECT value FROM meta WHERE key = 'client_id'").pluck().get()).toBe('client-before-encryption');
      expect(db.prepare('SELECT mutation_id, name, args, state FROM outbox ORDER BY mutation_id').all()).toEqual(
        [1, 2].map((id) => ({ mutation_id: id, name: 'addNote', args: pendingNote(id).args, state: 'pending' })),
      );
      expect(db.prepare("SELECT name FROM callers WHERE id = 'old-caller'").pluck().get()).toBe(SEEDED_NAME);
    } finally {
      db.close();
    }
  });

  it('rescues the outbox of a damaged unencrypted cache and deletes the plaintext file', async () => {
    const key = randomBytes(32);
    const dataDir = makeTempDir('upgrade-damaged');
    const cachePath = path.join(dataDir, 'desk-cache.sqlite');
    fillWithOutboxAndCallers(openCache(cachePath));
    damageMiddle(cachePath);

    const host = await hostAt(dataDir, { cacheKey: key });
    expect(host.cacheMovedAside).toBeNull();
    expect(host.mutationsRescued).toBe(2);
    await closeHost(host);

    expect(fs.readdirSync(dataDir).some((name) => name.includes('.corrupt-'))).toBe(false);
    expectNoPlaintext(cachePath);
    expect(cacheBytes(cachePath).includes(Buffer.from('Unsent note'))).toBe(false);
    const db = openCache(cachePath, { key });
    try {
      expect(db.prepare("SELECT value FROM meta WHERE key = 'client_id'").pluck().get()).toBe('client-before-encryption');
      expect(db.prepare('SELECT mutation_id FROM outbox ORDER BY mutation_id').pluck().all()).toEqual([1, 2]);
    } finally {
      db.close();
    }
  });

  it('refuses to open the cache on a SQLite build without encryption rather than write it in the clear', () => {
    const cachePath = path.join(makeTempDir('no-cipher'), 'desk-cache.sqlite');
    const plainBinding = path.resolve('node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    expect(() => openCache(cachePath, { key: randomBytes(32), nativeBinding: plainBinding })).toThrow(/no encryption/);
    expect(fs.existsSync(cachePath) ? fs.statSync(cachePath).size : 0).toBe(0);
  });

  it('without a key keeps one in cache.key beside the cache (owner-only), the same across restarts', async () => {
    const dataDir = makeTempDir('key-file');
    const warnings: string[] = [];
    const first = await hostAt(dataDir, { log: (level, message) => level === 'warn' && warnings.push(message) });
    await closeHost(first);
    expect(warnings.some((message) => message.includes('cache.key'))).toBe(true);

    const keyFile = path.join(dataDir, 'cache.key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'hex');
    expect(key.length).toBe(32);
    expectPlainSqliteRefuses(first.cachePath);
    seedCallers(first.cachePath, key).close();
    expectNoPlaintext(first.cachePath);

    const second = await hostAt(dataDir);
    expect(second.cacheMovedAside).toBeNull();
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toBe(key.toString('hex'));
    await closeHost(second);
    expect(callerNames(first.cachePath, key)).toContain(SEEDED_NAME);
  });

  it('takes its key from a passphrase in web mode: the same one reopens the cache, another is CACHE_KEY_INVALID', async () => {
    const dataDir = makeTempDir('passphrase');
    const key = await cacheKeyFromPassphrase('a passphrase for web mode', dataDir);
    const host = await hostAt(dataDir, { cacheKey: key });
    await closeHost(host);
    seedCallers(host.cachePath, key).close();

    // Only the salt is kept: no key file, and the key itself nowhere in the folder.
    expect(fs.existsSync(path.join(dataDir, 'cache.key'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'cache.salt'))).toBe(true);
    const folder = Buffer.concat(fs.readdirSync(dataDir).map((name) => fs.readFileSync(path.join(dataDir, name))));
    expect(folder.includes(key) || folder.includes(Buffer.from(key.toString('hex')))).toBe(false);

    const again = await cacheKeyFromPassphrase('a passphrase for web mode', dataDir);
    expect(again.equals(key)).toBe(true);
    const reopened = await hostAt(dataDir, { cacheKey: again });
    expect(reopened.cacheMovedAside).toBeNull();
    await closeHost(reopened);
    await expect(hostAt(dataDir, { cacheKey: await cacheKeyFromPassphrase('another passphrase', dataDir) })).rejects.toMatchObject({ code: 'CACHE_KEY_INVALID' });
    expect(callerNames(host.cachePath, key)).toContain(SEEDED_NAME);
  });
});
