// POST /sync/snapshot on each store over real HTTP: each entity's current rows in key order, each
// exactly the change that last wrote it, pages chained by nextAfterId, the head read before the
// rows so that a pull from it brings whatever was written meanwhile, and clear refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowChange } from '../../../shared/sync-protocol.js';
import { signIn, startTestServer, storeTargets, type TestServer } from './helpers.js';
import { caseArgs, DeskClient, uuid } from './sync-helpers.js';

/** The newest put of each (entity, id) in a list of changes, keyed "entity id". */
function newestOf(changes: readonly RowChange[]): Map<string, RowChange> {
  const newest = new Map<string, RowChange>();
  for (const change of changes) {
    const key = `${change.entity} ${change.id}`;
    if ((newest.get(key)?.version ?? 0) < change.version) newest.set(key, change);
  }
  return newest;
}

describe.each(storeTargets())('sync snapshot on $kind', (target) => {
  let test: TestServer;
  let calltaker: string;
  let serviceType: string;
  const desk = () => new DeskClient(test.url, calltaker);

  beforeAll(async () => {
    test = await startTestServer(target, { seed: { callers: 25, cases: 40 } });
    calltaker = await signIn(test.url, 'demo-calltaker');
    serviceType = (await test.server.store.query<{ code: string }>('SELECT code FROM service_types WHERE active ORDER BY code LIMIT 1'))[0]!.code;
    // Rows with more than one version, and a note: the snapshot must hand out the newest of each.
    const writer = desk();
    const made = writer.make('createCase', caseArgs(serviceType));
    const caseId = (made.args as { id: string }).id;
    await writer.push([made]);
    const [versions] = await test.server.store.query<{ v: string }>(`SELECT field_versions->>'description' AS v FROM service_requests WHERE id = $1`, [caseId]);
    const edited = await writer.push([
      writer.make('editCase', { caseId, changes: { description: 'Edited once.' }, baseVersions: { description: Number(versions?.v) } }),
      writer.make('addNote', { id: uuid(), caseId, text: 'A note.' }),
    ]);
    expect(edited.results.map((result) => result.status)).toEqual(['applied', 'applied']);
  });
  afterAll(async () => {
    await test?.dispose();
  });

  it('hands out each row once, as the change that last wrote it, entity by entity in key order', async () => {
    const client = desk();
    const everything = await client.pull(0);
    expect(everything.hasMore).toBe(false);
    const { changes, pages, asOf } = await client.snapshotAll(7);

    expect(asOf).toBe(everything.headVersion);
    const newest = newestOf(everything.changes);
    expect(changes).toHaveLength(newest.size);
    expect(newestOf(changes)).toEqual(newest);
    // Some rows were written more than once, so the snapshot is shorter than the log.
    expect(changes.length).toBeLessThan(everything.changes.length);
    for (const entity of ['caller', 'service_request', 'case_note'] as const) {
      const ids = changes.filter((change) => change.entity === entity).map((change) => change.id);
      expect(ids.length, entity).toBeGreaterThan(0);
      expect(ids, `${entity} in key order`).toEqual([...ids].sort());
    }
    // Full pages chain to the next by the last id; each entity ends with a page that says so.
    for (const [i, page] of pages.entries()) {
      if (page.nextAfterId === null) continue;
      expect(page.changes).toHaveLength(7);
      expect(page.nextAfterId).toBe(page.changes.at(-1)?.id);
      expect(pages[i + 1]?.entity).toBe(page.entity);
    }
    expect(pages.every((page) => page.changes.every((change) => change.op === 'put' && change.entity === page.entity))).toBe(true);
    // The first page counts what the whole snapshot brings, for the desk's progress bar; no other page does.
    expect(pages[0]?.totalRows).toBe(changes.length);
    expect(pages.slice(1).every((page) => page.totalRows === null)).toBe(true);
  });

  it('reads the head before the rows: a pull from the first page\'s head brings what was written meanwhile', async () => {
    const client = desk();
    const writer = desk();
    const callers = await test.server.store.query<{ id: string }>('SELECT id::text AS id FROM callers ORDER BY id');
    const [first, last] = [callers[0]!.id, callers.at(-1)!.id];
    const cases = await test.server.store.query<{ id: string; v: string }>(
      `SELECT id::text AS id, field_versions->>'description' AS v FROM service_requests ORDER BY id LIMIT 1`);
    let wrote = false;
    // Once the first page of cases is out: an edit of the first case (already sent) and two new
    // cases land. Snapshot plus a pull from its first head must give the log's newest state.
    const snapshot = await client.snapshotAll(10, async (pagesSoFar) => {
      if (wrote || pagesSoFar.at(-1)?.entity !== 'service_request') return;
      wrote = true;
      const result = await writer.push([
        writer.make('editCase', { caseId: cases[0]!.id, changes: { description: 'Edited during the snapshot.' }, baseVersions: { description: Number(cases[0]!.v) } }),
        writer.make('createCase', caseArgs(serviceType, { callerId: first })),
        writer.make('createCase', caseArgs(serviceType, { callerId: last })),
      ]);
      expect(result.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    });
    expect(wrote).toBe(true);
    const sentBefore = snapshot.changes.find((change) => change.entity === 'service_request' && change.id === cases[0]!.id);
    expect(sentBefore, 'the first case went out before its edit').toMatchObject({ row: { description: expect.not.stringContaining('during the snapshot') } });
    const { changes: since } = await client.pull(snapshot.asOf);
    const held = newestOf([...snapshot.changes, ...since]);
    expect(since.length).toBeGreaterThanOrEqual(3);
    expect(held).toEqual(newestOf((await client.pull(0)).changes));
    const editedCase = [...held.values()].find((change) => change.op === 'put' && change.entity === 'service_request' && change.id === cases[0]!.id);
    expect(editedCase).toMatchObject({ row: { description: 'Edited during the snapshot.' } });
  });

  it('refuses a bad request clearly and answers nothing of it', async () => {
    const client = desk();
    const refused = async (body: Record<string, unknown>) => {
      const response = await client.snapshotRaw(body);
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    };
    expect(await refused({ entity: 'caller', afterId: 'not-a-uuid', limit: 10 })).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT', message: expect.stringContaining('UUID') } } });
    expect(await refused({ entity: 'residents', afterId: null })).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect(await refused({ entity: 'caller', afterId: null, limit: 0 })).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect(await refused({ entity: 'caller', afterId: null, protocolVersion: 99 })).toMatchObject({ status: 400, body: { error: { code: 'SYNC_PROTOCOL_MISMATCH' } } });
    const anonymous = await new DeskClient(test.url, '').snapshotRaw({ entity: 'caller', afterId: null });
    expect(anonymous.status).toBe(401);
    // A text key takes any text: past the last service type there is nothing.
    const pastEnd = await client.snapshot('service_type', '\u{10FFFF}');
    expect(pastEnd).toMatchObject({ changes: [], nextAfterId: null });
  });
});
