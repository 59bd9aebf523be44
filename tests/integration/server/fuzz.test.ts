// Fuzzing on a real server with fast-check and a fixed seed: malformed and random bodies, queries
// and params for every signed-in route, and broken or refused mutations through /sync/push. The
// server must answer 4xx, never 5xx, and store nothing. FRONTDESK_FUZZ_RUNS raises the runs per
// route and per mutation for the nightly run (README, "Security").
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPermission } from '../../../server/auth/permissions.js';
import { createApiKey } from '../../../server/open311/api-keys.js';
import type { Store } from '../../../server/store/store.js';
import { MUTATION_NAMES, type MutationName } from '../../../shared/mutations.js';
import { PushResponseSchema, SYNC_PROTOCOL_VERSION, SYNC_SCHEMA_VERSION } from '../../../shared/sync-protocol.js';
import { givePasswords, signIn, startTestServer, storeTargets, type TestServer } from './helpers.js';
import { caseArgs, newClientId } from './sync-helpers.js';

const SEED = 311;
const RUNS = Number(process.env.FRONTDESK_FUZZ_RUNS ?? '') || 6;
// The nightly size takes longer than CI's.
const TIMEOUT_MS = 120_000 * Math.max(1, RUNS / 6);

// Everything a request could write, in one read.
const ENTITY_TABLES = ['callers', 'service_requests', 'case_notes', 'case_conflicts', 'triage_protocols', 'triage_records', 'calls', 'call_offers', 'call_timeline', 'supervisor_monitors', 'wallboard_preferences', 'audit_log'];
const SYNC_TABLES = ['sync_clients', 'sync_mutation_results'];
const AUTH_TABLES = ['auth_sessions', 'auth_spent_refresh_tokens', 'agent_credentials'];

async function snapshot(store: Store, tables: readonly string[]): Promise<Record<string, string>> {
  const counts = tables.map((table) => `(SELECT count(*) FROM ${table})::text AS ${table}`).join(', ');
  const [row] = await store.query<Record<string, string>>(
    `SELECT ${counts}, (SELECT coalesce(max(version), 0) FROM change_log)::text AS change_log_head,
       (SELECT md5(coalesce(string_agg(id || state || array_to_string(skills, ',') || coalesce(state_reason, ''), ';' ORDER BY id), '')) FROM agents) AS agents,
       (SELECT md5(coalesce(string_agg(agent_id || coalesce(password_hash, '') || coalesce(totp_secret, '') || failed_attempts || coalesce(locked_until::text, ''), ';' ORDER BY agent_id), '')) FROM agent_credentials) AS credentials,
       (SELECT count(*) FROM auth_sessions WHERE revoked_at IS NOT NULL)::text AS revoked_sessions`,
  );
  return row as Record<string, string>;
}

/** JSON a schema will not take: scalars, arrays, objects with keys no route knows, and text that is not JSON at all. */
const malformedBody: fc.Arbitrary<{ text: string }> = fc.oneof(
  fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string(), fc.array(fc.jsonValue(), { maxLength: 4 }))
    .map((value) => ({ text: JSON.stringify(value) })),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).map((key) => `fz${key}`), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 4 })
    .map((value) => ({ text: JSON.stringify(value) })),
  fc.constantFrom('{', '{"state":', 'not json', '[1,2', '\u0000', '{"a":1}{"b":2}').map((text) => ({ text })),
);

const randomParam: fc.Arbitrary<string> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom('0', '-1', '..', '%00', 'null', "' OR 1=1 --", 'a'.repeat(300)),
  fc.uuid(),
);

// Query keys are prefixed so that a strict query schema always refuses them.
const randomQuery = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).map((key) => `fz${key}`), fc.string({ maxLength: 20 }), { minKeys: 1, maxKeys: 3 });

function fillParams(url: string, values: readonly string[]): string {
  let index = 0;
  return url.replace(/:(\w+)/g, () => encodeURIComponent(values[index++ % values.length] || 'x'));
}

/** A field of a valid argument object set to a value of the wrong kind, dropped, or joined by an unknown one. */
function broken(args: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(args);
  const wrongValue = fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }), fc.constant('not-what-was-asked'));
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), wrongValue).map(([key, value]) => ({ ...args, [key]: value })),
    fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(args).filter(([name]) => name !== key))),
    fc.string({ minLength: 1, maxLength: 8 }).map((key) => ({ ...args, [`fz${key}`]: 1 })),
    fc.jsonValue({ maxDepth: 3 }),
  );
}

describe.each(storeTargets())('fuzzing on $kind', (target) => {
  let test: TestServer;
  let adminToken = '';
  let staffToken = '';
  let missing: { [N in MutationName]: Record<string, unknown> };
  let onRealCase: typeof missing;

  beforeAll(async () => {
    test = await startTestServer(target);
    const store = test.server.store;
    await store.query(
      `INSERT INTO agents (id, display_name, role, skills, state, state_since) VALUES
         ('fuzz-admin', 'Fuzz Admin', 'admin', '{}', 'offline', now()),
         ('fuzz-staff', 'Fuzz Staff', 'department_staff', '{"Nobody''s Department"}', 'offline', now())`,
    );
    await givePasswords(store, ['fuzz-admin', 'fuzz-staff']);
    adminToken = await signIn(test.url, 'fuzz-admin');
    staffToken = await signIn(test.url, 'fuzz-staff');
    const [existing] = await store.query<{ id: string }>('SELECT id FROM service_requests ORDER BY id LIMIT 1');
    const nowhere = randomUUID();
    // Well-formed arguments naming records that do not exist: whatever the fuzzer leaves
    // well-formed, the server must still refuse, so nothing may ever be stored.
    missing = {
      createCaller: {
        id: randomUUID(), name: 'Pat Doe', phones: ['+12155550111'], email: null, address: null, zipcode: null,
        neighborhoodId: 'fz-nowhere', lat: null, lon: null, preferredLanguage: 'en',
      },
      createCase: { ...caseArgs('fz-no-such-type') },
      editCase: { caseId: nowhere, changes: { description: 'Fuzzed.' }, baseVersions: { description: 1 } },
      changeStatus: { caseId: nowhere, status: 'in_progress', baseVersion: 1 },
      linkCaller: { caseId: nowhere, callerId: null, baseVersion: 1 },
      addNote: { id: randomUUID(), caseId: nowhere, text: 'Fuzzed note.' },
      resolveConflict: { conflictId: nowhere, resolution: 'keep' },
      recordTriage: { id: randomUUID(), caseId: null, callId: null, record: {} },
      // Never refused when well-formed (a view of an unknown case still happened): only its broken forms are fuzzed.
      recordViews: { views: [{ entity: 'case', id: nowhere, context: 'case_detail', at: new Date().toISOString() }] },
    };
    // The same, on a real case: department staff of another department must be refused.
    const caseId = existing?.id as string;
    onRealCase = Object.fromEntries(
      MUTATION_NAMES.map((name) => [name, 'caseId' in missing[name] ? { ...missing[name], caseId } : missing[name]]),
    ) as typeof missing;
  }, 60_000);

  afterAll(async () => {
    await test?.dispose();
  });

  it('answers every malformed request to a signed-in route with 4xx and stores nothing', async () => {
    const routes = test.server.routes.filter((route) => isPermission(route.access) && route.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(20);
    const tables = [...ENTITY_TABLES, ...SYNC_TABLES, ...AUTH_TABLES];
    for (const route of routes) {
      const withBody = route.method !== 'GET';
      await fc.assert(
        fc.asyncProperty(fc.array(randomParam, { minLength: 1, maxLength: 3 }), randomQuery, malformedBody, async (params, query, body) => {
          const before = await snapshot(test.server.store, tables);
          const url = new URL(`${test.url}${fillParams(route.url, params)}`);
          for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
          const response = await fetch(url, {
            method: route.method,
            headers: { authorization: `Bearer ${adminToken}`, ...(withBody ? { 'content-type': 'application/json' } : {}) },
            ...(withBody ? { body: body.text } : {}),
          });
          await response.arrayBuffer();
          const what = `${route.method} ${url.pathname}${url.search} ${withBody ? body.text.slice(0, 80) : ''}`;
          expect(response.status, what).toBeLessThan(500);
          // A route with nothing to validate (a GET of the agent's own view) may answer 200; it still writes nothing.
          if (withBody || /:\w+/.test(route.url)) expect(response.status, what).toBeGreaterThanOrEqual(400);
          expect(await snapshot(test.server.store, tables), what).toEqual(before);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    }
  }, TIMEOUT_MS);

  it('answers every malformed sign-in, refresh and authenticator set-up with 4xx and stores nothing', async () => {
    const tables = [...ENTITY_TABLES, ...AUTH_TABLES];
    const wellFormedButWrong = fc.oneof(
      fc.record({ agentId: fc.constantFrom('demo-calltaker', 'fuzz-admin', 'no-such-agent'), password: fc.string({ minLength: 1, maxLength: 30 }).map((p) => `fz${p}`) })
        .map((body) => ({ path: '/auth/sign-in', text: JSON.stringify(body) })),
      fc.string({ minLength: 1, maxLength: 80 }).map((token) => ({ path: '/auth/refresh', text: JSON.stringify({ refreshToken: `fz${token}` }) })),
      fc.tuple(fc.string({ minLength: 1, maxLength: 80 }), fc.integer({ min: 0, max: 999_999 }))
        .map(([token, code]) => ({ path: '/auth/totp/enroll', text: JSON.stringify({ enrollmentToken: `fde.${token}`, totpCode: String(code).padStart(6, '0') }) })),
    );
    const malformed = fc.tuple(fc.constantFrom('/auth/sign-in', '/auth/refresh', '/auth/totp/enroll'), malformedBody).map(([path, body]) => ({ path, text: body.text }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(malformed, wellFormedButWrong), async ({ path, text }) => {
        const before = await snapshot(test.server.store, tables);
        const response = await fetch(`${test.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
        await response.arrayBuffer();
        const what = `${path} ${text.slice(0, 80)} → ${response.status}`;
        expect(response.status, what).toBeGreaterThanOrEqual(400);
        expect(response.status, what).toBeLessThan(500);
        const after = await snapshot(test.server.store, tables);
        // A wrong password is counted (and audited) against the agent: that is its whole effect.
        if (path === '/auth/sign-in' && response.status === 401) {
          expect({ ...after, credentials: '', audit_log: '' }, what).toEqual({ ...before, credentials: '', audit_log: '' });
        } else {
          expect(after, what).toEqual(before);
        }
      }),
      { seed: SEED, numRuns: RUNS * 4, endOnFailure: true },
    );
    await test.server.store.query('UPDATE agent_credentials SET failed_attempts = 0, locked_until = NULL');
  }, TIMEOUT_MS);

  it('refuses every broken or forbidden mutation pushed through /sync/push, writing nothing but the refusal', async () => {
    for (const name of MUTATION_NAMES) {
      const broke = broken(missing[name]).map((args) => ({ args, token: adminToken }));
      const pushes = name === 'recordViews' ? broke : fc.oneof(
        broke,
        // Well-formed, from department staff: createCaller, createCase, linkCaller, recordTriage are
        // not theirs, and the case the rest name is not of their department.
        fc.constant({ args: onRealCase[name] as unknown, token: staffToken }),
      );
      await fc.assert(
        fc.asyncProperty(pushes, fc.constantFrom(1, 2), async ({ args, token }, id) => {
          const before = await snapshot(test.server.store, ENTITY_TABLES);
          const beforeSync = await snapshot(test.server.store, SYNC_TABLES);
          const clientId = newClientId();
          const response = await fetch(`${test.url}/sync/push`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: SYNC_SCHEMA_VERSION, clientId,
              mutations: [{ id, name, args, createdAt: new Date().toISOString() }],
            }),
          });
          const text = await response.text();
          const what = `${name} ${JSON.stringify(args).slice(0, 160)} → ${response.status} ${text.slice(0, 200)}`;
          expect(response.status, what).toBeLessThan(500);
          if (response.status === 200) {
            // Schema-valid but refused: kept as a rejection with its reason, no entity written.
            const pushed = PushResponseSchema.parse(JSON.parse(text));
            expect(pushed.results.map((result) => result.status), what).toEqual(['rejected']);
          } else if (id === 1) {
            // Malformed: 400 before the push is looked at, so not even the desk is recorded.
            expect(response.status, what).toBe(400);
            expect(await snapshot(test.server.store, SYNC_TABLES), what).toEqual(beforeSync);
          } else {
            // An id that skips is 409 SYNC_OUT_OF_ORDER when well-formed (the desk is registered, nothing applied), else 400.
            expect([400, 409], what).toContain(response.status);
          }
          expect(await snapshot(test.server.store, ENTITY_TABLES), what).toEqual(before);
        }),
        { seed: SEED, numRuns: RUNS * 2, endOnFailure: true },
      );
    }
  }, TIMEOUT_MS);

  it('answers random queries, params and bodies to the Open311 routes without a 5xx, refuses every malformed POST and stores nothing', async () => {
    const apiKey = (await createApiKey(test.server.store, 'Fuzz App')).key;
    const routes = test.server.routes.filter((route) => route.url.startsWith('/open311/') && route.method !== 'HEAD');
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const tables = [...ENTITY_TABLES, 'open311_submissions'];
    // Form bodies with the spec's field names and random values, beside malformed JSON.
    const formBody = fc
      .dictionary(fc.constantFrom('service_code', 'lat', 'long', 'address_string', 'address_id', 'email', 'phone', 'description', 'media_url', 'fzx'), randomParam, { maxKeys: 5 })
      .map((fields) => ({ type: 'application/x-www-form-urlencoded', text: new URLSearchParams(fields).toString() }));
    const jsonBody = malformedBody.map((body) => ({ type: 'application/json', text: body.text }));
    for (const route of routes) {
      const withBody = route.method === 'POST';
      await fc.assert(
        fc.asyncProperty(fc.array(randomParam, { minLength: 1, maxLength: 3 }), randomQuery, fc.oneof(formBody, jsonBody), fc.boolean(), async (params, query, body, keyed) => {
          const before = await snapshot(test.server.store, tables);
          const url = new URL(`${test.url}${fillParams(route.url, params)}`);
          if (!withBody) for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
          // With a valid key the body itself is what gets refused; without, the key.
          const text = keyed && body.type.includes('form') ? `${body.text}&api_key=${apiKey}` : body.text;
          const response = await fetch(url, { method: route.method, ...(withBody ? { headers: { 'content-type': body.type }, body: text } : {}) });
          await response.arrayBuffer();
          const what = `${route.method} ${url.pathname}${url.search} ${withBody ? text.slice(0, 80) : ''}`;
          expect(response.status, what).toBeLessThan(500);
          // GETs ignore query keys they do not know (clients add vendor extensions), so only a POST or a random path param must fail.
          if (withBody || /:\w+/.test(route.url)) expect(response.status, what).toBeGreaterThanOrEqual(400);
          expect(await snapshot(test.server.store, tables), what).toEqual(before);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    }
  }, TIMEOUT_MS);

  it('refuses a well-formed note on another department\'s case from department staff, so the fuzzer\'s refusals are the role\'s', async () => {
    const response = await fetch(`${test.url}/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${staffToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: SYNC_SCHEMA_VERSION, clientId: `desk-${randomBytes(6).toString('hex')}`,
        mutations: [{ id: 1, name: 'addNote', args: onRealCase.addNote, createdAt: new Date().toISOString() }],
      }),
    });
    expect(response.status).toBe(200);
    expect(PushResponseSchema.parse(await response.json()).results[0]).toMatchObject({ status: 'rejected', error: { code: 'FORBIDDEN' } });
  });
});
