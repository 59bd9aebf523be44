// Triage protocols on the server: the starter set seeded and logged for desks, publishing a new
// version (validated alone and as part of the set), versions immutable, the route's roles, and
// the report figures on 911 transfers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../server/store/migrate.js';
import { seedReferenceData } from '../../../server/store/seed.js';
import type { Store } from '../../../server/store/store.js';
import { listPublishedProtocols, ProtocolRejected, publishProtocol } from '../../../server/triage/protocols.js';
import { triageReport } from '../../../server/triage/report.js';
import type { TriageProtocolDocument } from '../../../shared/triage/protocol.js';
import { STARTER_PROTOCOLS } from '../../../shared/triage/starter/index.js';
import { openScratchStore, postJson, signIn, startTestServer, storeTargets, type ScratchStore, type TestServer } from './helpers.js';

function starter(id: string): TriageProtocolDocument {
  const found = STARTER_PROTOCOLS.find((protocol) => protocol.id === id);
  if (!found) throw new Error(`no starter protocol ${id}`);
  return structuredClone(found);
}

async function rejection(promise: Promise<unknown>): Promise<ProtocolRejected> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProtocolRejected) return error;
    throw error;
  }
  throw new Error('expected the publication to be refused');
}

describe.each(storeTargets())('triage protocols on $kind', (target) => {
  let scratch: ScratchStore;
  let store: Store;

  beforeEach(async () => {
    scratch = await openScratchStore(target);
    store = scratch.store;
    await migrate(store);
    await seedReferenceData(store);
  });
  afterEach(async () => {
    await scratch.dispose();
  });

  it('seeds the starter set once, as version 1 of each protocol, logged for desks', async () => {
    await seedReferenceData(store);
    const published = await listPublishedProtocols(store);
    expect(published.map((entry) => entry.key).sort()).toEqual(STARTER_PROTOCOLS.map((protocol) => `${protocol.id}@1`).sort());
    const logged = await store.query<{ entity_id: string }>("SELECT entity_id FROM change_log WHERE entity = 'triage_protocol'");
    expect(logged.map((row) => row.entity_id).sort()).toEqual(published.map((entry) => entry.key).sort());
  });

  it('publishes the next version, keeps the old one, and logs only the new one', async () => {
    const noise = starter('noise');
    noise.version = 2;
    noise.title = 'Noise (revised)';
    const entry = await publishProtocol(store, { document: noise, effectiveFrom: null, publishedBy: 'demo-lead' });
    expect(entry).toMatchObject({ key: 'noise@2', version: 2, title: 'Noise (revised)', publishedBy: 'demo-lead' });
    const versions = (await listPublishedProtocols(store)).filter((p) => p.id === 'noise').map((p) => p.version);
    expect(versions).toEqual([1, 2]);
    const [logged] = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM change_log WHERE entity_id = 'noise@2'");
    expect(logged?.n).toBe(1);
  });

  it('refuses a version that is not the next one', async () => {
    const noise = starter('noise');
    noise.version = 3;
    const refused = await rejection(publishProtocol(store, { document: noise, effectiveFrom: null, publishedBy: 'demo-lead' }));
    expect(refused.errors).toEqual([expect.objectContaining({ code: 'VERSION_NOT_NEXT', protocolId: 'noise' })]);
  });

  it('refuses a broken document naming the node, and stores nothing', async () => {
    const noise = starter('noise');
    noise.version = 2;
    const source = noise.nodes.find((node) => node.id === 'source') as { options: Array<{ next: string }> };
    source.options[0]!.next = 'nowhere';
    const refused = await rejection(publishProtocol(store, { document: noise, effectiveFrom: null, publishedBy: 'demo-lead' }));
    expect(refused.errors).toContainEqual(expect.objectContaining({ code: 'UNKNOWN_NODE', nodeId: 'source' }));
    expect((await listPublishedProtocols(store)).some((p) => p.key === 'noise@2')).toBe(false);
  });

  it('refuses a version that would break the set (a continue to a protocol that does not exist)', async () => {
    const chooser = starter('topic-chooser');
    chooser.version = 2;
    const link = chooser.nodes.find((node) => node.kind === 'continue') as { protocolId: string; id: string };
    link.protocolId = 'no-such-protocol';
    const refused = await rejection(publishProtocol(store, { document: chooser, effectiveFrom: null, publishedBy: 'demo-lead' }));
    expect(refused.errors).toContainEqual(expect.objectContaining({ code: 'UNKNOWN_PROTOCOL', nodeId: link.id }));
  });

  it('never changes a published version', async () => {
    await expect(store.query("UPDATE triage_protocols SET title = 'changed' WHERE key = 'noise@1'")).rejects.toThrow(/immutable/);
    await expect(store.query("DELETE FROM triage_protocols WHERE key = 'noise@1'")).rejects.toThrow(/immutable/);
  });

  it('counts transferred calls resolved by 311 and returned to 911, and the median triage time per protocol', async () => {
    const insert = (id: string, protocols: string[], outcome: string, escalated: boolean, elapsedMs: number) =>
      store.query(
        `INSERT INTO triage_records (id, case_id, call_id, call_taker_id, outcome_kind, determinant, escalated, started_at, elapsed_ms, record, created_at)
         VALUES ($1, NULL, NULL, 'demo-triage', $2, NULL, $3, '2026-12-01T10:00:00Z', $4, $5::jsonb, now())`,
        [id, outcome, escalated, elapsedMs, JSON.stringify({ protocols: protocols.map((p) => ({ id: p, version: 1 })) })],
      );
    await insert('00000000-0000-7000-8000-000000000001', ['safety-screen'], 'return_to_911', false, 20_000);
    await insert('00000000-0000-7000-8000-000000000002', ['safety-screen', 'topic-chooser', 'noise'], 'service_request', false, 60_000);
    await insert('00000000-0000-7000-8000-000000000003', ['safety-screen', 'topic-chooser', 'noise'], 'police_report', false, 100_000);
    await insert('00000000-0000-7000-8000-000000000004', ['safety-screen', 'topic-chooser', 'noise'], 'return_to_911', true, 30_000);
    const report = await triageReport(store, { from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' });
    expect(report).toMatchObject({ runs: 4, resolvedBy311: 2, returnedTo911: 2 });
    expect(report.byProtocol).toEqual([
      { protocolId: 'noise', runs: 3, medianSeconds: 60 },
      { protocolId: 'safety-screen', runs: 1, medianSeconds: 20 },
    ]);
    const empty = await triageReport(store, { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' });
    expect(empty).toMatchObject({ runs: 0, resolvedBy311: 0, returnedTo911: 0, byProtocol: [] });
  });
});

describe.each(storeTargets())('triage routes on $kind', (target) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(target);
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('lets every agent read the protocols and only team leads publish', async () => {
    const callTaker = await signIn(server.url, 'demo-calltaker');
    const lead = await signIn(server.url, 'demo-lead');
    const list = await fetch(`${server.url}/triage/protocols`, { headers: { authorization: `Bearer ${callTaker}` } });
    expect(list.status).toBe(200);
    expect(((await list.json()) as unknown[]).length).toBe(STARTER_PROTOCOLS.length);

    const animal = starter('animal');
    animal.version = 2;
    const refused = await postJson(`${server.url}/triage/protocols`, { document: animal }, callTaker);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');

    const published = await postJson(`${server.url}/triage/protocols`, { document: animal }, lead);
    expect(published.status).toBe(200);
    expect(await published.json()).toMatchObject({ key: 'animal@2', publishedBy: 'demo-lead' });

    const again = await postJson(`${server.url}/triage/protocols`, { document: animal }, lead);
    expect(again.status).toBe(422);
    const body = (await again.json()) as { error: { code: string; details: Array<{ code: string }> } };
    expect(body.error.code).toBe('PROTOCOL_INVALID');
    expect(body.error.details[0]?.code).toBe('VERSION_NOT_NEXT');
  });
});
