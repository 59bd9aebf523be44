// screen-pop: how fast the desk host finds a caller by number in a city-sized cache, against the
// raw indexed SQLite lookup measured in the same run; and how fast the renderer paints the pop
// after the softphone's incoming event, in Chromium against a real server and host.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openCache } from '../electron/host/cache/open-cache.js';
import { createCallerLookup } from '../electron/host/callers/lookup.js';
import { applyPullPage } from '../electron/host/sync/apply-pull-page.js';
import { generateDemoData, loadNeighborhoods, loadServiceTypes } from '../server/demo-data/generate.js';
import type { RowChange } from '../shared/sync-protocol.js';
import { SYNC_PROTOCOL_VERSION } from '../shared/sync-protocol.js';
import buildRendererForTests from '../tests/e2e/global-setup.js';
import { startStack } from '../tests/e2e/stack.js';
import { percentile, round, writeBenchResult } from './report.js';

const CALLERS = Number(process.env.BENCH_CALLERS ?? 500_000);
const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const LOOKUPS = 20_000;
const RENDERS = Number(process.env.BENCH_RENDERS ?? 40);

async function fillCache(path: string): Promise<string[]> {
  const db = openCache(path);
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
function rawLookupTimes(dir: string, phones: string[]): number[] {
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

function timeLookups(phones: string[], lookup: (phone: string) => unknown): number[] {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const times: number[] = [];
  for (let i = 0; i < LOOKUPS; i += 1) {
    const phone = phones[next() % phones.length]!;
    const started = performance.now();
    lookup(phone);
    times.push(performance.now() - started);
  }
  return times;
}

async function renderTimes(): Promise<number[]> {
  await buildRendererForTests();
  const stack = await startStack();
  try {
    await stack.waitForAppEvent('softphone-registered');
    await stack.host.syncOnce();
    const times: number[] = [];
    for (let i = 0; i < RENDERS; i += 1) {
      const pops = await stack.appEventCount('screen-pop-rendered');
      const call = await stack.placeCall(i % 4 === 3 ? `+1 267 555 01${String(i % 100).padStart(2, '0')}` : '+1 215 555 0142');
      await stack.waitForAppEvent('screen-pop-rendered', pops);
      times.push(await stack.page.evaluate(() => {
        const events = (window as unknown as { __frontdesk: { events: { name: string; at: number }[] } }).__frontdesk.events;
        const incoming = events.filter((e) => e.name === 'call-incoming').at(-1)!;
        const painted = events.filter((e) => e.name === 'screen-pop-rendered').at(-1)!;
        return painted.at - incoming.at;
      }));
      await fetch(`${stack.server.url}/sim/calls/${call.callSid}/hangup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await stack.waitForAppEvent('call-ended', i);
      await stack.page.waitForFunction(() => document.querySelector('[data-testid="call-state"]')?.textContent === 'idle');
    }
    return times;
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
    const db = openCache(cachePath);
    const lookup = createCallerLookup(db);
    timeLookups(phones.slice(0, 1000), (phone) => lookup.lookupCaller(phone)); // warm the page cache
    const hostTimes = timeLookups(phones, (phone) => lookup.lookupCaller(phone));
    db.close();
    const rawTimes = rawLookupTimes(dir, phones);
    const renders = await renderTimes();
    const p50 = percentile(hostTimes, 50);
    const p99 = percentile(hostTimes, 99);
    return writeBenchResult('screen-pop', { cases: CASES, callers: CALLERS, lookups: LOOKUPS, renders: RENDERS }, {
      lookup_p50_ms: { value: round(p50, 4), unit: 'ms', better: 'lower' },
      lookup_p99_ms: { value: round(p99, 4), unit: 'ms', target: 1, better: 'lower' },
      raw_lookup_p50_ms: { value: round(percentile(rawTimes, 50), 4), unit: 'ms', better: 'lower' },
      raw_lookup_p99_ms: { value: round(percentile(rawTimes, 99), 4), unit: 'ms', better: 'lower' },
      lookup_p99_ratio_to_raw: { value: round(p99 / percentile(rawTimes, 99), 1), unit: 'x', better: 'lower' },
      render_p50_ms: { value: round(percentile(renders, 50), 1), unit: 'ms', better: 'lower' },
      render_p99_ms: { value: round(percentile(renders, 99), 1), unit: 'ms', target: 50, better: 'lower' },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
