// Views of residents' records on a desk host with a real SQLite cache: screen pops, opened cases
// and case searches are noted in memory (the lookup writes nothing), written to the outbox as one
// recordViews mutation a moment later, kept out of the agent's outbox panel and counts, carried
// over a restart and pushed like any other mutation.
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type HostOptions, type RunningHost } from '../../fixtures/host/desk-host.js';
import KeyedDatabase from '../../fixtures/host/keyed-database.js';
import { ManualTimers } from '../../fixtures/host/manual-timers.js';
import { FLUSH_AFTER_MS, REPEAT_WINDOW_MS } from '../../../electron/host/audit/view-log.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';
import type { RecordView } from '../../../shared/mutations.js';
import { cityChangeLog, HOUSEHOLD_PHONE, serviceRequests, uuid } from '../../fixtures/host/city-data.js';
import { startFakeCentralServer, type FakeCentralServer } from '../../fixtures/host/fake-central-server.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';

const running: { hosts: RunningHost[]; servers: FakeCentralServer[] } = { hosts: [], servers: [] };

afterEach(async () => {
  for (const host of running.hosts.splice(0)) await host.close();
  for (const server of running.servers.splice(0)) await server.stop();
  removeTempDirs();
});

interface OutboxRow {
  mutation_id: number;
  name: string;
  args: string;
  state: string;
}

/** The outbox as it is on disk, read through a second connection. */
function outboxOnDisk(cachePath: string): OutboxRow[] {
  const db = new KeyedDatabase(cachePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT mutation_id, name, args, state FROM outbox ORDER BY mutation_id').all() as OutboxRow[];
  } finally {
    db.close();
  }
}

const viewsIn = (rows: readonly OutboxRow[]): RecordView[] =>
  rows.filter((row) => row.name === 'recordViews').flatMap((row) => (JSON.parse(row.args) as { views: RecordView[] }).views);

async function setUp(extra: Partial<HostOptions> = {}) {
  const server = await startFakeCentralServer(cityChangeLog(), 50);
  running.servers.push(server);
  const timers = new ManualTimers();
  const dataDir = makeTempDir('views');
  const start = async () => {
    const host = await startHost({
      serverUrl: server.url, dataDir, agentId: 'demo-calltaker', pullIntervalMs: 60_000, closedCaseDays: 36_500, pokes: false,
      timers, password: DEMO_SEED_PASSWORD, log: () => undefined, ...extra,
    });
    running.hosts.push(host);
    return host;
  };
  const host = await start();
  await host.syncOnce();
  return { server, timers, host, start };
}

const maria = uuid(1);
const jose = uuid(2);
const danasOpenCase = uuid(104);

describe('record views on the desk', () => {
  it('notes each caller a screen pop shows without writing, and writes them to the outbox a moment later', async () => {
    const { server, host, timers } = await setUp();
    // Offline, so no push takes the views away while the clock moves.
    await server.stop();
    const pop = await host.desk.lookupCaller({ phone: HOUSEHOLD_PHONE });
    expect(pop.matches.map((match) => match.caller.id).sort()).toEqual([maria, jose].sort());
    // The lookup returned without a write: the views are still in memory.
    expect(outboxOnDisk(host.cachePath)).toEqual([]);

    await timers.advance(FLUSH_AFTER_MS);
    const rows = outboxOnDisk(host.cachePath);
    expect(rows.map((row) => [row.name, row.state])).toEqual([['recordViews', 'pending']]);
    const popAt = new Date(timers.now().getTime() - FLUSH_AFTER_MS).toISOString();
    expect(viewsIn(rows)).toEqual(pop.matches.map((match) => ({
      entity: 'caller', id: match.caller.id, context: 'screen_pop', at: popAt, nearbyCaseIds: match.openNearby.map((c) => c.id),
    })));
    // Dana's open case ≈110 m away was shown beside the household's records.
    expect(viewsIn(rows)[0]).toMatchObject({ nearbyCaseIds: expect.arrayContaining([danasOpenCase]) });

    // Not the agent's work: neither the outbox panel nor the status bar's counts show it.
    expect(await host.desk.listOutbox({})).toEqual([]);
    await host.desk.changeCaseStatus({ caseId: uuid(102), status: 'in_progress' });
    expect((await host.desk.listOutbox({})).map((entry) => entry.name)).toEqual(['changeStatus']);
    expect(await host.desk.getSyncStatus({})).toMatchObject({ pendingMutations: 1, rejectedMutations: 0 });

    // A number nobody has shows no one, and records nothing.
    expect((await host.desk.lookupCaller({ phone: '+12155559999' })).matches).toEqual([]);
    await timers.advance(FLUSH_AFTER_MS);
    expect(viewsIn(outboxOnDisk(host.cachePath))).toHaveLength(2);
  });

  it('records opening a case and each search, once per repeat window, and keeps a search\'s words out', async () => {
    const { server, host, timers } = await setUp();
    await server.stop();
    const caseId = uuid(102);
    await host.desk.getCase({ caseId });
    await host.desk.getCase({ caseId });
    const byReference = await host.desk.searchCases({ query: ` ${serviceRequests[3]!.reference} ` });
    const byWords = await host.desk.searchCases({ query: 'Girard' });
    await host.desk.searchCases({ query: '   ' });
    await expect(host.desk.getCase({ caseId: uuid(999) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(outboxOnDisk(host.cachePath)).toEqual([]);

    await timers.advance(FLUSH_AFTER_MS);
    const firstAt = new Date(timers.now().getTime() - FLUSH_AFTER_MS).toISOString();
    expect(viewsIn(outboxOnDisk(host.cachePath))).toEqual([
      { entity: 'case', id: caseId, context: 'case_detail', at: firstAt },
      {
        entity: 'case_search', context: 'case_search', at: firstAt, reference: serviceRequests[3]!.reference,
        resultCount: 1, caseIds: byReference.map((c) => c.id),
      },
      { entity: 'case_search', context: 'case_search', at: firstAt, reference: null, resultCount: byWords.length, caseIds: byWords.map((c) => c.id) },
    ]);
    expect(byWords.length).toBeGreaterThan(1);
    expect(outboxOnDisk(host.cachePath).some((row) => row.args.includes('Girard'))).toBe(false);

    // Re-reads within the window (the renderer refreshing what it shows) are not new views; later ones are.
    await timers.advance(REPEAT_WINDOW_MS - FLUSH_AFTER_MS - 1);
    await host.desk.getCase({ caseId });
    await timers.advance(1);
    await host.desk.getCase({ caseId });
    await timers.advance(FLUSH_AFTER_MS);
    expect(viewsIn(outboxOnDisk(host.cachePath)).filter((view) => view.entity === 'case')).toHaveLength(2);
  });

  it('keeps written views over a restart, writes buffered ones on close, and pushes them in order', async () => {
    const { server, host, timers, start } = await setUp();
    await server.stop();
    const pop = await host.desk.lookupCaller({ phone: HOUSEHOLD_PHONE });
    await timers.advance(FLUSH_AFTER_MS);
    await host.desk.changeCaseStatus({ caseId: uuid(102), status: 'in_progress' });
    await host.desk.getCase({ caseId: uuid(102) });
    // Offline: nothing goes out, the status counts only the agent's change.
    expect(await host.syncOnce()).toMatchObject({ connection: 'offline', pendingMutations: 1 });
    await host.close();
    running.hosts.splice(running.hosts.indexOf(host), 1);
    // The view noted just before the close was written by it.
    expect(outboxOnDisk(host.cachePath).map((row) => [row.mutation_id, row.name])).toEqual([
      [1, 'recordViews'], [2, 'changeStatus'], [3, 'recordViews'],
    ]);

    await server.restart();
    const again = await start();
    expect(await again.desk.listOutbox({})).toHaveLength(1);
    expect(await again.syncOnce()).toMatchObject({ connection: 'online', pendingMutations: 0, rejectedMutations: 0 });
    expect(server.pushes.flatMap((push) => push.mutations.map((m) => [m.id, m.name]))).toEqual([
      [1, 'recordViews'], [2, 'changeStatus'], [3, 'recordViews'],
    ]);
    const pushedViews = server.pushes.flatMap((push) => push.mutations).flatMap((m) => (m.name === 'recordViews' ? m.args.views : []));
    expect(pushedViews.map((view) => [view.entity, 'id' in view ? view.id : null])).toEqual([
      ...pop.matches.map((match) => ['caller', match.caller.id]), ['case', uuid(102)],
    ]);
    // Confirmed by the pull: gone from the outbox.
    expect(outboxOnDisk(again.cachePath)).toEqual([]);
  });

  it('sends buffered views with the next push, and drops a refused batch instead of showing it', async () => {
    const { server, host } = await setUp();
    server.onPush = (push) => push.mutations.map((m) => ({ id: m.id, status: 'rejected', error: { code: 'FORBIDDEN', message: 'refused' } }));
    await host.desk.getCase({ caseId: uuid(103) });
    const shownToAgent: unknown[] = [];
    host.desk.on('mutationResults', (results) => shownToAgent.push(results));
    // No timer has fired: the push itself took the views along.
    const status = await host.syncOnce();
    // The refusal of a background batch is not the agent's to read: no toast pointing at an empty outbox.
    expect(shownToAgent).toEqual([]);
    expect(server.pushes.at(-1)?.mutations.map((m) => m.name)).toEqual(['recordViews']);
    expect(status).toMatchObject({ pendingMutations: 0, rejectedMutations: 0 });
    expect(await host.desk.listOutbox({})).toEqual([]);
    expect(outboxOnDisk(host.cachePath)).toEqual([]);
  });
});
