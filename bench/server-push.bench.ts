// server-push: how many mutations a second the central server applies through POST /sync/push
// (exactly once, up to 500 in one transaction), on PostgreSQL and on PGlite, from desks pushing
// batches of 500 concurrently: a mix of createCase, editCase, changeStatus and addNote.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';
import { ServerConfigSchema, startServer, type RunningServer } from '../server/app.js';
import { DEMO_SEED_PASSWORD } from '../server/config.js';
import type { Mutation } from '../shared/mutations.js';
import { makeProvisionalReference } from '../shared/mutations.js';
import { PushResponseSchema, SYNC_PROTOCOL_VERSION, SYNC_SCHEMA_VERSION } from '../shared/sync-protocol.js';
import { benchPostgresSchema } from './postgres.js';
import { round, writeBenchResult } from './report.js';

const MUTATIONS = Number(process.env.BENCH_PUSH_MUTATIONS ?? 20_000);
const BATCH = 500;
const DESKS = 4;
const AGENTS = ['demo-calltaker', 'demo-triage', 'demo-lead'];

/** One desk's outbox: for each case, create it, edit it, start work on it, add a note. */
function deskOutbox(count: number, serviceType: string): Mutation[] {
  const mutations: Mutation[] = [];
  const at = new Date('2026-11-25T12:00:00Z').toISOString();
  let caseId = '';
  for (let id = 1; id <= count; id += 1) {
    const step = (id - 1) % 4;
    if (step === 0) {
      caseId = uuidv7();
      mutations.push({
        id, name: 'createCase', createdAt: at,
        args: {
          id: caseId, provisionalReference: makeProvisionalReference(randomBytes(5)), callerId: null, serviceTypeCode: serviceType,
          channel: 'phone', description: `Pothole outside ${id} Market St`, address: `${id} Market St`, zipcode: '19106',
          neighborhoodId: null, lat: 39.95, lon: -75.15, requestedAt: at, priority: 'standard',
        },
      });
    } else if (step === 1) {
      // A base at or above the server's version: an edit made on the case as it is.
      mutations.push({ id, name: 'editCase', createdAt: at, args: { caseId, changes: { description: 'Deep pothole, two lanes' }, baseVersions: { description: Number.MAX_SAFE_INTEGER } } });
    } else if (step === 2) {
      mutations.push({ id, name: 'changeStatus', createdAt: at, args: { caseId, status: 'in_progress', baseVersion: Number.MAX_SAFE_INTEGER } });
    } else {
      mutations.push({ id, name: 'addNote', createdAt: at, args: { id: uuidv7(), caseId, text: 'Crew dispatched.' } });
    }
  }
  return mutations;
}

async function post(url: string, body: unknown, token?: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

async function measure(server: RunningServer): Promise<{ perSecond: number; rejected: number }> {
  const [type] = await server.store.query<{ code: string }>('SELECT code FROM service_types WHERE active ORDER BY code LIMIT 1');
  const tokens = await Promise.all(
    AGENTS.map(async (agentId) => ((await post(`${server.url}/auth/sign-in`, { agentId, password: DEMO_SEED_PASSWORD })) as { accessToken: string }).accessToken),
  );
  const perDesk = Math.floor(MUTATIONS / DESKS);
  const desks = Array.from({ length: DESKS }, (_, i) => ({
    clientId: `bench-${i}-${randomBytes(4).toString('hex')}`,
    token: tokens[i % tokens.length] as string,
    outbox: deskOutbox(perDesk, type?.code ?? 'street-defect'),
  }));
  let rejected = 0;
  const started = performance.now();
  await Promise.all(
    desks.map(async (desk) => {
      for (let from = 0; from < desk.outbox.length; from += BATCH) {
        const body = { protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: SYNC_SCHEMA_VERSION, clientId: desk.clientId, mutations: desk.outbox.slice(from, from + BATCH) };
        const answer = PushResponseSchema.parse(await post(`${server.url}/sync/push`, body, desk.token));
        rejected += answer.results.filter((result) => result.status === 'rejected').length;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: (perDesk * DESKS) / seconds, rejected };
}

async function runOn(kind: 'postgres' | 'pglite'): Promise<{ perSecond: number; rejected: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fd311-bench-push-'));
  const postgres = benchPostgresSchema();
  const config = ServerConfigSchema.parse({
    host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', seed: { callers: 100, cases: 100 },
    // Desks sign in once with a password; an authenticator is not what is measured.
    totpRequiredRoles: [],
    ...(kind === 'postgres' ? { databaseUrl: postgres.url, databaseSchema: postgres.schema } : {}),
  });
  const server = await startServer(config);
  try {
    return await measure(server);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (kind === 'postgres') await postgres.drop();
  }
}

export async function run(): Promise<string> {
  const postgres = await runOn('postgres');
  console.log(`server-push on PostgreSQL: ${round(postgres.perSecond, 0)} mutations/s (${postgres.rejected} rejected)`);
  const pglite = await runOn('pglite');
  console.log(`server-push on PGlite: ${round(pglite.perSecond, 0)} mutations/s (${pglite.rejected} rejected)`);
  return writeBenchResult('server-push', { mutations: MUTATIONS, batch: BATCH, desks: DESKS, mix: 'createCase/editCase/changeStatus/addNote' }, {
    mutations_per_s: { value: round(postgres.perSecond, 0), unit: 'mutations/s', target: 5000, better: 'higher' },
    mutations_per_s_pglite: { value: round(pglite.perSecond, 0), unit: 'mutations/s', better: 'higher' },
    rejected: { value: postgres.rejected + pglite.rejected, unit: 'mutations', target: 0, better: 'lower' },
  });
}
