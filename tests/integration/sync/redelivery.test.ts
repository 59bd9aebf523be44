// Duplicated and reordered deliveries between a desk and the server: a push held back while the
// desk retries it and then landing after the retry, every push delivered twice, and pulls answered
// with stale earlier responses, while a second desk edits the same cases. Both desks and the server
// must converge, with every mutation applied exactly once and every late copy answered from the
// server's record rather than applied again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from '../../fixtures/host/keyed-database.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../../electron/host/host.js';
import { ServerConfigSchema, startServer, type RunningServer } from '../../../server/app.js';
import type { SyncStatus } from '../../../shared/desk-api.js';
import { PushRequestSchema, PushResponseSchema } from '../../../shared/sync-protocol.js';
import { startHttpLine, type HttpLine, type LateDelivery } from '../../fixtures/http-line.js';
import { expectDeskMatchesServer, expectProcessedExactlyOnce, lastIssuedMutationId } from './sync-checks.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';

let dir: string;
let server: RunningServer;
let line: HttpLine;
const hosts: RunningHost[] = [];

async function desk(name: string, serverUrl: string): Promise<RunningHost> {
  const host = await startHost({
    serverUrl, dataDir: path.join(dir, name), agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD, clientId: `redelivery-${name}`,
    pokes: false, pullIntervalMs: 60_000, closedCaseDays: 36_500, pullPageSize: 7, log: () => undefined,
  });
  hosts.push(host);
  return host;
}

async function synced(host: RunningHost): Promise<SyncStatus> {
  for (let attempt = 0; attempt < 30; attempt += 1) {
    const status = await host.syncOnce();
    if (status.connection === 'online' && status.pendingMutations === 0 && status.cursor >= status.headVersion) return status;
  }
  throw new Error('the desk did not settle');
}

function openCases(cachePath: string): string[] {
  const db = new Database(cachePath, { readonly: true });
  try {
    return db.prepare("SELECT id FROM service_requests WHERE status != 'closed' ORDER BY id").pluck().all() as string[];
  } finally {
    db.close();
  }
}

/** A copy of a push that landed after the original was answered from the server's record: a
 * result for each of its mutations, each as applied (none refused as out of order or twice). */
function expectAnsweredFromRecord(copy: LateDelivery): void {
  expect(copy.status).toBe(200);
  const ids = PushRequestSchema.parse(JSON.parse(copy.body)).mutations.map((mutation) => mutation.id);
  expect(ids.length).toBeGreaterThan(0);
  const results = PushResponseSchema.parse(JSON.parse(copy.response)).results;
  expect(results.map((result) => [result.id, result.status])).toEqual(ids.map((id) => [id, 'applied']));
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fd311-redelivery-'));
  server = await startServer(ServerConfigSchema.parse({
    host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'server'), logLevel: 'silent', seed: { callers: 8, cases: 12 },
  }));
  line = await startHttpLine(server.url);
}, 60_000);

afterAll(async () => {
  for (const host of hosts.splice(0)) await host.close().catch(() => undefined);
  await line?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('duplicated and reordered deliveries', () => {
  it('a desk behind a line that delivers pushes late and twice, and pulls stale, converges: each mutation applied once', async () => {
    const flaky = await desk('flaky', line.url);
    const other = await desk('other', server.url);
    await synced(flaky);
    await synced(other);
    const cases = openCases(flaky.cachePath).slice(0, 3);
    expect(cases).toHaveLength(3);
    const [type] = await flaky.desk.listServiceTypes({});
    const notes: string[] = [];
    const late: LateDelivery[] = [];
    const retried: LateDelivery[] = [];

    for (let round = 0; round < 6; round += 1) {
      // Offline while the agent works, so the desk's own background syncs cannot push early.
      line.offline = true;
      for (let i = 0; i < 5; i += 1) {
        const text = `redelivery round ${round} note ${i}`;
        notes.push(text);
        await flaky.desk.addCaseNote({ caseId: cases[i % cases.length]!, text });
      }
      await flaky.desk.editCase({ caseId: cases[round % cases.length]!, changes: { description: `flaky edit ${round}` } });
      if (round % 2 === 0) {
        await flaky.desk.createCase({ callerId: null, serviceTypeCode: type!.code, description: `made on the flaky line ${round}`, address: `${round} Market St`, lat: null, lon: null });
      }
      // The other desk moves the same cases, so stale pulls have something newer to hide.
      await other.desk.editCase({ caseId: cases[(round + 1) % cases.length]!, changes: { address: `${100 + round} Other St` } });
      await other.desk.addCaseNote({ caseId: cases[round % cases.length]!, text: `other desk note ${round}` });
      await synced(other);

      line.duplicatePushes = round % 3 !== 2;
      line.replayStalePulls = round % 2 === 1;
      // The first attempt is held back and its connection dropped: the desk retries the same push...
      line.holdNextPush();
      line.offline = false;
      const duplicatesBefore = line.duplicates.length;
      await synced(flaky);
      expect(line.heldCount).toBe(round + 1);
      retried.push(...line.duplicates.slice(duplicatesBefore));
      // ...and the first attempt lands after the retry.
      late.push(...(await line.deliverHeld()));
      await flaky.syncOnce();
    }
    line.duplicatePushes = false;
    line.replayStalePulls = false;
    await synced(flaky);
    await synced(other);
    await synced(flaky);

    // The line did what it says: late first attempts, duplicated pushes, stale pulls.
    expect(late.length).toBe(6);
    expect(line.duplicates.length).toBeGreaterThanOrEqual(4);
    expect(retried.length).toBeGreaterThanOrEqual(4);
    expect(line.stalePullsServed).toBeGreaterThan(0);
    for (const copy of [...late, ...line.duplicates]) expectAnsweredFromRecord(copy);

    const store = server.store;
    const flakyProcessed = await expectProcessedExactlyOnce(store, 'redelivery-flaky', lastIssuedMutationId(flaky.cachePath));
    expect(flakyProcessed.rejected).toEqual([]);
    expect(flakyProcessed.applied).toBe(6 * 6 + 3);
    await expectProcessedExactlyOnce(store, 'redelivery-other', lastIssuedMutationId(other.cachePath));
    const counted = await store.query<{ text: string; n: number }>(
      'SELECT text, count(*)::int AS n FROM case_notes WHERE text = ANY($1::text[]) GROUP BY text', [notes],
    );
    expect(counted.length, 'notes that reached the server (0 lost)').toBe(notes.length);
    expect(counted.filter((row) => Number(row.n) !== 1), 'notes written more than once (0 duplicated)').toEqual([]);
    await expectDeskMatchesServer('flaky desk', flaky.desk, flaky.cachePath, store);
    await expectDeskMatchesServer('other desk', other.desk, other.cachePath, store);
  }, 120_000);
});
