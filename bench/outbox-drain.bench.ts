// outbox-drain: 5,000 changes made on a desk while the server is unreachable, then the desk
// reconnects: time until the outbox is empty and the cache caught up, and whether the server
// holds every change exactly once (lost and duplicated are counted from the server's rows).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startHost } from '../electron/host/host.js';
import { startServer, ServerConfigSchema } from '../server/app.js';
import { benchPostgresSchema, postgresReachable } from './postgres.js';
import { round, writeBenchResult } from './report.js';
import { DEMO_SEED_PASSWORD } from '../server/config.js';

const MUTATIONS = Number(process.env.BENCH_MUTATIONS ?? 5_000);


export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-outbox-drain-'));
  const usePostgres = await postgresReachable();
  const postgres = benchPostgresSchema();
  const server = await startServer(ServerConfigSchema.parse({
    host: '127.0.0.1', port: 0, dataDir: join(dir, 'server'), logLevel: 'silent', seed: { callers: 200, cases: 600 },
    ...(usePostgres ? { databaseUrl: postgres.url, databaseSchema: postgres.schema } : {}),
  }));
  const common = { dataDir: join(dir, 'desk'), agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD, pokes: false, pullIntervalMs: 3_600_000, closedCaseDays: 100_000, log: () => undefined } as const;
  try {
    const first = await startHost({ ...common, serverUrl: server.url });
    await first.syncOnce();
    await first.close();

    // Offline: a port nothing listens on.
    const offline = await startHost({ ...common, serverUrl: 'http://127.0.0.1:9' });
    const [type] = await offline.desk.listServiceTypes({});
    const open = (await server.store.query<{ id: string }>(`SELECT id FROM service_requests WHERE status = 'open' ORDER BY id LIMIT 50`)).map((r) => r.id);
    const created: string[] = [];
    const notes: string[] = [];
    for (let i = 0; i < MUTATIONS; i += 1) {
      const kind = i % 5;
      if (kind === 0) {
        const summary = await offline.desk.createCase({ callerId: null, serviceTypeCode: type!.code, description: `Drain case ${i}`, address: `${i} Market St`, lat: null, lon: null });
        created.push(summary.provisionalReference as string);
      } else if (kind === 4) {
        await offline.desk.editCase({ caseId: open[i % open.length]!, changes: { address: `${i} Broad St` } });
      } else {
        const text = `Drain note ${i}`;
        await offline.desk.addCaseNote({ caseId: open[i % open.length]!, text });
        notes.push(text);
      }
    }
    await offline.close();

    const online = await startHost({ ...common, serverUrl: server.url });
    const started = performance.now();
    let status = await online.syncOnce();
    while (status.pendingMutations > 0 && !status.lastError) status = await online.syncOnce();
    const seconds = (performance.now() - started) / 1000;
    await online.close();
    if (status.pendingMutations > 0) throw new Error(`not drained: ${JSON.stringify(status.lastError)}`);

    const caseCounts = await server.store.query<{ provisional_reference: string; n: number }>(
      `SELECT provisional_reference, count(*)::int AS n FROM service_requests WHERE description LIKE 'Drain case %' GROUP BY provisional_reference`,
    );
    const noteCounts = await server.store.query<{ text: string; n: number }>(`SELECT text, count(*)::int AS n FROM case_notes WHERE text LIKE 'Drain note %' GROUP BY text`);
    const seenCases = new Map(caseCounts.map((row) => [row.provisional_reference, Number(row.n)]));
    const seenNotes = new Map(noteCounts.map((row) => [row.text, Number(row.n)]));
    const lost = created.filter((ref) => !seenCases.has(ref)).length + notes.filter((text) => !seenNotes.has(text)).length;
    const duplicated = [...seenCases.values(), ...seenNotes.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    console.log(`${MUTATIONS} mutations drained in ${round(seconds, 2)} s; lost ${lost}, duplicated ${duplicated}`);
    return writeBenchResult('outbox-drain', { mutations: MUTATIONS, store: usePostgres ? 'postgres' : 'pglite' }, {
      mutations: { value: MUTATIONS, unit: 'mutations', better: 'higher' },
      seconds_to_synced: { value: round(seconds, 2), unit: 's', target: 10, better: 'lower' },
      lost: { value: lost, unit: 'mutations', target: 0, better: 'lower' },
      duplicated: { value: duplicated, unit: 'mutations', target: 0, better: 'lower' },
    });
  } finally {
    await server.close();
    if (usePostgres) await postgres.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
