// Property: whatever the interleaving of desks' pushes — retried, overlapping, shuffled, with a
// gap now and then and server restarts in between — the server ends with the rows of applying
// each distinct mutation once, in the order it first processed them, and answers every retry
// with the very result it stored.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerConfigSchema, startServer, type RunningServer, type ServerConfig } from '../../../server/app.js';
import { dropPgSchema } from '../../../server/store/pg-store.js';
import type { Mutation, MutationArgsOf, MutationResult } from '../../../shared/mutations.js';
import { makeProvisionalReference } from '../../../shared/mutations.js';
import { PushResponseSchema, SYNC_PROTOCOL_VERSION, SYNC_SCHEMA_VERSION } from '../../../shared/sync-protocol.js';
import { postJson, signIn, storeTargets, type StoreTarget } from './helpers.js';

const AGENTS = ['demo-calltaker', 'demo-triage', 'demo-lead'] as const;
const POOL = 3;
const FIELDS = ['description', 'address', 'zipcode'] as const;
const STATUSES = ['open', 'in_progress', 'closed'] as const;

type Op =
  | { op: 'createCase'; pool: number; validType: boolean }
  | { op: 'editCase'; pool: number; fields: Array<(typeof FIELDS)[number]>; value: number; fresh: boolean }
  | { op: 'changeStatus'; pool: number; status: (typeof STATUSES)[number]; fresh: boolean }
  | { op: 'addNote'; pool: number }
  | { op: 'resolveConflict'; pick: number; takeLosing: boolean };
type Command =
  | { kind: 'make'; client: number; op: Op }
  | { kind: 'push'; client: number; back: number; size: number; duplicate: boolean; shuffle: boolean; gap: boolean }
  | { kind: 'restart' };

const pool = fc.nat({ max: POOL - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('createCase' as const), pool, validType: fc.nat({ max: 5 }).map((n) => n > 0) }),
  fc.record({ op: fc.constant('editCase' as const), pool, fields: fc.subarray([...FIELDS], { minLength: 1 }), value: fc.nat({ max: 3 }), fresh: fc.boolean() }),
  fc.record({ op: fc.constant('changeStatus' as const), pool, status: fc.constantFrom(...STATUSES), fresh: fc.boolean() }),
  fc.record({ op: fc.constant('addNote' as const), pool }),
  fc.record({ op: fc.constant('resolveConflict' as const), pick: fc.nat({ max: 5 }), takeLosing: fc.boolean() }),
);
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('make' as const), client: fc.nat({ max: 2 }), op: opArb }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('push' as const), client: fc.nat({ max: 2 }), back: fc.nat({ max: 3 }), size: fc.integer({ min: 1, max: 6 }),
      duplicate: fc.boolean(), shuffle: fc.boolean(), gap: fc.nat({ max: 7 }).map((n) => n === 0),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

interface Desk {
  clientId: string;
  agent: (typeof AGENTS)[number];
  outbox: Mutation[];
  last: number;
}

interface Runner {
  url: string;
  server: RunningServer;
}

function serverConfig(target: StoreTarget, dataDir: string, schema: string): ServerConfig {
  return ServerConfigSchema.parse({
    host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', seed: { callers: 3, cases: 3 },
    ...(target.kind === 'postgres' ? { databaseUrl: process.env.TEST_DATABASE_URL, databaseSchema: schema } : {}),
  });
}

async function push(url: string, token: string, clientId: string, mutations: Mutation[]): Promise<{ status: number; results: MutationResult[]; last: number }> {
  const response = await postJson(`${url}/sync/push`, { protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: SYNC_SCHEMA_VERSION, clientId, mutations }, token);
  if (response.status !== 200) return { status: response.status, results: [], last: -1 };
  const body = PushResponseSchema.parse(await response.json());
  return { status: 200, results: body.results, last: body.lastMutationId };
}

/** The run's cases, notes and conflicts, without server clocks, versions and numbers made ranks. */
async function snapshot(server: RunningServer, caseIds: string[]): Promise<unknown> {
  const store = server.store;
  const cases = await store.query<Record<string, unknown>>(
    `SELECT id, reference, provisional_reference, caller_id, service_type_code, status, description, address, zipcode,
            agency, closed_at, field_versions FROM service_requests WHERE id = ANY($1::uuid[]) ORDER BY id`,
    [caseIds],
  );
  const versions = [...new Set(cases.flatMap((row) => Object.values(row.field_versions as Record<string, number>)))].sort((a, b) => a - b);
  const references = cases.map((row) => Number(row.reference)).sort((a, b) => a - b);
  const notes = await store.query('SELECT id, case_id, text, author_agent_id, created_at FROM case_notes WHERE case_id = ANY($1::uuid[]) ORDER BY id', [caseIds]);
  const conflicts = await store.query(
    `SELECT id, case_id, field, kept_value, kept_by, losing_value, losing_by, resolved_by, resolution
     FROM case_conflicts WHERE case_id = ANY($1::uuid[]) ORDER BY id`,
    [caseIds],
  );
  const [log] = await store.query<{ n: number }>(
    "SELECT count(*)::int8 AS n FROM change_log WHERE entity_id = ANY($1::text[]) OR row ->> 'caseId' = ANY($1::text[])",
    [caseIds],
  );
  return {
    cases: cases.map((row) => ({
      ...row,
      reference: references.indexOf(Number(row.reference)),
      field_versions: Object.fromEntries(
        Object.entries(row.field_versions as Record<string, number>).map(([field, v]) => [field, versions.indexOf(v)]),
      ),
    })),
    notes,
    conflicts,
    logEntries: log?.n,
  };
}

describe.each(storeTargets())('sync push property on $kind', (target) => {
  const dirs: string[] = [];
  const schemas: string[] = [];
  let chaos: Runner;
  let chaosConfig: ServerConfig;
  let reference: Runner;
  let tokens: string[] = [];
  /** Sessions live in each server's database: the reference server signs the same agents in itself. */
  let referenceTokens: string[] = [];
  let serviceType = '';

  async function start(config: ServerConfig): Promise<Runner> {
    const server = await startServer(config);
    return { server, url: server.url };
  }

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      dirs.push(mkdtempSync(path.join(os.tmpdir(), 'fd311-prop-')));
      schemas.push(`t_${randomBytes(6).toString('hex')}`);
    }
    chaosConfig = serverConfig(target, dirs[0]!, schemas[0]!);
    chaos = await start(chaosConfig);
    reference = await start(serverConfig(target, dirs[1]!, schemas[1]!));
    tokens = await Promise.all(AGENTS.map((agent) => signIn(chaos.url, agent)));
    referenceTokens = await Promise.all(AGENTS.map((agent) => signIn(reference.url, agent)));
    serviceType = (await chaos.server.store.query<{ code: string }>('SELECT code FROM service_types WHERE active ORDER BY code LIMIT 1'))[0]!.code;
  }, 120_000);
  afterAll(async () => {
    await chaos?.server.close();
    await reference?.server.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    if (target.kind === 'postgres') for (const schema of schemas) await dropPgSchema(process.env.TEST_DATABASE_URL as string, schema);
  });

  it('converges to applying each distinct mutation once, in first-processed order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 5, maxLength: 30 }), async (commands) => {
        const caseIds = Array.from({ length: POOL }, () => randomUUID());
        const desks: Desk[] = AGENTS.map((agent) => ({ clientId: `prop-${randomBytes(6).toString('hex')}`, agent, outbox: [], last: 0 }));
        const firstResult = new Map<string, MutationResult>();
        const processedOrder: Array<{ desk: number; mutation: Mutation }> = [];
        const conflictIds: string[] = [];

        const currentVersions = async (caseId: string): Promise<Record<string, number>> => {
          const [row] = await chaos.server.store.query<{ field_versions: Record<string, number> }>('SELECT field_versions FROM service_requests WHERE id = $1', [caseId]);
          return row?.field_versions ?? {};
        };
        const argsFor = async (op: Op): Promise<Pick<Mutation, 'name' | 'args'>> => {
          switch (op.op) {
            case 'createCase': {
              const args: MutationArgsOf<'createCase'> = {
                id: caseIds[op.pool]!, provisionalReference: makeProvisionalReference(randomBytes(5)), callerId: null,
                serviceTypeCode: op.validType ? serviceType : 'retired-type', channel: 'phone', description: `case ${op.pool}`,
                address: null, zipcode: null, neighborhoodId: null, lat: null, lon: null, requestedAt: new Date().toISOString(), priority: 'standard',
              };
              return { name: 'createCase', args } as Pick<Mutation, 'name' | 'args'>;
            }
            case 'editCase': {
              const versions = await currentVersions(caseIds[op.pool]!);
              const changes = Object.fromEntries(op.fields.map((f) => [f, f === 'zipcode' ? `1910${op.value}` : `${f} ${op.value}`]));
              const baseVersions = Object.fromEntries(op.fields.map((f) => [f, op.fresh ? (versions[f] ?? 0) : 0]));
              return { name: 'editCase', args: { caseId: caseIds[op.pool]!, changes, baseVersions } } as Pick<Mutation, 'name' | 'args'>;
            }
            case 'changeStatus': {
              const versions = await currentVersions(caseIds[op.pool]!);
              return { name: 'changeStatus', args: { caseId: caseIds[op.pool]!, status: op.status, baseVersion: op.fresh ? (versions.status ?? 0) : 0 } };
            }
            case 'addNote':
              return { name: 'addNote', args: { id: randomUUID(), caseId: caseIds[op.pool]!, text: `note on ${op.pool}` } };
            case 'resolveConflict':
              return {
                name: 'resolveConflict',
                args: { conflictId: conflictIds[op.pick % Math.max(1, conflictIds.length)] ?? randomUUID(), resolution: op.takeLosing ? 'take_losing' : 'keep' },
              };
          }
        };

        const record = (index: number, sent: Mutation[], results: MutationResult[], last: number): void => {
          const desk = desks[index]!;
          const fresh = [...new Map(sent.map((m) => [m.id, m])).values()].filter((m) => m.id > desk.last).sort((a, b) => a.id - b.id);
          for (const mutation of fresh) processedOrder.push({ desk: index, mutation });
          sent.forEach((mutation, i) => {
            const key = `${desk.clientId}/${mutation.id}`;
            const result = results[i]!;
            const earlier = firstResult.get(key);
            if (earlier) expect(result).toEqual(earlier);
            else firstResult.set(key, result);
            if (result.status === 'applied') conflictIds.push(...result.conflictIds);
          });
          desk.last = last;
        };

        const pushFrom = async (index: number, command: Extract<Command, { kind: 'push' }>): Promise<void> => {
          const desk = desks[index]!;
          if (command.gap) {
            const beyond = desk.outbox.filter((m) => m.id > desk.last + 1).slice(0, command.size);
            if (beyond.length === 0) return;
            expect((await push(chaos.url, tokens[index]!, desk.clientId, beyond)).status).toBe(409);
            return;
          }
          const from = Math.max(1, desk.last + 1 - command.back);
          let batch = desk.outbox.filter((m) => m.id >= from).slice(0, command.size);
          if (batch.length === 0) return;
          if (command.duplicate) batch = [...batch, ...batch.slice(0, 2)];
          if (command.shuffle) batch = [...batch].reverse();
          const answer = await push(chaos.url, tokens[index]!, desk.clientId, batch);
          expect(answer.status).toBe(200);
          record(index, batch, answer.results, answer.last);
        };

        for (const command of commands) {
          if (command.kind === 'restart') {
            await chaos.server.close();
            chaos = await start(chaosConfig);
          } else if (command.kind === 'make') {
            const desk = desks[command.client]!;
            const made = await argsFor(command.op);
            desk.outbox.push({ ...made, id: desk.outbox.length + 1, createdAt: new Date().toISOString() } as Mutation);
          } else {
            await pushFrom(command.client, command);
          }
        }
        // Drain every outbox, then everything made has been processed exactly once.
        for (const [index, desk] of desks.entries()) {
          while (desk.last < desk.outbox.length) await pushFrom(index, { kind: 'push', client: index, back: 0, size: 6, duplicate: false, shuffle: false, gap: false });
        }
        expect(processedOrder).toHaveLength(desks.reduce((sum, desk) => sum + desk.outbox.length, 0));

        // The reference server gets each mutation once, alone, in the order the chaos server first processed it.
        for (const { desk, mutation } of processedOrder) {
          const answer = await push(reference.url, referenceTokens[desk]!, desks[desk]!.clientId, [mutation]);
          expect(answer.results[0]).toEqual(firstResult.get(`${desks[desk]!.clientId}/${mutation.id}`));
        }
        expect(await snapshot(chaos.server, caseIds)).toEqual(await snapshot(reference.server, caseIds));
      }),
      { numRuns: target.kind === 'pglite' ? 12 : 8, endOnFailure: true },
    );
  }, 300_000);
});
