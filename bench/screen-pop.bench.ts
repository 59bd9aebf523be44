// screen-pop: how fast the desk host finds a caller by number in a city-sized cache, against the
// raw indexed SQLite lookup measured in the same run; and how fast the renderer paints the pop
// after the softphone's incoming event, in Chromium against a real server and host. Beside each
// lookup's wall time it records the process's CPU time and whether the kernel switched the process
// out meanwhile, so a reader can tell the code's cost from a busy machine's.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { CACHE_KEY_BYTES } from '../electron/host/cache/key-check.js';
import { openCache } from '../electron/host/cache/open-cache.js';
import { createCallerLookup } from '../electron/host/callers/lookup.js';
import { applyPullPage } from '../electron/host/sync/apply-pull-page.js';
import { loadServerConfig, startServer } from '../server/app.js';
import { DEMO_SEED_PASSWORD } from '../server/config.js';
import { generateDemoData, loadNeighborhoods, loadServiceTypes } from '../server/demo-data/generate.js';
import { DeskReplyMessageSchema } from '../shared/desk-api.js';
import { SimCallResponseSchema } from '../shared/server-api.js';
import type { RowChange } from '../shared/sync-protocol.js';
import { SYNC_PROTOCOL_VERSION } from '../shared/sync-protocol.js';
import buildRendererForTests from '../tests/e2e/global-setup.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, RENDERER_DIR } from '../tests/e2e/stack.js';
import { benchPostgresSchema, postgresReachable } from './postgres.js';
import { percentile, round, writeBenchResult, type Metric } from './report.js';

const CALLERS = Number(process.env.BENCH_CALLERS ?? 500_000);
const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const LOOKUPS = 20_000;
const RENDERS = Number(process.env.BENCH_RENDERS ?? 200);
/** A file to write a Chromium performance trace of the render part to (for profiling, off by default). */
const TRACE_PATH = process.env.BENCH_TRACE;
/** The host always opens its cache encrypted; so does the benchmark. */
const CACHE_KEY = randomBytes(CACHE_KEY_BYTES);

async function fillCache(path: string): Promise<string[]> {
  const db = openCache(path, { key: CACHE_KEY });
  let version = 0;
  const phones: string[] = [];
  const apply = (changes: RowChange[]) => {
    applyPullPage(db, { protocolVersion: SYNC_PROTOCOL_VERSION, cursor: version, lastMutationId: 0, hasMore: true, headVersion: version, changes });
  };
  const put = (entity: RowChange['entity'], id: string, row: object): RowChange => ({ op: 'put', entity, id, version: ++version, row: row as Record<string, unknown> });
  apply(loadServiceTypes().map((t) => put('service_type', t.code, t)));
  apply(loadNeighborhoods().map((n) => put('neighborhood', n.id, n)));
  for (const batch of generateDemoData({ seed: 311, callers: CALLERS, cases: CASES, now: new Date('2026-11-25T12:00:00Z') })) {
    if (batch.entity === 'caller') for (const caller of batch.rows) phones.push(caller.phones[0]!);
    apply(batch.rows.map((row) => put(batch.entity, row.id, row)));
  }
  db.close();
  return phones;
}

/** The physical floor: one indexed SELECT by number on a bare table, prepared once. */
function rawLookupTimes(dir: string, phones: string[]): LookupSamples {
  const db = new Database(join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE phones (e164 TEXT NOT NULL, caller_id TEXT NOT NULL); CREATE INDEX phones_e164 ON phones (e164)');
  const insert = db.prepare('INSERT INTO phones VALUES (?, ?)');
  db.transaction(() => phones.forEach((phone, i) => insert.run(phone, `caller-${i}`)))();
  const select = db.prepare('SELECT caller_id FROM phones WHERE e164 = ?');
  const times = timeLookups(phones, (phone) => select.all(phone));
  db.close();
  return times;
}

interface LookupSamples {
  /** Wall time of each lookup, ms: what the caller waits for. */
  wall: number[];
  /** The process's CPU time (user + system) during each lookup, ms: the code's cost, whatever the machine. */
  cpu: number[];
  /** Whether the kernel switched the process out during the lookup (an involuntary context switch). */
  preempted: boolean[];
  /** SQLite page-cache misses per lookup (read calls to the file; Linux only, else NaN). */
  pageReadsPerLookup: number;
}

function timeLookups(phones: string[], lookup: (phone: string) => unknown, count = LOOKUPS): LookupSamples {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const samples: LookupSamples = { wall: [], cpu: [], preempted: [], pageReadsPerLookup: Number.NaN };
  const readsBefore = readCalls();
  for (let i = 0; i < count; i += 1) {
    const phone = phones[next() % phones.length]!;
    const before = process.resourceUsage();
    const started = performance.now();
    lookup(phone);
    const wall = performance.now() - started;
    const after = process.resourceUsage();
    samples.wall.push(wall);
    samples.cpu.push((after.userCPUTime - before.userCPUTime + after.systemCPUTime - before.systemCPUTime) / 1000);
    samples.preempted.push(after.involuntaryContextSwitches > before.involuntaryContextSwitches);
  }
  // Two reads of /proc/self/io itself are in the count.
  samples.pageReadsPerLookup = (readCalls() - readsBefore - 2) / count;
  return samples;
}

/** Read system calls of this process so far (the kernel's `syscr`), NaN where /proc is missing. */
function readCalls(): number {
  if (!existsSync('/proc/self/io')) return Number.NaN;
  return Number(/^syscr: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? Number.NaN);
}

/** The host's lookup figures: the wall-clock headline, then what separates code from machine. */
function lookupMetrics(host: LookupSamples, raw: LookupSamples): Record<string, Metric> {
  const p99 = percentile(host.wall, 99);
  const unpreempted = host.wall.filter((_, i) => !host.preempted[i]);
  return {
    lookup_p50_ms: { value: round(percentile(host.wall, 50), 4), unit: 'ms', better: 'lower' },
    lookup_p99_ms: { value: round(p99, 4), unit: 'ms', target: 1, better: 'lower' },
    lookup_cpu_p50_ms: { value: round(percentile(host.cpu, 50), 4), unit: 'ms', better: 'lower' },
    lookup_cpu_p99_ms: { value: round(percentile(host.cpu, 99), 4), unit: 'ms', better: 'lower' },
    lookups_preempted_pct: { value: round((100 * (host.wall.length - unpreempted.length)) / host.wall.length, 2), unit: '%', better: 'lower' },
    lookup_p99_unpreempted_ms: { value: round(percentile(unpreempted, 99), 4), unit: 'ms', better: 'lower' },
    lookup_page_reads: { value: round(host.pageReadsPerLookup, 2), unit: 'reads/lookup', better: 'lower' },
    raw_lookup_p50_ms: { value: round(percentile(raw.wall, 50), 4), unit: 'ms', better: 'lower' },
    raw_lookup_p99_ms: { value: round(percentile(raw.wall, 99), 4), unit: 'ms', better: 'lower' },
    lookup_p99_ratio_to_raw: { value: round(p99 / percentile(raw.wall, 99), 1), unit: 'x', better: 'lower' },
  };
}

/**
 * The render part's stack. The desk host runs in a process of its own, as it does in the product
 * (Electron's utility process; `npm start`'s web mode): sharing the central server's event loop,
 * as the end-to-end stack does for convenience, would put the server's work for the same call in
 * front of the lookup.
 */
type RenderStack = {
  page: Page;
  serverUrl: string;
  placeCall(from: string): Promise<{ callSid: string }>;
  waitForAppEvent(name: string, after?: number): Promise<number>;
  appEventCount(name: string): Promise<number>;
  close(): Promise<void>;
};

async function startRenderStack(): Promise<RenderStack> {
  // The render host holds the city too: the server is seeded with the same generated callers and
  // cases as the lookup's cache (on PostgreSQL when one answers), and the host pulls them all.
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdesk311-bench-render-'));
  const usePostgres = await postgresReachable();
  const postgres = benchPostgresSchema();
  const server = await startServer(loadServerConfig({
    FRONTDESK_SERVER_PORT: '0',
    FRONTDESK_DATA_DIR: dataDir,
    FRONTDESK_SEED_CALLERS: String(CALLERS),
    FRONTDESK_SEED_CASES: String(CASES),
    FRONTDESK_LOG_LEVEL: 'warn',
    ...(usePostgres ? { DATABASE_URL: postgres.url, FRONTDESK_DATABASE_SCHEMA: postgres.schema } : {}),
  }));
  const host = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, '../electron/host/web-main.ts')], {
    env: {
      ...process.env,
      FRONTDESK_SERVER_URL: server.url,
      FRONTDESK_HOST_PORT: '0',
      FRONTDESK_DATA_DIR: join(dataDir, 'desk'),
      FRONTDESK_RENDERER_DIR: RENDERER_DIR,
      // Every seeded case stays on the desk, closed ones included: the cache the lookup figure used.
      FRONTDESK_CLOSED_CASE_DAYS: '100000',
      FRONTDESK_PASSWORD: DEMO_SEED_PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const closeAll = async (browser?: Browser) => {
    await browser?.close().catch(() => undefined);
    if (host.exitCode === null) {
      const exited = once(host, 'exit');
      host.kill('SIGTERM');
      await exited;
    }
    await server.close();
    if (usePostgres) await postgres.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const webUrl = await new Promise<string>((resolveUrl, reject) => {
      createInterface({ input: host.stdout! }).on('line', (line) => {
        const match = /desk \(web mode\) at (\S+)/.exec(line);
        if (match) resolveUrl(match[1]!);
      });
      host.once('exit', (code) => reject(new Error(`the desk host exited with code ${code} before it was ready`)));
    });
    const syncStarted = performance.now();
    await syncHostOnce(webUrl);
    console.log(`render host synced ${CALLERS} callers and ${CASES} cases in ${((performance.now() - syncStarted) / 1000).toFixed(1)} s`);
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => console.error('[renderer error]', error.message));
    await page.goto(webUrl);
    const appEventCount = (name: string) =>
      page.evaluate((wanted) => (window as unknown as { __frontdesk?: { events: { name: string }[] } }).__frontdesk?.events.filter((e) => e.name === wanted).length ?? 0, name);
    const stack: RenderStack = {
      page,
      serverUrl: server.url,
      async placeCall(from) {
        const response = await fetch(`${server.url}/sim/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from }) });
        if (!response.ok) throw new Error(`placing a call failed: HTTP ${response.status}`);
        return SimCallResponseSchema.parse(await response.json());
      },
      async waitForAppEvent(name, after = 0) {
        await page.waitForFunction(
          ([wanted, count]) => ((window as unknown as { __frontdesk?: { events: { name: string }[] } }).__frontdesk?.events.filter((e) => e.name === wanted).length ?? 0) > count,
          [name, after] as const,
          // Polled on a timer, not every animation frame: the wait must not add work to the frames it measures.
          { timeout: 20_000, polling: 50 },
        );
        return appEventCount(name);
      },
      appEventCount,
      close: () => closeAll(browser),
    };
    await stack.waitForAppEvent('softphone-registered');
    return stack;
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** One pull through the host's own DeskApi socket, so the demo callers are in its cache. */
async function syncHostOnce(webUrl: string): Promise<void> {
  const socket = new WebSocket(`${webUrl.replace(/^http/, 'ws')}/desk`, { origin: webUrl });
  try {
    await once(socket, 'open');
    // Events (sync status, agent) share the socket: wait for the reply itself.
    const replied = new Promise<void>((resolveReply, reject) => {
      // A first sync of a city's worth of rows takes minutes.
      setTimeout(() => reject(new Error('the desk host did not answer syncNow within 20 minutes')), 1_200_000).unref();
      socket.on('message', (data: Buffer) => {
        const reply = DeskReplyMessageSchema.safeParse(JSON.parse(data.toString('utf8')));
        if (!reply.success) return;
        if (reply.data.ok) resolveReply();
        else reject(new Error(`the desk host could not sync: ${reply.data.error.message}`));
      });
    });
    socket.send(JSON.stringify({ kind: 'call', id: 1, method: 'syncNow', params: {} }));
    await replied;
  } finally {
    socket.close();
  }
}

/** Each call's time from `incoming` to the painted pop, and how many pops a lookup begun before
 * `incoming` (on the host's callChanged) fed. */
async function renderTimes(knownPhones: readonly string[]): Promise<{ times: number[]; earlyLookups: number }> {
  await buildRendererForTests();
  const stack = await startRenderStack();
  const browser = stack.page.context().browser();
  if (TRACE_PATH && browser) {
    await browser.startTracing(stack.page, { path: TRACE_PATH, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'disabled-by-default-v8.cpu_profiler', 'v8.execute'] });
  }
  try {
    const times: number[] = [];
    let earlyLookups = 0;
    for (let i = 0; i < RENDERS; i += 1) {
      const pops = await stack.appEventCount('screen-pop-rendered');
      // Three calls in four from callers the cache knows (spread over the whole list), one from a number it does not.
      const call = await stack.placeCall(i % 4 === 3 ? `+1 267 555 01${String(i % 100).padStart(2, '0')}` : knownPhones[(i * 7_919) % knownPhones.length]!);
      await stack.waitForAppEvent('screen-pop-rendered', pops);
      const render = await stack.page.evaluate(() => {
        const events = (window as unknown as { __frontdesk: { events: { name: string; at: number; detail?: { earlyLookup?: boolean } }[] } }).__frontdesk.events;
        const incoming = events.filter((e) => e.name === 'call-incoming').at(-1)!;
        const painted = events.filter((e) => e.name === 'screen-pop-rendered').at(-1)!;
        return { ms: painted.at - incoming.at, early: painted.detail?.earlyLookup === true };
      });
      times.push(render.ms);
      if (render.early) earlyLookups += 1;
      await fetch(`${stack.serverUrl}/sim/calls/${call.callSid}/hangup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await stack.waitForAppEvent('call-ended', i);
      await stack.page.waitForFunction(() => document.querySelector('[data-testid="call-state"]')?.textContent === 'idle', undefined, { polling: 50 });
    }
    if (TRACE_PATH && browser) await browser.stopTracing();
    return { times, earlyLookups };
  } finally {
    await stack.close();
  }
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk311-bench-'));
  try {
    const cachePath = join(dir, 'desk-cache.sqlite');
    const fillStarted = performance.now();
    const phones = await fillCache(cachePath);
    console.log(`cache filled with ${CALLERS} callers and ${CASES} cases in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s`);
    const db = openCache(cachePath, { key: CACHE_KEY });
    const lookup = createCallerLookup(db);
    timeLookups(phones.slice(0, 1000), (phone) => lookup.lookupCaller(phone), 1000); // warm the page cache
    const loadBefore = loadavg()[0]!;
    const hostTimes = timeLookups(phones, (phone) => lookup.lookupCaller(phone));
    // The 1-minute load average around the lookups: above the core count, lookups wait for a CPU.
    const machineLoad = { load_average_1m: [round(loadBefore, 2), round(loadavg()[0]!, 2)], cache: 'encrypted (ChaCha20-Poly1305), as the host opens it' };
    db.close();
    const rawTimes = rawLookupTimes(dir, phones);
    // BENCH_RENDERS=0 measures the lookup alone (no renderer build, no browser), into a file of its
    // own so a partial run never overwrites the full run's figures.
    if (RENDERS === 0) {
      return writeBenchResult('screen-pop-lookup', { cases: CASES, callers: CALLERS, lookups: LOOKUPS, ...machineLoad }, lookupMetrics(hostTimes, rawTimes));
    }
    const { times: renders, earlyLookups } = await renderTimes(phones);
    return writeBenchResult('screen-pop', {
      cases: CASES,
      callers: CALLERS,
      lookups: LOOKUPS,
      ...machineLoad,
      renders: RENDERS,
      // Where the render part's desk host ran, and what "rendered" means.
      render_host: 'own process (web-main), its cache filled by a first sync of the same generated city',
      render_until: 'painted (animation frame, then the task after it)',
      render_pops_from_early_lookup: earlyLookups,
    }, {
      ...lookupMetrics(hostTimes, rawTimes),
      render_p50_ms: { value: round(percentile(renders, 50), 1), unit: 'ms', target: 16, better: 'lower' },
      render_p99_ms: { value: round(percentile(renders, 99), 1), unit: 'ms', target: 50, better: 'lower' },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
