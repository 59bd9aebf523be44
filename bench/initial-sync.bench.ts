// initial-sync: an empty desk cache pulls a city's worth of cases and callers from a real server
// (PostgreSQL when reachable, else PGlite). The host runs in a child process so its peak memory is
// its own. The baseline, in the same run: a raw bulk insert of the same rows, in the order the host
// receives them (each entity's rows by id, as the snapshot sends them), into an empty cache of the
// desk's own schema (its tables, indexes and triggers, encrypted as the cache is): one transaction,
// prepared statements, nothing else. Inserts into bare tables are reported beside it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { CACHE_KEY_BYTES } from '../electron/host/cache/key-check.js';
import { openCache, openCacheFile } from '../electron/host/cache/open-cache.js';
import { CALLER_COLUMNS, callerToValues, SERVICE_REQUEST_COLUMNS, serviceRequestToValues } from '../electron/host/cache/rows.js';
import { HOST_NODE_FLAGS } from '../electron/host/heap-limit.js';
import { startServer, ServerConfigSchema } from '../server/app.js';
import { DEMO_SEED_PASSWORD } from '../server/config.js';
import { generateDemoData, type DemoBatch } from '../server/demo-data/generate.js';
import { benchPostgresSchema, postgresReachable } from './postgres.js';
import { round, writeBenchResult } from './report.js';

const CALLERS = Number(process.env.BENCH_CALLERS ?? 500_000);
const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const PAGE = Number(process.env.BENCH_PULL_PAGE ?? 10_000);
const SEED_NOW = new Date('2026-11-25T12:00:00Z');

interface ChildReport { rows: number; seconds: number; cpuSeconds: number; cpuWaitSeconds: number | null; peakMb: number; callers: number; serviceRequests: number; heapMb: number; externalMb: number }


/**
 * Seconds the calling thread has sat runnable, waiting for a CPU (Linux schedstat; null elsewhere).
 * On a shared machine it tells time lost to other processes from time spent waiting on the server.
 */
function runQueueWaitSeconds(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return null;
  }
}

/** The child: an empty cache syncs everything once, then reports rows, time and its peak RSS. */
async function runChild(): Promise<void> {
  const { startHost } = await import('../electron/host/host.js');
  const host = await startHost({
    serverUrl: process.env.BENCH_SERVER_URL as string, dataDir: process.env.BENCH_DATA_DIR as string, agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD,
    pokes: false, pullIntervalMs: 3_600_000, closedCaseDays: 100_000, pullPageSize: PAGE, log: () => undefined,
  });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const waitBefore = runQueueWaitSeconds();
  const status = await host.syncOnce();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const waitAfter = runQueueWaitSeconds();
  const memory = process.memoryUsage();
  await host.close();
  if (status.lastError) throw new Error(`${status.lastError.code}: ${status.lastError.message}`);
  const report: ChildReport = {
    rows: status.cursor, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6,
    cpuWaitSeconds: waitBefore === null || waitAfter === null ? null : waitAfter - waitBefore, peakMb: process.resourceUsage().maxRSS / 1024,
    callers: status.rowsInCache.callers, serviceRequests: status.rowsInCache.serviceRequests,
    heapMb: memory.heapTotal / 1048576, externalMb: memory.external / 1048576,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

function syncInChild(serverUrl: string, dataDir: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    // The host's own flags, as the desktop launches it; BENCH_HOST_NODE_ARGS adds more (e.g. `--cpu-prof`).
    const extraArgs = (process.env.BENCH_HOST_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...HOST_NODE_FLAGS, ...extraArgs, '--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_INITIAL_SYNC_CHILD: '1', BENCH_SERVER_URL: serverUrl, BENCH_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1) as string) as ChildReport) : reject(new Error(`host child exited ${code}`))));
  });
}

type RawDatabase = Pick<Database.Database, 'pragma' | 'exec' | 'prepare' | 'transaction' | 'close'>;

/**
 * The same rows into bare tables (the columns a lookup needs, three indexes, no triggers), one
 * transaction, prepared statements, with SQLite's default page cache: the file opened as the cache
 * is (the encrypting driver, its cipher, a key), or plain better-sqlite3.
 */
function rawInsertRowsPerSecond(path: string, open: (path: string) => RawDatabase, batches: readonly DemoBatch[]): number {
  const db = open(path);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE callers (id TEXT PRIMARY KEY, name TEXT, email TEXT, address TEXT, zipcode TEXT, neighborhood_id TEXT, lat REAL, lon REAL, preferred_language TEXT, created_at TEXT, updated_at TEXT);
    CREATE TABLE caller_phones (caller_id TEXT, position INTEGER, e164 TEXT, PRIMARY KEY (caller_id, position));
    CREATE INDEX caller_phones_by_e164 ON caller_phones (e164);
    CREATE TABLE service_requests (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, reference TEXT, caller_id TEXT, service_type_code TEXT, status TEXT, channel TEXT, description TEXT, address TEXT, zipcode TEXT, neighborhood_id TEXT, lat REAL, lon REAL, agency TEXT, requested_at TEXT, updated_at TEXT, closed_at TEXT);
    CREATE INDEX sr_by_caller ON service_requests (caller_id); CREATE INDEX sr_by_reference ON service_requests (reference);`);
  const caller = db.prepare('INSERT INTO callers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const phone = db.prepare('INSERT INTO caller_phones VALUES (?, ?, ?)');
  const request = db.prepare('INSERT INTO service_requests (id, reference, caller_id, service_type_code, status, channel, description, address, zipcode, neighborhood_id, lat, lon, agency, requested_at, updated_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  let rows = 0;
  const started = performance.now();
  db.transaction(() => {
    for (const batch of batches) {
      for (const row of batch.rows) {
        rows += 1;
        if (batch.entity === 'caller') {
          const c = row as Extract<typeof batch, { entity: 'caller' }>['rows'][number];
          caller.run(c.id, c.name, c.email, c.address, c.zipcode, c.neighborhoodId, c.lat, c.lon, c.preferredLanguage, c.createdAt, c.updatedAt);
          c.phones.forEach((e164, i) => phone.run(c.id, i, e164));
        } else {
          const r = row as Extract<typeof batch, { entity: 'service_request' }>['rows'][number];
          request.run(r.id, r.reference, r.callerId, r.serviceTypeCode, r.status, r.channel, r.description, r.address, r.zipcode, r.neighborhoodId, r.lat, r.lon, r.agency, r.requestedAt, r.updatedAt, r.closedAt);
        }
      }
    }
  })();
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return rows / seconds;
}

/**
 * The same rows as plain INSERTs into a freshly migrated cache, opened as the host opens it (key,
 * WAL, synchronous FULL, its page cache): what storing them on the desk costs without a network, a
 * server, checks, pages or the first sync's bulk phase. One transaction, as a raw bulk insert does.
 */
function rawInsertIntoCacheRowsPerSecond(path: string, batches: readonly DemoBatch[]): number {
  const db = openCache(path, { key: randomBytes(CACHE_KEY_BYTES) });
  const insert = (table: string, columns: readonly string[]) =>
    db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const caller = insert('callers', CALLER_COLUMNS);
  const phone = insert('caller_phones', ['caller_id', 'position', 'e164']);
  const request = insert('service_requests', SERVICE_REQUEST_COLUMNS);
  let rows = 0;
  const started = performance.now();
  db.transaction(() => {
    for (const batch of batches) {
      rows += batch.rows.length;
      if (batch.entity === 'caller') {
        for (const c of batch.rows) {
          caller.run(callerToValues(c));
          c.phones.forEach((e164, i) => phone.run(c.id, i, e164));
        }
      } else {
        for (const r of batch.rows) request.run(serviceRequestToValues(r));
      }
    }
  })();
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return rows / seconds;
}

/** The generated rows with each entity's sorted by id (code units, as PostgreSQL orders a uuid's text). */
function inKeyOrder(batches: readonly DemoBatch[]): DemoBatch[] {
  const byEntity = new Map<DemoBatch['entity'], Array<{ id: string }>>();
  for (const batch of batches) {
    const rows = byEntity.get(batch.entity) ?? [];
    for (const row of batch.rows) rows.push(row as { id: string });
    byEntity.set(batch.entity, rows);
  }
  return [...byEntity].map(([entity, rows]) => ({ entity, rows: rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) }) as DemoBatch);
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-initial-sync-'));
  const usePostgres = await postgresReachable();
  const postgres = benchPostgresSchema();
  const totalStarted = performance.now();
  console.log(`seeding ${CALLERS} callers and ${CASES} cases into ${usePostgres ? 'PostgreSQL' : 'PGlite'}…`);
  const server = await startServer(ServerConfigSchema.parse({
    host: '127.0.0.1', port: 0, dataDir: join(dir, 'server'), logLevel: 'silent', seed: { callers: CALLERS, cases: CASES },
    ...(usePostgres ? { databaseUrl: postgres.url, databaseSchema: postgres.schema } : {}),
  }));
  try {
    console.log('host pulling into an empty cache…');
    const child = await syncInChild(server.url, join(dir, 'desk'));
    const rowsPerSecond = child.rows / child.seconds;
    const batches = [...generateDemoData({ seed: 311, callers: CALLERS, cases: CASES, now: SEED_NOW })];
    const keyOrder = inKeyOrder(batches);
    const rawCache = rawInsertIntoCacheRowsPerSecond(join(dir, 'raw-cache.sqlite'), keyOrder);
    const encrypted = (path: string) => openCacheFile(path, { key: randomBytes(CACHE_KEY_BYTES), readonly: false });
    const rawBareKeyOrder = rawInsertRowsPerSecond(join(dir, 'raw-bare-key-order.sqlite'), encrypted, keyOrder);
    const rawBare = rawInsertRowsPerSecond(join(dir, 'raw-bare.sqlite'), encrypted, batches);
    const rawPlain = rawInsertRowsPerSecond(join(dir, 'raw-plain.sqlite'), (path) => new Database(path), batches);
    console.log(`pulled ${child.rows} rows in ${round(child.seconds, 1)} s (${Math.round(rowsPerSecond)} rows/s, host CPU ${round(child.cpuSeconds, 1)} s, waiting for a CPU ${child.cpuWaitSeconds === null ? '?' : round(child.cpuWaitSeconds, 1)} s), host peak ${round(child.peakMb, 0)} MB`);
    console.log(`raw insert: ${Math.round(rawCache)} rows/s into the cache's schema in key order (ratio ${round(rowsPerSecond / rawCache, 3)}), bare tables ${Math.round(rawBareKeyOrder)} in key order and ${Math.round(rawBare)} as generated, ${Math.round(rawPlain)} unencrypted`);
    return writeBenchResult('initial-sync', {
      callers: CALLERS, cases: CASES, store: usePostgres ? 'postgres' : 'pglite', pull_page: PAGE, rows_pulled: child.rows,
      host_node_flags: HOST_NODE_FLAGS.join(' '), raw_insert_driver: 'better-sqlite3-multiple-ciphers, chacha20, as the desk cache', load_average_1m: round(loadavg()[0] ?? 0, 1),
    }, {
      rows_per_s: { value: round(rowsPerSecond, 0), unit: 'rows/s', better: 'higher' },
      // The baseline: the same rows, in the order the host receives them, into the cache's own schema.
      raw_insert_rows_per_s: { value: round(rawCache, 0), unit: 'rows/s', better: 'higher' },
      ratio_to_raw_insert: { value: round(rowsPerSecond / rawCache, 3), unit: 'x', target: 0.5, better: 'higher' },
      // Into bare tables (three indexes, no triggers, fewer columns), encrypted: in the snapshot's
      // key order, and in the order the rows were generated (callers in random id order).
      raw_insert_bare_key_order_rows_per_s: { value: round(rawBareKeyOrder, 0), unit: 'rows/s', better: 'higher' },
      ratio_to_bare_key_order_raw_insert: { value: round(rowsPerSecond / rawBareKeyOrder, 3), unit: 'x', better: 'higher' },
      raw_insert_bare_generated_order_rows_per_s: { value: round(rawBare, 0), unit: 'rows/s', better: 'higher' },
      ratio_to_bare_generated_order_raw_insert: { value: round(rowsPerSecond / rawBare, 3), unit: 'x', better: 'higher' },
      // Bare tables, generated order, unencrypted plain better-sqlite3: what the encryption costs.
      raw_insert_plain_rows_per_s: { value: round(rawPlain, 0), unit: 'rows/s', better: 'higher' },
      ratio_to_plain_raw_insert: { value: round(rowsPerSecond / rawPlain, 3), unit: 'x', better: 'higher' },
      host_peak_mb: { value: round(child.peakMb, 1), unit: 'MB', target: 300, better: 'lower' },
      // The host's own CPU time for the sync: steadier than wall time on a shared machine.
      host_cpu_s: { value: round(child.cpuSeconds, 1), unit: 's', better: 'lower' },
      // Runnable but given no CPU by the machine's other processes; the rest of the wall time
      // beyond CPU and this is the host waiting on the network and the server.
      ...(child.cpuWaitSeconds === null ? {} : { host_cpu_wait_s: { value: round(child.cpuWaitSeconds, 1), unit: 's', better: 'lower' } }),
      seconds_total: { value: round((performance.now() - totalStarted) / 1000, 1), unit: 's', better: 'lower' },
    });
  } finally {
    await server.close();
    if (usePostgres) await postgres.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_INITIAL_SYNC_CHILD === '1') {
  runChild().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
