// The role × route matrix on a real server: every route Fastify registered, tried as every role
// and as no one, allowed or denied exactly as server/auth/permissions.ts says. Then the sync
// mutations each role may push, and the object rules (department staff, calls held by others).
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, PERMISSION_NAMES, PUBLIC_ACCESS, roleHolds } from '../../../server/auth/permissions.js';
import type { DeclaredRoute } from '../../../server/auth/route-access.js';
import { AgentRoleSchema, type AgentRole } from '../../../shared/domain/agent.js';
import type { MutationResult } from '../../../shared/mutations.js';
import { givePasswords, signIn, startTestServer, storeTargets, type TestServer } from './helpers.js';
import { caseArgs, DeskClient } from './sync-helpers.js';

const ROLES = AgentRoleSchema.options;
const agentIdOf = (role: AgentRole): string => `matrix-${role.replace(/_/g, '-')}`;

/** A value for each path parameter the routes use; anything else gets a plain word. */
function concreteUrl(url: string): string {
  const values: Record<string, string> = {
    callId: randomUUID(),
    agentId: 'demo-calltaker',
    callSid: `CA${randomBytes(16).toString('hex')}`,
    e164: '+12155550100',
    accountSid: `AC${randomBytes(16).toString('hex')}`,
  };
  return url.replace(/:(\w+)/g, (_match, name: string) => values[name] ?? 'x').replace(/\*/g, 'x');
}

interface Answer {
  status: number;
  code: string | null;
}

async function call(base: string, route: DeclaredRoute, token: string | null): Promise<Answer> {
  const url = new URL(`${base}${concreteUrl(route.url)}`);
  // The sockets sign in with ?token=, the rest with the header; both are sent to every route.
  if (token) url.searchParams.set('token', token);
  const withBody = route.method === 'POST' || route.method === 'PUT';
  const response = await fetch(url, {
    method: route.method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(withBody ? { 'content-type': 'application/json' } : {}) },
    ...(withBody ? { body: '{}' } : {}),
  });
  const text = await response.text();
  let code: string | null = null;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
  } catch {
    // Not JSON (TwiML, CSV, a HEAD answer): no code.
  }
  return { status: response.status, code };
}

const isDenied = (answer: Answer): boolean => answer.status === 401 || answer.status === 403;

describe.each(storeTargets())('roles on $kind', (target) => {
  let test: TestServer;
  const tokens = new Map<AgentRole, string>();
  let agencies: { code: string; agency: string }[] = [];

  beforeAll(async () => {
    // The matrix signs roles out and in again (the sign-out routes end the session it uses): no
    // authenticator codes to wait for. Second factors have their own tests (identity.test.ts).
    test = await startTestServer(target, { totpRequiredRoles: [] });
    agencies = await test.server.store.query<{ code: string; agency: string }>(
      `SELECT DISTINCT ON (agency) code, agency FROM service_types WHERE active ORDER BY agency, code LIMIT 2`,
    );
    // Department staff work for the first department (their skills name it, see permissions.ts).
    for (const role of ROLES) {
      await test.server.store.query(
        `INSERT INTO agents (id, display_name, role, skills, state, state_since) VALUES ($1, $2, $3, $4, 'offline', now())`,
        [agentIdOf(role), `Matrix ${role}`, role, role === 'department_staff' ? [agencies[0]?.agency] : []],
      );
      await givePasswords(test.server.store, [agentIdOf(role)]);
      tokens.set(role, await signIn(test.url, agentIdOf(role)));
    }
  }, 60_000);

  afterAll(async () => {
    await test?.dispose();
  });

  it('declares an access for every route Fastify registered, and every permission guards some route', () => {
    const routes = test.server.routes;
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((route) => route.access === null).map((route) => `${route.method} ${route.url}`)).toEqual([]);
    expect(routes).toContainEqual({ method: 'POST', url: '/sync/push', access: 'sync.push' });
    expect(routes).toContainEqual({ method: 'GET', url: '/audit', access: 'audit.read' });
    const used = new Set(routes.map((route) => route.access));
    expect(PERMISSION_NAMES.filter((permission) => !used.has(permission))).toEqual([]);
  });

  it('allows and denies every route for every role and for no one, as the table says', async () => {
    const mismatches: string[] = [];
    let tried = 0;
    for (const route of test.server.routes) {
      const name = `${route.method} ${route.url}`;
      const anonymous = await call(test.url, route, null);
      tried += 1;
      if (route.access === PUBLIC_ACCESS) {
        // Public routes never look at who is signed in: every role gets what no one gets.
        for (const role of ROLES) {
          const answer = await call(test.url, route, tokens.get(role) as string);
          tried += 1;
          if (answer.status !== anonymous.status) mismatches.push(`${name} as ${role}: ${answer.status}, without a token ${anonymous.status}`);
          if (answer.code === 'FORBIDDEN') mismatches.push(`${name} as ${role}: FORBIDDEN on a public route`);
        }
        continue;
      }
      if (anonymous.status !== 401) mismatches.push(`${name} without a token: ${anonymous.status}, expected 401`);
      const permission = route.access;
      if (permission === null) {
        mismatches.push(`${name} is missing from the permission table`);
        continue;
      }
      for (const role of ROLES) {
        const answer = await call(test.url, route, tokens.get(role) as string);
        tried += 1;
        if (route.url.startsWith('/auth/sign-out') && answer.status === 200) tokens.set(role, await signIn(test.url, agentIdOf(role)));
        const allowed = roleHolds(role, permission);
        if (allowed && isDenied(answer)) mismatches.push(`${name} as ${role}: denied (${answer.status} ${answer.code}) but "${permission}" allows it`);
        if (!allowed && !(answer.status === 403 && (answer.code === 'FORBIDDEN' || route.method === 'HEAD'))) {
          mismatches.push(`${name} as ${role}: ${answer.status} ${answer.code}, expected 403 FORBIDDEN ("${permission}")`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(tried).toBe(test.server.routes.length * (ROLES.length + 1));
  }, 120_000);

  it('serves Open311 and the public page alike to every role and to no one, and refuses Open311 POST without an api key', async () => {
    const open311 = test.server.routes.filter((route) => route.url.startsWith('/open311/') || route.url === '/public');
    expect(open311.filter((route) => route.method === 'POST').map((route) => route.url).sort()).toEqual(['/open311/v2/requests.json', '/open311/v2/requests.xml']);
    expect(open311.filter((route) => route.access !== PUBLIC_ACCESS)).toEqual([]);
    for (const role of [null, ...ROLES]) {
      const headers: Record<string, string> = role ? { authorization: `Bearer ${tokens.get(role) as string}` } : {};
      for (const path of ['/open311/v2/services.json', '/open311/v2/requests.xml', '/public']) {
        expect((await fetch(`${test.url}${path}`, { headers })).status, `${path} as ${role ?? 'no one'}`).toBe(200);
      }
      const posted = await fetch(`${test.url}/open311/v2/requests.json`, {
        method: 'POST',
        headers,
        body: new URLSearchParams({ service_code: agencies[0]?.code as string, lat: '39.9526', long: '-75.1652' }),
      });
      expect(posted.status, `POST as ${role ?? 'no one'}`).toBe(403);
      expect(await posted.json()).toEqual([{ code: 403, description: expect.stringContaining('api_key') }]);
    }
  });

  it('answers a refused role with the permission\'s own message, before the body is read', async () => {
    const response = await fetch(`${test.url}/audit`, { headers: { authorization: `Bearer ${tokens.get('team_lead') as string}` } });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'FORBIDDEN', message: PERMISSIONS['audit.read'].refusal } });
    const publish = await fetch(`${test.url}/triage/protocols`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.get('call_taker') as string}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(publish.status).toBe(403);
  });

  it('rejects, with FORBIDDEN and a reason, the mutations a role may not push, and keeps the rest of the push', async () => {
    const staff = new DeskClient(test.url, tokens.get('department_staff') as string);
    const [own] = agencies;
    const mutations = [
      staff.make('createCase', caseArgs(own?.code as string)),
      staff.make('createCaller', {
        id: randomUUID(), name: 'Pat Doe', phones: ['+12155550111'], email: null, address: null, zipcode: null,
        neighborhoodId: null, lat: null, lon: null, preferredLanguage: 'en',
      }),
    ];
    const before = await test.server.store.query<{ count: string }>('SELECT count(*) AS count FROM change_log');
    const pushed = await staff.push(mutations);
    expect(pushed.results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    for (const result of pushed.results) {
      expect((result as Extract<MutationResult, { status: 'rejected' }>).error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('department staff') });
    }
    // Processed (the desk keeps them as rejected, not pending) and nothing written.
    expect(pushed.lastMutationId).toBe(2);
    expect(await test.server.store.query('SELECT count(*) AS count FROM change_log')).toEqual(before);
  });

  it('lets department staff edit, note and pull only their own department\'s cases', async () => {
    const taker = new DeskClient(test.url, tokens.get('call_taker') as string);
    const [own, other] = agencies as [{ code: string; agency: string }, { code: string; agency: string }];
    expect(other.agency).not.toBe(own.agency);
    const ownCase = caseArgs(own.code);
    const otherCase = caseArgs(other.code);
    const created = await taker.push([taker.make('createCase', ownCase), taker.make('createCase', otherCase)]);
    expect(created.results.map((result) => result.status)).toEqual(['applied', 'applied']);
    const baseOf = async (caseId: string): Promise<number> => {
      const [row] = await test.server.store.query<{ v: string }>(`SELECT field_versions->>'description' AS v FROM service_requests WHERE id = $1`, [caseId]);
      return Number(row?.v);
    };
    const staff = new DeskClient(test.url, tokens.get('department_staff') as string);
    const edits = async (caseId: string) => [
      staff.make('editCase', { caseId, changes: { description: 'Crew sent.' }, baseVersions: { description: await baseOf(caseId) } }),
      staff.make('addNote', { id: randomUUID(), caseId, text: 'Inspected on site.' }),
    ];
    const pushed = await staff.push([...(await edits(ownCase.id)), ...(await edits(otherCase.id))]);
    expect(pushed.results.map((result) => result.status)).toEqual(['applied', 'applied', 'rejected', 'rejected']);
    expect(pushed.results[2]).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringContaining(other.agency) } });
    expect(pushed.results[3]).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const stored = await test.server.store.query<{ id: string; description: string; notes: string }>(
      `SELECT r.id, r.description, (SELECT count(*) FROM case_notes n WHERE n.case_id = r.id) AS notes
       FROM service_requests r WHERE r.id = ANY($1::uuid[])`,
      [[ownCase.id, otherCase.id]],
    );
    const byId = new Map(stored.map((row) => [row.id, row]));
    expect(byId.get(ownCase.id)).toMatchObject({ description: 'Crew sent.', notes: expect.anything() });
    expect(Number(byId.get(ownCase.id)?.notes)).toBe(1);
    expect(byId.get(otherCase.id)).toMatchObject({ description: otherCase.description });
    expect(Number(byId.get(otherCase.id)?.notes)).toBe(0);

    // The pull shows them their department's cases and notes, the reference data, and no residents.
    const seen = await staff.pull(0);
    const everything = await taker.pull(0);
    expect(seen.cursor).toBe(everything.cursor);
    const entities = new Set(seen.changes.map((change) => change.entity));
    expect(entities.has('service_type')).toBe(true);
    expect(entities.has('caller')).toBe(false);
    expect(everything.changes.some((change) => change.entity === 'caller')).toBe(true);
    const cases = seen.changes.flatMap((change) => (change.op === 'put' && change.entity === 'service_request' ? [change.row] : []));
    expect(cases.map((row) => row.id)).toContain(ownCase.id);
    expect(cases.every((row) => row.agency === own.agency)).toBe(true);
    const notedCases = seen.changes.flatMap((change) => (change.op === 'put' && change.entity === 'case_note' ? [change.row.caseId] : []));
    expect(notedCases).toContain(ownCase.id);
    const agencyOf = new Map(everything.changes.flatMap((change) => (change.op === 'put' && change.entity === 'service_request' ? [[change.row.id, change.row.agency] as const] : [])));
    expect(notedCases.filter((caseId) => agencyOf.get(caseId) !== own.agency)).toEqual([]);
    expect(everything.changes.some((change) => change.op === 'put' && change.entity === 'case_note' && change.row.caseId === otherCase.id)).toBe(false);

    // A first sync's snapshot shows them the same, and the full one has what they do not see.
    const snapshot = await staff.snapshotAll(10_000);
    const full = await taker.snapshotAll(10_000);
    expect(snapshot.changes.some((change) => change.entity === 'service_type')).toBe(true);
    expect(snapshot.changes.some((change) => change.entity === 'caller' || change.entity === 'triage_record')).toBe(false);
    expect(full.changes.some((change) => change.entity === 'caller')).toBe(true);
    const snapshotCases = snapshot.changes.flatMap((change) => (change.op === 'put' && change.entity === 'service_request' ? [change.row] : []));
    expect(snapshotCases.map((row) => row.id)).toContain(ownCase.id);
    expect(snapshotCases.every((row) => row.agency === own.agency)).toBe(true);
    const snapshotNotes = snapshot.changes.flatMap((change) => (change.op === 'put' && change.entity === 'case_note' ? [change.row.caseId] : []));
    expect(snapshotNotes).toContain(ownCase.id);
    expect(snapshotNotes.filter((caseId) => agencyOf.get(caseId) !== own.agency)).toEqual([]);
  });
});
