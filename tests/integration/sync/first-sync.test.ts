// The bulk first sync: an empty cache pulls with its case indexes set aside and builds them once
// caught up. It must end with the same cache as the normal path, answer lookups rightly while in
// the bulk phase, and recover from a kill -9 in the bulk phase and in the middle of the rebuild.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from '../../fixtures/host/keyed-database.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallerLookup } from '../../../electron/host/callers/lookup.js';
import { finishBulkFirstSync } from '../../../electron/host/cache/first-sync.js';
import { CACHE_FILE_NAME, startHost, type HostOptions, type RunningHost } from '../../../electron/host/host.js';
import { ServerConfigSchema, startServer, type RunningServer } from '../../../server/app.js';
import type { SyncStatus } from '../../../shared/desk-api.js';
import { DeskSocket } from '../../fixtures/processes/desk-socket.js';
import { killMidRebuild, startDeskHostProcess } from '../../fixtures/processes/spawn.js';
import { startTcpProxy, type TcpProxy } from '../../fixtures/tcp-proxy.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';

let dir: string;
let server: RunningServer;
let normalCache: string;
const cleanups: Array<() => Promise<void>> = [];

// Every table a sync writes, in an order that does not depend on how rows arrived.
const TABLES = {
  callers: 'SELECT * FROM callers ORDER BY id',
  caller_phones: 'SELECT * FROM caller_phones ORDER BY caller_id, position',
  service_requests: 'SELECT * FROM service_requests ORDER BY seq',
  case_notes: 'SELECT * FROM case_notes ORDER BY id',
  case_conflicts: 'SELECT * FROM case_conflicts ORDER BY id',
  service_types: 'SELECT * FROM service_types ORDER BY code',
  neighborhoods: 'SELECT * FROM neighborhoods ORDER BY id',
  open_case_locations: 'SELECT * FROM open_case_locations ORDER BY case_seq',
  server_rows: 'SELECT * FROM server_rows ORDER BY entity, id',
  outbox: 'SELECT * FROM outbox ORDER BY mutation_id',
  first_sync_deferred: 'SELECT * FROM first_sync_deferred ORDER BY name',
  sync_state: 'SELECT cursor, head_version, last_mutation_id, first_sync_phase FROM sync_state',
  schema: "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
} as const;

type CacheContents = Record<keyof typeof TABLES, unknown[]>;

function readCache(cachePath: string): CacheContents {
  const db = new Database(cachePath, { readonly: true, fileMustExist: true });
  try {
    expect(db.pragma('integrity_check', { simple: true }), `${cachePath} integrity`).toBe('ok');
    return Object.fromEntries(Object.entries(TABLES).map(([name, sql]) => [name, db.prepare(sql).all()])) as CacheContents;
  } finally {
    db.close();
  }
}

function phaseOf(cachePath: string): { phase: string | null; deferred: string[]; indexes: string[] } {
  const db = new Database(cachePath, { readonly: true, fileMustExist: true });
  try {
    return {
      phase: db.prepare('SELECT first_sync_phase FROM sync_state').pluck().get() as string | null,
      deferred: db.prepare('SELECT name FROM first_sync_deferred ORDER BY name').pluck().all() as string[],
      indexes: db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'service_requests' AND sql IS NOT NULL ORDER BY name").pluck().all() as string[],
    };
  } finally {
    db.close();
  }
}

function hostOptions(name: string, serverUrl: string, extra: Partial<HostOptions> = {}) {
  return {
    serverUrl, dataDir: path.join(dir, name), agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD, clientId: `first-sync-${name}`,
    pokes: false, pullIntervalMs: 60_000, closedCaseDays: 36_500, pullPageSize: 100, ...extra,
  };
}

async function inProcessHost(options: HostOptions): Promise<RunningHost> {
  const host = await startHost({ ...options, log: () => undefined });
  cleanups.push(() => host.close());
  return host;
}

async function proxy(): Promise<TcpProxy> {
  const line = await startTcpProxy(Number(new URL(server.url).port));
  cleanups.push(() => line.close());
  return line;
}

async function syncedToHead(sync: () => Promise<SyncStatus>): Promise<SyncStatus> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const status = await sync();
    if (status.connection === 'online' && status.cursor >= status.headVersion && status.pendingMutations === 0) return status;
  }
  throw new Error('the desk did not catch up');
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fd311-first-sync-'));
  server = await startServer(ServerConfigSchema.parse({
    host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'server'), logLevel: 'silent', seed: { callers: 400, cases: 1200 },
  }));
  // Notes, an edit and an offline-made case, so every synced table has rows in the change log.
  const author = await inProcessHost(hostOptions('author', server.url));
  await syncedToHead(() => author.syncOnce());
  const [type] = await author.desk.listServiceTypes({});
  const made = await author.desk.createCase({ callerId: null, serviceTypeCode: type!.code, description: 'Bulk sync sample', address: '1400 JFK Blvd', lat: 39.9533, lon: -75.1636 });
  for (let i = 0; i < 5; i += 1) await author.desk.addCaseNote({ caseId: made.id, text: `first-sync note ${i}` });
  await author.desk.editCase({ caseId: made.id, changes: { description: 'Bulk sync sample, edited' } });
  await syncedToHead(() => author.syncOnce());

  // The reference: the same pages through the normal path, indexes in place all along.
  const normal = await inProcessHost(hostOptions('normal', server.url, { bulkFirstSync: false }));
  await syncedToHead(() => normal.syncOnce());
  normalCache = normal.cachePath;
  await normal.close();
  expect(phaseOf(normalCache).phase).toBeNull();
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('bulk first sync', () => {
  it('gives the same cache as the normal path, and lookups in the bulk phase match indexed ones', async () => {
    const line = await proxy();
    // A slow line, so lookups run while pages are still arriving.
    line.setFaults({ delayMs: 3 });
    const options = hostOptions('bulk', line.url);
    const cachePath = path.join(options.dataDir, CACHE_FILE_NAME);
    const host = await inProcessHost(options);
    const phases = new Set<string | null>();
    let midBulk: { phones: string[]; bulk: unknown[]; indexed: unknown[]; plan: string } | null = null;
    host.desk.on('syncStatus', (status) => {
      if (status.connection !== 'syncing' || status.cursor === 0 || !fs.existsSync(cachePath)) return;
      const state = phaseOf(cachePath);
      phases.add(state.phase);
      if (state.phase !== 'bulk' || midBulk || status.cursor < status.headVersion / 2) return;
      // Half-way: the same lookups on the cache as it is, and on a snapshot of it with its indexes built.
      const db = new Database(cachePath, { readonly: true });
      const snapshot = path.join(dir, 'mid-bulk-snapshot.sqlite');
      db.prepare('VACUUM INTO ?').run(snapshot);
      const phones = db.prepare(
        'SELECT DISTINCT e164 FROM caller_phones cp WHERE EXISTS (SELECT 1 FROM service_requests sr WHERE sr.caller_id = cp.caller_id) ORDER BY e164 LIMIT 25',
      ).pluck().all() as string[];
      const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT caller_id FROM caller_phones WHERE e164 = ?').all('+12155550142') as { detail: string }[])
        .map((row) => row.detail).join('; ');
      const bulkLookup = createCallerLookup(db);
      const bulk = phones.map((phone) => ({ ...bulkLookup.lookupCaller(phone), lookupMs: 0 }));
      db.close();
      const indexedDb = new Database(snapshot);
      expect(finishBulkFirstSync(indexedDb)).toBeGreaterThan(0);
      const indexedLookup = createCallerLookup(indexedDb);
      const indexed = phones.map((phone) => ({ ...indexedLookup.lookupCaller(phone), lookupMs: 0 }));
      indexedDb.close();
      midBulk = { phones, bulk, indexed, plan };
    });

    await syncedToHead(() => host.syncOnce());
    await host.close();

    expect(phases.has('bulk'), 'the first sync ran in the bulk phase').toBe(true);
    expect(midBulk, 'lookups were compared half-way through the bulk phase').not.toBeNull();
    const { phones, bulk, indexed, plan } = midBulk!;
    expect(phones.length).toBeGreaterThan(5);
    expect(plan).toContain('caller_phones_by_e164');
    expect(bulk.every((pop) => (pop as { matches: unknown[] }).matches.length > 0)).toBe(true);
    expect(bulk).toEqual(indexed);

    const bulkState = phaseOf(cachePath);
    expect(bulkState).toEqual({ ...phaseOf(normalCache) });
    expect(bulkState.indexes.length).toBeGreaterThan(2);
    expect(readCache(cachePath)).toEqual(readCache(normalCache));
  }, 90_000);

  it('recovers from kill -9 in the bulk phase and in the middle of the rebuild', async () => {
    const line = await proxy();
    line.setFaults({ delayMs: 3 });
    const rendererDir = path.join(dir, 'renderer');
    fs.mkdirSync(rendererDir, { recursive: true });
    const options = hostOptions('killed', line.url, { web: { port: 0, rendererDir } });
    const cachePath = path.join(options.dataDir, CACHE_FILE_NAME);

    // 1. Killed in the bulk phase, a few pages in.
    const desk = await startDeskHostProcess(options);
    cleanups.push(() => desk.kill9());
    const socket = await DeskSocket.connect(desk.ready.webUrl);
    for (let waited = 0; ; waited += 1) {
      const status = await socket.call<SyncStatus>('getSyncStatus');
      // A first sync takes the snapshot: its rows count up while the cursor waits at 0.
      if ((status.progress?.rows ?? 0) > 500) break;
      if (waited > 2_000) throw new Error('no pages arrived');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await desk.kill9();
    socket.close();
    const afterBulkKill = phaseOf(cachePath);
    expect(afterBulkKill.phase).toBe('bulk');
    expect(afterBulkKill.indexes).toEqual([]);
    expect(afterBulkKill.deferred.length).toBeGreaterThan(2);
    const partial = readCache(cachePath);
    expect((partial.sync_state[0] as { cursor: number }).cursor).toBeLessThan((partial.sync_state[0] as { head_version: number }).head_version);

    // 2. Killed half-way through building the indexes: the rebuild's transaction rolls back whole.
    const killed = await killMidRebuild(cachePath, 2);
    expect(killed).toMatchObject({ signal: 'SIGKILL', finished: false });
    expect(killed.built).toHaveLength(2);
    expect(phaseOf(cachePath)).toEqual(afterBulkKill);
    expect(readCache(cachePath)).toEqual(partial);

    // 3. Restarted: it opens, resumes the bulk phase from its cursor, builds the indexes and ends
    // with the same cache as the normal path.
    line.setFaults({});
    const { web: _web, ...inProcess } = options;
    const host = await inProcessHost(inProcess);
    await syncedToHead(() => host.syncOnce());
    await host.close();
    expect(phaseOf(cachePath)).toEqual(phaseOf(normalCache));
    const recovered = readCache(cachePath);
    const reference = readCache(normalCache);
    // Row numbers follow arrival, which the kill interrupted: compare cases by id, the rest as is.
    const byId = (rows: unknown[]) => (rows as Array<{ seq: number; id: string }>).map(({ seq: _seq, ...row }) => row).sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(recovered.service_requests)).toEqual(byId(reference.service_requests));
    expect(recovered.open_case_locations).toHaveLength(reference.open_case_locations.length);
    for (const table of ['callers', 'caller_phones', 'case_notes', 'case_conflicts', 'service_types', 'neighborhoods', 'server_rows', 'outbox', 'first_sync_deferred', 'sync_state', 'schema'] as const) {
      expect(recovered[table], table).toEqual(reference[table]);
    }
  }, 90_000);
});
