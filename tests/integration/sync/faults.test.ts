// Fault tests with real OS processes on 127.0.0.1: the desk host SIGKILLed mid-push and mid-pull,
// the central server SIGKILLed mid-push and restarted on its data, and a line that delays, drops
// and cuts. Each ends with 0 mutations lost and 0 duplicated, read from the server's own tables.
// The server runs on PGlite, and also on PostgreSQL (a schema of its own) when TEST_DATABASE_URL is set.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from '../../fixtures/host/keyed-database.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_FILE_NAME, startHost, type RunningHost } from '../../../electron/host/host.js';
import { dropPgSchema, openPgStore } from '../../../server/store/pg-store.js';
import { openPgliteStore } from '../../../server/store/pglite-store.js';
import type { Store } from '../../../server/store/store.js';
import type { SyncStatus } from '../../../shared/desk-api.js';
import { DeskSocket } from '../../fixtures/processes/desk-socket.js';
import { startDeskHostProcess, startServerProcess, type FixtureProcess } from '../../fixtures/processes/spawn.js';
import { startTcpProxy, type TcpProxy } from '../../fixtures/tcp-proxy.js';
import { expectDeskMatchesServer, expectProcessedExactlyOnce, lastIssuedMutationId } from './sync-checks.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';

const postgresUrl = process.env.TEST_DATABASE_URL;
if (!postgresUrl) console.info('sync fault tests: TEST_DATABASE_URL is not set, so the server runs on PGlite only (not PostgreSQL).');

function noteTexts(label: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${label} ${String(i).padStart(4, '0')}`);
}

function notesInCache(cachePath: string, caseId: string, prefix: string): string[] {
  const db = new Database(cachePath, { readonly: true });
  try {
    return db.prepare('SELECT text FROM case_notes WHERE case_id = ? AND text LIKE ? ORDER BY text').pluck().all(caseId, `${prefix}%`) as string[];
  } finally {
    db.close();
  }
}

function outboxCount(cachePath: string): number {
  const db = new Database(cachePath, { readonly: true });
  try {
    return db.prepare("SELECT count(*) FROM outbox WHERE state = 'pending'").pluck().get() as number;
  } finally {
    db.close();
  }
}

/** The client's mutations 1..N processed once each, none refused, and each note text once on the server. */
async function expectNothingLostOrDoubled(store: Store, clientId: string, lastIssued: number, caseId: string, texts: string[]): Promise<void> {
  const processed = await expectProcessedExactlyOnce(store, clientId, lastIssued);
  expect(processed.rejected).toEqual([]);
  const rows = await store.query<{ text: string; n: number }>(
    'SELECT text, count(*)::int AS n FROM case_notes WHERE case_id = $1 AND text = ANY($2::text[]) GROUP BY text', [caseId, texts],
  );
  expect(rows.length, 'notes that reached the server (0 lost)').toBe(texts.length);
  expect(rows.filter((row) => Number(row.n) !== 1), 'notes written more than once (0 duplicated)').toEqual([]);
}

for (const kind of postgresUrl ? (['pglite', 'postgres'] as const) : (['pglite'] as const)) {
  describe(`sync faults, server on ${kind}`, () => {
    const pgSchema = `t_${randomBytes(6).toString('hex')}`;
    let dir: string;
    let serverConfig: Record<string, unknown>;
    let server: FixtureProcess<{ url: string }> | null = null;
    // Open seeded cases, read from the first scenario's full cache; the scenarios run in file order.
    let seededCaseIds: string[] = [];
    const cleanups: Array<() => Promise<void>> = [];

    const portOf = (url: string): number => Number(new URL(url).port);
    const pushesSeen = (proxy: TcpProxy): number => proxy.requestLines.filter((line) => line.startsWith('POST /sync/push')).length;
    const pullsSeen = (proxy: TcpProxy): number => proxy.requestLines.filter((line) => line.startsWith('POST /sync/pull')).length;
    const snapshotsSeen = (proxy: TcpProxy): number => proxy.requestLines.filter((line) => line.startsWith('POST /sync/snapshot')).length;

    async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 20_000, everyMs = 25): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    }

    async function runningServer(): Promise<FixtureProcess<{ url: string }>> {
      server ??= await startServerProcess(serverConfig);
      return server;
    }

    /** PGlite has one owner: stop the server process and read its tables; the next scenario restarts it.
     * PostgreSQL is read the same way, so both stores are checked at the same point of each scenario. */
    async function withServerTables<T>(read: (store: Store) => Promise<T>): Promise<T> {
      await server?.stop();
      server = null;
      const store = kind === 'postgres'
        ? await openPgStore({ connectionString: postgresUrl as string, schema: pgSchema, maxConnections: 2 })
        : await openPgliteStore(path.join(serverConfig.dataDir as string, 'server-db'));
      try {
        return await read(store);
      } finally {
        await store.close();
      }
    }

    async function proxyToServer(): Promise<TcpProxy> {
      const proxy = await startTcpProxy(portOf((await runningServer()).ready.url));
      cleanups.push(() => proxy.close());
      return proxy;
    }

    function hostOptions(name: string, serverUrl: string, extra: Record<string, unknown> = {}) {
      const rendererDir = path.join(dir, 'renderer');
      fs.mkdirSync(rendererDir, { recursive: true });
      return {
        serverUrl, dataDir: path.join(dir, name), agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD, clientId: `fault-${name}`,
        pokes: false, pullIntervalMs: 200, closedCaseDays: 36_500, web: { port: 0, rendererDir }, ...extra,
      };
    }

    async function startDeskProcess(options: ReturnType<typeof hostOptions>) {
      const host = await startDeskHostProcess(options);
      cleanups.push(() => host.kill9());
      return { host, socket: await DeskSocket.connect(host.ready.webUrl) };
    }

    function inProcessHost(name: string, serverUrl: string): Promise<RunningHost> {
      const { web: _web, ...options } = hostOptions(name, serverUrl);
      return startHost({ ...options, log: () => undefined }).then((host) => {
        cleanups.push(() => host.close());
        return host;
      });
    }

    async function drained(sync: () => Promise<SyncStatus>, timeoutMs = 30_000): Promise<void> {
      await eventually('the outbox to drain', async () => {
        const status = await sync();
        return status.connection === 'online' && status.pendingMutations === 0 && status.cursor >= status.headVersion;
      }, timeoutMs, 50);
    }

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fd311-sync-faults-'));
      // Enough rows that a pull in pages of 50 takes a while: the desk is killed in the middle of it.
      serverConfig = {
        host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'server'), logLevel: 'silent', seed: { callers: 600, cases: 1800 },
        ...(kind === 'postgres' ? { databaseUrl: postgresUrl, databaseSchema: pgSchema } : {}),
      };
      await runningServer();
    }, 60_000);

    afterAll(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
      await server?.stop();
      if (kind === 'postgres') await dropPgSchema(postgresUrl as string, pgSchema);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    describe('sync under faults, with real processes', () => {
      // A first sync takes the snapshot (rows in key order), then the log from where it began; a
      // desk can also pull the whole log (an older server), which a long-offline desk does too.
      for (const way of ['snapshot', 'log'] as const) {
        it(`a desk host killed -9 during its first sync (${way}) resumes after restart and ends complete and consistent`, async () => {
          const proxy = await proxyToServer();
          const options = hostOptions(`first-sync-kill-${way}`, proxy.url, { pullPageSize: 50, firstSyncSnapshot: way === 'snapshot' });
          const readsSeen = way === 'snapshot' ? snapshotsSeen : pullsSeen;
          proxy.setFaults({ delayMs: 2 });
          let { host, socket } = await startDeskProcess(options);
          // Mid-sync: several pages in, far from the end.
          await eventually('a few pages', () => readsSeen(proxy) >= 6, 20_000, 2);
          const statusAtKill = await socket.call<SyncStatus>('getSyncStatus');
          await host.kill9();
          socket.close();
          expect(statusAtKill.cursor).toBeLessThan(statusAtKill.headVersion);
          const readsBeforeKill = readsSeen(proxy);
          proxy.setFaults({});

          ({ host, socket } = await startDeskProcess(options));
          await drained(() => socket.call<SyncStatus>('syncNow'));
          socket.close();
          await host.stop();
          const readsAfterRestart = readsSeen(proxy) - readsBeforeKill;

          const cachePath = path.join(options.dataDir, CACHE_FILE_NAME);
          const db = new Database(cachePath, { readonly: true });
          const localCases = db.prepare('SELECT id, reference, status, description, updated_at AS "updatedAt" FROM service_requests ORDER BY id').all() as Array<{ id: string; updatedAt: string }>;
          const localCallers = db.prepare('SELECT id, name FROM callers ORDER BY id').all();
          const snapshotLeft = db.prepare('SELECT snapshot_entity FROM sync_state').pluck().get();
          db.close();
          seededCaseIds = localCases.slice(0, 4).map((row) => row.id);
          expect(snapshotLeft, 'no snapshot position left behind').toBeNull();

          const fullSnapshotPages = await withServerTables(async (store) => {
            const serverCases = await store.query<{ id: string; updatedAt: Date }>(
              'SELECT id::text AS id, reference, status, description, updated_at AS "updatedAt" FROM service_requests ORDER BY id::text');
            expect(localCases.length).toBe(serverCases.length);
            expect(localCases.map((row) => ({ ...row, updatedAt: new Date(row.updatedAt).toISOString() })))
              .toEqual(serverCases.map((row) => ({ ...row, updatedAt: new Date(row.updatedAt).toISOString() })));
            expect(localCallers).toEqual(await store.query('SELECT id::text AS id, name FROM callers ORDER BY id::text'));
            // Pages of 50 for each entity's rows (one, empty, for an entity with none).
            const counts = await store.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM service_types UNION ALL SELECT count(*)::int FROM neighborhoods UNION ALL
               SELECT count(*)::int FROM callers UNION ALL SELECT count(*)::int FROM service_requests UNION ALL
               SELECT count(*)::int FROM case_notes UNION ALL SELECT count(*)::int FROM case_conflicts UNION ALL
               SELECT count(*)::int FROM triage_protocols UNION ALL SELECT count(*)::int FROM triage_records`);
            return counts.reduce((pages, { n }) => pages + Math.max(1, Math.ceil(Number(n) / 50)), 0);
          });
          if (way === 'snapshot') {
            // Resumed, not started over: the restart asked for the pages the kill left, and at most
            // the one that was on the wire again.
            expect(readsAfterRestart).toBeLessThan(fullSnapshotPages - 3);
            expect(readsBeforeKill + readsAfterRestart).toBeLessThanOrEqual(fullSnapshotPages + 2);
          }
        }, 60_000);
      }

      it('a desk host killed -9 during a push resends on restart: 0 lost, 0 duplicated', async () => {
        const proxy = await proxyToServer();
        const options = hostOptions('push-kill', proxy.url);
        let { host, socket } = await startDeskProcess(options);
        await drained(() => socket.call<SyncStatus>('syncNow'));

        proxy.cut();
        const caseId = seededCaseIds[0]!;
        const texts = noteTexts('Push-kill follow-up', 700);
        for (const text of texts) await socket.call('addCaseNote', { caseId, text });
        expect((await socket.call<SyncStatus>('getSyncStatus')).pendingMutations).toBe(texts.length);

        // A slow line, so the kill lands while a push batch is on the wire or being applied.
        proxy.setFaults({ delayMs: 15 });
        const before = pushesSeen(proxy);
        proxy.restore();
        void socket.call('syncNow').catch(() => undefined);
        await eventually('a push on the wire', () => pushesSeen(proxy) > before, 20_000, 2);
        await new Promise((resolve) => setTimeout(resolve, 40));
        await host.kill9();
        socket.close();
        proxy.setFaults({});
        const cachePath = path.join(options.dataDir, CACHE_FILE_NAME);
        // The kill came before the desk heard back about (some of) them: they are resent on restart.
        expect(outboxCount(cachePath)).toBeGreaterThan(0);

        ({ host, socket } = await startDeskProcess(options));
        await drained(() => socket.call<SyncStatus>('syncNow'));
        socket.close();
        await host.stop();
        expect(lastIssuedMutationId(cachePath)).toBe(texts.length);
        expect(notesInCache(cachePath, caseId, 'Push-kill follow-up')).toEqual(texts);
        await withServerTables((store) => expectNothingLostOrDoubled(store, options.clientId, texts.length, caseId, texts));
      }, 60_000);

      it('the server killed -9 mid-push and restarted on its data: pushes resume, 0 lost, 0 duplicated', async () => {
        const proxy = await proxyToServer();
        const desk = await inProcessHost('server-kill', proxy.url);
        await drained(() => desk.syncOnce());
        proxy.cut();
        const caseId = seededCaseIds[1]!;
        const texts = noteTexts('Server-kill follow-up', 700);
        for (const text of texts) await desk.desk.addCaseNote({ caseId, text });

        proxy.setFaults({ delayMs: 15 });
        const before = pushesSeen(proxy);
        proxy.restore();
        const pushing = desk.syncOnce();
        await eventually('a push on the wire', () => pushesSeen(proxy) > before, 20_000, 2);
        await new Promise((resolve) => setTimeout(resolve, 40));
        await server!.kill9();
        server = null;
        expect((await pushing).pendingMutations).toBeGreaterThan(0);
        proxy.setFaults({});
        proxy.targetPort = portOf((await runningServer()).ready.url);

        await drained(() => desk.syncOnce());
        expect(notesInCache(desk.cachePath, caseId, 'Server-kill follow-up')).toEqual(texts);
        await withServerTables(async (store) => {
          await expectNothingLostOrDoubled(store, 'fault-server-kill', texts.length, caseId, texts);
          await expectDeskMatchesServer('server-kill desk', desk.desk, desk.cachePath, store, [caseId]);
        });
      }, 60_000);

      it('a line that delays, drops connections and cuts responses midway: 0 lost, 0 duplicated', async () => {
        const proxy = await proxyToServer();
        const desk = await inProcessHost('bad-line', proxy.url);
        await drained(() => desk.syncOnce());
        proxy.cut();
        const [type] = await desk.desk.listServiceTypes({});
        const created: string[] = [];
        for (let i = 0; i < 15; i += 1) {
          const made = await desk.desk.createCase({ callerId: null, serviceTypeCode: type!.code, description: `Abandoned car ${i} on the bad line`, address: `${2000 + i} N Broad St`, lat: null, lon: null });
          created.push(made.id);
        }
        const caseId = seededCaseIds[2]!;
        const texts = noteTexts('Bad-line follow-up', 120);
        for (const [i, text] of texts.entries()) {
          await desk.desk.addCaseNote({ caseId, text });
          if (i % 10 === 0) await desk.desk.editCase({ caseId: created[i % created.length]!, changes: { description: `Abandoned car, edit ${i}` } });
        }
        proxy.restore();

        // Slow and unreliable: every chunk late, one in five connections reset (seeded, so repeatable).
        let seed = 311;
        const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
        proxy.setFaults({ delayMs: 5, dropChance: 0.2, random });
        for (let round = 0; round < 6; round += 1) await desk.syncOnce();
        // Then every response cut after 700 bytes: pushes are applied on the server but the desk never
        // reads the answer, so it must resend them and get the stored results back.
        proxy.setFaults({ cutResponseAfterBytes: 700 });
        const lateTexts = noteTexts('Bad-line late follow-up', 30);
        for (const text of lateTexts) await desk.desk.addCaseNote({ caseId, text });
        for (let round = 0; round < 3; round += 1) await desk.syncOnce();
        expect(proxy.faultResets).toBeGreaterThan(0);
        proxy.setFaults({});
        await drained(() => desk.syncOnce());

        const issued = lastIssuedMutationId(desk.cachePath);
        expect(issued).toBe(created.length + texts.length + 12 + lateTexts.length);
        await withServerTables(async (store) => {
          await expectNothingLostOrDoubled(store, 'fault-bad-line', issued, caseId, [...texts, ...lateTexts]);
          const cases = await store.query<{ id: string; reference: string }>('SELECT id::text AS id, reference FROM service_requests WHERE id = ANY($1::uuid[])', [created]);
          expect(cases.length, 'cases made offline that reached the server').toBe(created.length);
          expect(cases.every((row) => /^\d{8}$/.test(row.reference))).toBe(true);
          await expectDeskMatchesServer('bad-line desk', desk.desk, desk.cachePath, store, [caseId, ...created]);
        });
      }, 60_000);
    });
  });
}
