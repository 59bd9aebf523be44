// Property: desks that edit offline, sync in any order (some answers cut off, so pushes are
// resent) and see the server restart under them end up holding exactly the server's cases, notes
// and conflicts, every mutation processed once (ids 1..N, no gap, no double), rejections visible.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../../electron/host/host.js';
import { ServerConfigSchema, startServer, type RunningServer, type ServerConfig } from '../../../server/app.js';
import { dropPgSchema } from '../../../server/store/pg-store.js';
import { DeskFailure } from '../../../shared/errors.js';
import { startTcpProxy, type TcpProxy } from '../../fixtures/tcp-proxy.js';
import { expectDeskMatchesServer, expectProcessedExactlyOnce, headVersion, lastIssuedMutationId } from './sync-checks.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';

const AGENTS = ['demo-calltaker', 'demo-triage', 'demo-calltaker'] as const;
const STATUSES = ['open', 'in_progress', 'closed'] as const;
const postgresUrl = process.env.TEST_DATABASE_URL;
// More runs for a bug hunt: SYNC_PROPERTY_RUNS=100.
const RUNS = Number(process.env.SYNC_PROPERTY_RUNS ?? 10);
if (!postgresUrl) console.info('sync property test: TEST_DATABASE_URL is not set, so it runs against PGlite only (not PostgreSQL).');

type Step =
  | { kind: 'create'; desk: number }
  | { kind: 'edit'; desk: number; pick: number; field: 'description' | 'address'; word: string }
  | { kind: 'status'; desk: number; pick: number; status: (typeof STATUSES)[number] }
  | { kind: 'note'; desk: number; pick: number; word: string }
  | { kind: 'resolve'; desk: number; pick: number; takeLosing: boolean }
  | { kind: 'offline' | 'online' | 'sync'; desk: number }
  /** One sync whose responses are cut after so many bytes: the desk resends what the server has. */
  | { kind: 'syncCut'; desk: number; bytes: number }
  | { kind: 'restartServer' };

const desk = fc.nat({ max: 2 });
const pick = fc.nat({ max: 1000 });
const word = fc.constantFrom('pothole', 'streetlight', 'graffiti', 'dumping', 'hydrant', 'sinkhole');
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), desk }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('edit' as const), desk, pick, field: fc.constantFrom('description' as const, 'address' as const), word }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('status' as const), desk, pick, status: fc.constantFrom(...STATUSES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('note' as const), desk, pick, word }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('resolve' as const), desk, pick, takeLosing: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('offline' as const, 'online' as const), desk }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sync' as const), desk }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('syncCut' as const), desk, bytes: fc.integer({ min: 100, max: 3_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restartServer' as const }) },
);

for (const kind of postgresUrl ? (['pglite', 'postgres'] as const) : (['pglite'] as const)) {
  describe(`sync property (${kind})`, () => {
    let dir: string;
    let config: ServerConfig;
    let server: RunningServer;
    const schema = `t_${randomBytes(6).toString('hex')}`;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fd311-sync-property-'));
      config = ServerConfigSchema.parse({
        host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'server'), logLevel: 'silent', seed: { callers: 8, cases: 12 },
        ...(kind === 'postgres' ? { databaseUrl: postgresUrl, databaseSchema: schema } : {}),
      });
      server = await startServer(config);
    }, 60_000);

    afterAll(async () => {
      await server?.close();
      if (kind === 'postgres') await dropPgSchema(postgresUrl as string, schema);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('desks converge on the server and every mutation is processed exactly once', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 3 }), fc.array(stepArb, { minLength: 10, maxLength: 40 }), async (deskCount, steps) => {
          run += 1;
          const proxies: TcpProxy[] = [];
          const desks: RunningHost[] = [];
          const clientIds: string[] = [];
          try {
            for (let i = 0; i < deskCount; i += 1) {
              const proxy = await startTcpProxy(Number(new URL(server.url).port));
              proxies.push(proxy);
              clientIds.push(`prop-${run}-${i}-${randomBytes(4).toString('hex')}`);
              desks.push(await startHost({
                serverUrl: proxy.url, dataDir: path.join(dir, `run-${run}-desk-${i}`), agentId: AGENTS[i]!, password: DEMO_SEED_PASSWORD, clientId: clientIds[i],
                pokes: false, pullIntervalMs: 100, closedCaseDays: 36_500, log: () => undefined,
              }));
              await desks[i]!.syncOnce();
            }
            // Cases any desk may work on: a few seeded ones, then those the desks create.
            const caseIds = (await server.store.query<{ id: string }>('SELECT id::text AS id FROM service_requests ORDER BY id LIMIT 3')).map((r) => r.id);
            // Every note text is unique, so each one made on a desk must be on the server exactly once.
            const notesMade: string[] = [];
            for (const step of steps) await perform(step, deskCount, desks, proxies, caseIds, notesMade);

            // Everyone back online; sync until the change log stops moving and no desk has work left.
            for (const proxy of proxies) proxy.restore();
            await settle(desks, server);
            for (let i = 0; i < deskCount; i += 1) {
              const host = desks[i]!;
              const processed = await expectProcessedExactlyOnce(server.store, clientIds[i]!, lastIssuedMutationId(host.cachePath));
              const outbox = await host.desk.listOutbox({});
              expect(outbox.filter((entry) => entry.state === 'pending')).toEqual([]);
              // Every rejection is still shown, with the server's reason, until acknowledged.
              expect(outbox.map((entry) => [entry.mutationId, entry.error?.code])).toEqual(processed.rejected.map((r) => [r.mutationId, r.code]));
              const status = await host.desk.getSyncStatus({});
              expect(status).toMatchObject({ pendingMutations: 0, rejectedMutations: processed.rejected.length });
              if (process.env.SYNC_PROPERTY_STATS) console.info(JSON.stringify({ run, desk: i, applied: processed.applied, rejected: processed.rejected.length, conflicts: status.openConflicts }));
              await expectDeskMatchesServer(`desk ${i}`, host.desk, host.cachePath, server.store);
            }
            const noteCounts = await server.store.query<{ text: string; n: number }>(
              'SELECT text, count(*)::int AS n FROM case_notes WHERE text = ANY($1::text[]) GROUP BY text ORDER BY text', [notesMade],
            );
            expect(noteCounts.map((row) => [row.text, Number(row.n)])).toEqual([...notesMade].sort().map((text) => [text, 1]));
          } finally {
            for (const host of desks) await host.close();
            for (const proxy of proxies) await proxy.close();
          }

          async function perform(step: Step, count: number, hosts: RunningHost[], lines: TcpProxy[], cases: string[], notes: string[]): Promise<void> {
            if (step.kind === 'restartServer') {
              await server.close();
              server = await startServer(config);
              for (const line of lines) line.targetPort = Number(new URL(server.url).port);
              return;
            }
            const i = step.desk % count;
            const host = hosts[i]!;
            const caseId = 'pick' in step ? cases[step.pick % cases.length]! : '';
            try {
              switch (step.kind) {
                case 'offline': lines[i]!.cut(); return;
                case 'online': lines[i]!.restore(); return;
                case 'sync': await host.syncOnce(); return;
                case 'syncCut':
                  lines[i]!.setFaults({ cutResponseAfterBytes: step.bytes });
                  try {
                    await host.syncOnce();
                  } finally {
                    lines[i]!.setFaults({});
                  }
                  return;
                case 'create': {
                  const [type] = await host.desk.listServiceTypes({});
                  const made = await host.desk.createCase({ callerId: null, serviceTypeCode: type!.code, description: `Made on desk ${i}`, address: '1400 John F Kennedy Blvd', lat: null, lon: null });
                  cases.push(made.id);
                  return;
                }
                case 'edit': await host.desk.editCase({ caseId, changes: { [step.field]: `${step.word} by desk ${i}` } }); return;
                case 'status': await host.desk.changeCaseStatus({ caseId, status: step.status }); return;
                case 'note': {
                  const text = `${step.word} noted on desk ${i} (run ${run}, note ${notes.length + 1})`;
                  await host.desk.addCaseNote({ caseId, text });
                  notes.push(text);
                  return;
                }
                case 'resolve': {
                  const open = (await host.desk.getCase({ caseId })).conflicts.filter((c) => c.resolvedAt === null);
                  if (open[0]) await host.desk.resolveConflict({ conflictId: open[0].id, resolution: step.takeLosing ? 'take_losing' : 'keep' });
                  return;
                }
              }
            } catch (error) {
              // A desk refuses locally what it cannot do: a case it has not pulled yet, a status
              // change its copy of the case does not allow. Anything else is a failure.
              if (error instanceof DeskFailure && (error.code === 'NOT_FOUND' || error.code === 'INVALID_INPUT')) return;
              throw error;
            }
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    }, Math.max(120_000, RUNS * 8_000));
  });
}

async function settle(desks: RunningHost[], server: RunningServer): Promise<void> {
  let quietRounds = 0;
  let lastHead = -1;
  let seen = '';
  for (let round = 0; round < 40 && quietRounds < 2; round += 1) {
    const statuses = [];
    for (const host of desks) statuses.push(await host.syncOnce());
    const head = await headVersion(server.store);
    const done = statuses.every((s) => s.connection === 'online' && s.pendingMutations === 0 && s.cursor >= head);
    quietRounds = done && head === lastHead ? quietRounds + 1 : 0;
    lastHead = head;
    seen = JSON.stringify({ head, statuses: statuses.map((s) => ({ ...s, rowsInCache: undefined })) });
  }
  expect(quietRounds, `the desks settle within 40 rounds; last: ${seen}`).toBe(2);
}
