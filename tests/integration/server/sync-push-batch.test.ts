// The batched push path: a run of mutations shares one transaction, reads prefetched and writes
// flushed per entity. What it must keep from one-at-a-time processing: gap-free versions in
// order, merged edits of a case made in the same run, and a row the database refuses rejecting
// only its own mutation (the run is redone one savepoint at a time).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestServer, storeTargets, type TestServer } from './helpers.js';
import { caseArgs, DeskClient, uuid } from './sync-helpers.js';

describe.each(storeTargets())('batched sync push on $kind', (target) => {
  let test: TestServer;
  let token: string;
  let serviceType: string;

  const versionsSince = async (after: number): Promise<number[]> =>
    (await test.server.store.query<{ version: number }>('SELECT version FROM change_log WHERE version > $1 ORDER BY version', [after]))
      .map((row) => row.version);
  const head = async (): Promise<number> =>
    (await test.server.store.query<{ v: number }>('SELECT COALESCE(MAX(version), 0)::int8 AS v FROM change_log'))[0]?.v ?? 0;

  beforeAll(async () => {
    test = await startTestServer(target, { seed: { callers: 3, cases: 3 } });
    token = await signIn(test.url, 'demo-calltaker');
    serviceType = (await test.server.store.query<{ code: string }>('SELECT code FROM service_types WHERE active ORDER BY code LIMIT 1'))[0]!.code;
  });
  afterAll(async () => {
    await test?.dispose();
  });

  it('gives a run gap-free versions and merges edits of a case created in the same run', async () => {
    const client = new DeskClient(test.url, token);
    const before = await head();
    const created = client.make('createCase', caseArgs(serviceType));
    const caseId = (created.args as { id: string }).id;
    const { results } = await client.push([
      created,
      client.make('editCase', { caseId, changes: { description: 'Two lights out on the block.' }, baseVersions: { description: 0 } }),
      client.make('addNote', { id: uuid(), caseId, text: 'Caller will call back.' }),
      client.make('changeStatus', { caseId, status: 'in_progress', baseVersion: 0 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    // Own earlier edits are not conflicts, even against base version 0.
    expect(results.flatMap((r) => (r.status === 'applied' ? r.conflictIds : []))).toEqual([]);
    const versions = await versionsSince(before);
    expect(versions).toEqual([before + 1, before + 2, before + 3, before + 4]);
    const [row] = await test.server.store.query<{ description: string; status: string; field_versions: Record<string, number> }>(
      'SELECT description, status, field_versions FROM service_requests WHERE id = $1', [caseId],
    );
    expect(row).toMatchObject({ description: 'Two lights out on the block.', status: 'in_progress' });
    expect(row?.field_versions.description).toBe(before + 2);
    expect(row?.field_versions.status).toBe(before + 4);
    // The next writer continues right after the run's last version.
    await client.push([client.make('addNote', { id: uuid(), caseId, text: 'Crew on site.' })]);
    expect(await versionsSince(before + 4)).toEqual([before + 5]);
  });

  it('rejects only the mutation whose row the database refuses, and applies the rest once', async () => {
    const client = new DeskClient(test.url, token);
    const good = client.make('createCase', caseArgs(serviceType));
    const goodId = (good.args as { id: string }).id;
    // PostgreSQL text cannot hold NUL: the batch's write fails and the run is redone one by one.
    const refused = client.make('createCase', caseArgs(serviceType, { description: 'Bad \u0000 byte' }));
    const note = client.make('addNote', { id: uuid(), caseId: goodId, text: 'After the refused one.' });
    const first = await client.push([good, refused, note]);
    expect(first.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'applied']);
    expect(first.results[1]).toMatchObject({ status: 'rejected', error: { code: 'INVALID_INPUT' } });
    expect(first.lastMutationId).toBe(3);
    expect(await client.push([good, refused, note])).toEqual(first);
    const [counts] = await test.server.store.query<{ cases: number; notes: number }>(
      `SELECT (SELECT count(*) FROM service_requests WHERE id = $1)::int8 AS cases,
              (SELECT count(*) FROM case_notes WHERE case_id = $1)::int8 AS notes`,
      [goodId],
    );
    expect(counts).toEqual({ cases: 1, notes: 1 });
  });
});
