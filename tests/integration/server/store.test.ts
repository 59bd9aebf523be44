// The server store on each database: migrations, refusal of a newer database, the change log
// written in the same transaction as the row, and seeding.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServerConfigSchema, startServer } from '../../../server/app.js';
import { DENISE_WHITFIELD_ID } from '../../../server/demo-data/demo-callers.js';
import { putSyncedRows, readChanges } from '../../../server/store/change-log.js';
import { loadMigrations, migrate, type Migration } from '../../../server/store/migrate.js';
import { openPgStore } from '../../../server/store/pg-store.js';
import { openPgliteStore } from '../../../server/store/pglite-store.js';
import { seedDemoData, seedReferenceData } from '../../../server/store/seed.js';
import type { Store } from '../../../server/store/store.js';
import type { Caller } from '../../../shared/domain/caller.js';
import { STARTER_PROTOCOLS } from '../../../shared/triage/starter/index.js';
import { openScratchStore, storeTargets, type ScratchStore } from './helpers.js';

describe.each(storeTargets())('server store on $kind', (target) => {
  let scratch: ScratchStore;
  let store: Store;

  beforeEach(async () => {
    scratch = await openScratchStore(target);
    store = scratch.store;
  });
  afterEach(async () => {
    await scratch.dispose();
  });

  it('migrates a fresh database, records each migration, and does nothing the second time', async () => {
    expect(await migrate(store)).toEqual(loadMigrations().map((m) => m.version));
    const recorded = await store.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations');
    expect(recorded).toEqual(loadMigrations().map((m) => ({ version: m.version, name: m.name })));
    expect(recorded.slice(0, 2)).toEqual([{ version: 10, name: 'initial' }, { version: 20, name: 'sync-push' }]);
    const tables = await store.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1",
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['agents', 'call_events', 'callers', 'calls', 'change_log', 'neighborhoods', 'service_requests', 'service_types']),
    );
    expect(await migrate(store)).toEqual([]);
  });

  it('refuses a database migrated by a newer build and leaves it untouched', async () => {
    await migrate(store);
    await store.query("INSERT INTO schema_migrations (version, name) VALUES (9990, 'from-the-future')");
    const known: Migration[] = [
      ...loadMigrations(),
      { version: 9000, name: 'would-add-a-table', sql: 'CREATE TABLE should_not_exist (id int)' },
    ];
    await expect(migrate(store, known)).rejects.toMatchObject({ message: expect.stringMatching(/newer Frontdesk311 server.*9990/) });
    const [probe] = await store.query<{ present: boolean }>("SELECT to_regclass('should_not_exist') IS NOT NULL AS present");
    expect(probe?.present).toBe(false);
    const versions = await store.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((v) => v.version)).toEqual([...loadMigrations().map((m) => m.version), 9990]);
  });

  it('keeps the server from starting on a database from a newer build', async () => {
    await migrate(store);
    await store.query("INSERT INTO schema_migrations (version, name) VALUES (9990, 'from-the-future')");
    // PGlite allows one process per data directory: let the server have it.
    await store.close();
    const config = ServerConfigSchema.parse({ ...scratch.serverConfig, host: '127.0.0.1', port: 0, logLevel: 'silent', seed: false });
    await expect(startServer(config)).rejects.toThrow(/newer Frontdesk311 server/);

    const { databaseUrl, databaseSchema, dataDir } = scratch.serverConfig;
    const reopened = databaseUrl
      ? await openPgStore({ connectionString: databaseUrl, schema: databaseSchema })
      : await openPgliteStore(path.join(dataDir, 'server-db'));
    try {
      const versions = await reopened.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.map((v) => v.version)).toEqual([...loadMigrations().map((m) => m.version), 9990]);
      const [types] = await reopened.query<{ n: number }>('SELECT count(*)::int8 AS n FROM service_types');
      expect(types?.n).toBe(0);
    } finally {
      await reopened.close();
    }
  });

  it('rolls a failed transaction back together with its change-log entries', async () => {
    await migrate(store);
    await seedReferenceData(store);
    const before = (await readChanges(store, 0, 1)).headVersion;
    const caller: Caller = {
      id: '018e3b1a-0000-7000-8000-00000000beef',
      name: 'Test Caller',
      phones: ['+12155550100'],
      email: null,
      address: null,
      zipcode: null,
      neighborhoodId: null,
      lat: null,
      lon: null,
      preferredLanguage: 'en',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    await expect(
      store.transaction(async (tx) => {
        await putSyncedRows(tx, 'caller', [caller]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.query('SELECT id FROM callers')).toEqual([]);
    expect((await readChanges(store, 0, 1)).headVersion).toBe(before);

    await putSyncedRows(store, 'caller', [caller]);
    // The rolled-back insert used up a version number (sequences never go back): gaps are normal.
    const { changes, headVersion } = await readChanges(store, before, 10);
    expect(headVersion).toBeGreaterThan(before);
    expect(changes).toEqual([{ version: headVersion, entity: 'caller', entity_id: caller.id, op: 'put', row: caller }]);
  });

  it('seeds reference data and demo data once, with every row in the change log', async () => {
    await migrate(store);
    await seedReferenceData(store);
    const seeded = await seedDemoData(store, { seed: 5, callers: 40, cases: 100, now: new Date('2026-06-01T12:00:00Z') });
    expect(seeded).toMatchObject({ seeded: true });
    expect(await seedDemoData(store, { seed: 5, callers: 40, cases: 100 })).toMatchObject({ seeded: false });

    const counts = await store.query<{ entity: string; n: number }>(
      'SELECT entity, count(*)::int8 AS n FROM change_log GROUP BY entity ORDER BY entity',
    );
    const [callers] = await store.query<{ n: number }>('SELECT count(*)::int8 AS n FROM callers');
    const [requests] = await store.query<{ n: number }>('SELECT count(*)::int8 AS n FROM service_requests');
    expect(Object.fromEntries(counts.map((c) => [c.entity, c.n]))).toEqual({
      caller: callers?.n,
      neighborhood: 158,
      service_request: requests?.n,
      service_type: 64,
      triage_protocol: STARTER_PROTOCOLS.length,
    });
    expect(callers?.n).toBe(seeded.callers);

    const household = await store.query<{ name: string }>("SELECT name FROM callers WHERE phones @> ARRAY['+12155550199'] ORDER BY name");
    expect(household.map((c) => c.name)).toEqual(['Luis Alvarez', 'Rosa Alvarez']);
    const denise = await store.query<{ status: string }>('SELECT status FROM service_requests WHERE caller_id = $1', [DENISE_WHITFIELD_ID]);
    expect(denise.map((c) => c.status).sort()).toEqual(['closed', 'closed', 'open']);
    const agents = await store.query<{ id: string; state: string }>('SELECT id, state FROM agents ORDER BY id');
    expect(agents).toEqual([
      { id: 'demo-admin', state: 'offline' },
      { id: 'demo-calltaker', state: 'offline' },
      { id: 'demo-lead', state: 'offline' },
      { id: 'demo-triage', state: 'offline' },
    ]);
    const [next] = await store.query<{ n: string }>("SELECT nextval('service_request_reference_seq')::text AS n");
    expect(Number(next?.n)).toBe(19_000_001 + seeded.serviceRequests);
  });
  it('gives rows written before the snapshot migration the version that last logged them', async () => {
    const before = loadMigrations().filter((m) => m.version < 110);
    await migrate(store, before);
    const caller = '0f0e0d0c-0b0a-4908-8706-050403020100';
    await store.exec(`
      INSERT INTO service_types VALUES ('ST-A', 'A', 'Streets', true, true), ('ST-B', 'B', 'Streets', true, false), ('ST-UNLOGGED', 'C', 'Streets', true, false);
      INSERT INTO callers (id, name, phones, created_at, updated_at) VALUES ('${caller}', 'Pat', '{+12155550100}', now(), now());
      INSERT INTO change_log (version, entity, entity_id, op, row) VALUES
        (1, 'service_type', 'ST-A', 'put', '{}'), (2, 'service_type', 'ST-B', 'put', '{}'),
        (3, 'caller', '${caller}', 'put', '{}'), (4, 'service_type', 'ST-A', 'put', '{}'),
        (5, 'neighborhood', 'ST-B', 'put', '{}');
    `);
    expect(await migrate(store)).toEqual([110]);
    const types = await store.query<{ code: string; v: number | null }>('SELECT code, sync_version AS v FROM service_types ORDER BY code');
    // The newest entry of each, of its own entity only; a row never logged has none (a snapshot skips it, as a pull would).
    expect(types).toEqual([{ code: 'ST-A', v: 4 }, { code: 'ST-B', v: 2 }, { code: 'ST-UNLOGGED', v: null }]);
    expect(await store.query('SELECT sync_version AS v FROM callers')).toEqual([{ v: 3 }]);
  });
});
