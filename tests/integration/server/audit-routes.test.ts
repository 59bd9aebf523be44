// The audit routes on a real server: sign-ins (and refused ones) are recorded, only admins search
// and export, and every export is itself in the log. PGlite always; PostgreSQL when set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditPage } from '../../../server/audit/audit-log.js';
import { AUDIT_CSV_COLUMNS } from '../../../server/audit/routes.js';
import { AUDIT_CLIENT_HEADER } from '../../../server/audit/source.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';
import { givePasswords, postJson, signIn, startTestServer, storeTargets, type TestServer } from './helpers.js';

const ADMIN = 'audit-admin';

describe.each(storeTargets())('audit routes on $kind', (target) => {
  let test: TestServer;
  let adminToken: string;
  let callTakerToken: string;
  let leadToken: string;

  const get = (path: string, token?: string) =>
    fetch(`${test.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const search = async (query: string): Promise<AuditPage> => {
    const response = await get(`/audit?${query}`, adminToken);
    expect(response.status).toBe(200);
    return (await response.json()) as AuditPage;
  };

  beforeAll(async () => {
    test = await startTestServer(target, { seed: false });
    // An admin of its own, whose sign-ins this test counts.
    await test.server.store.query(
      "INSERT INTO agents (id, display_name, role, skills, state, state_since) VALUES ($1, 'Audit Admin', 'admin', '{}', 'offline', now())",
      [ADMIN],
    );
    await givePasswords(test.server.store, [ADMIN]);
    const refused = await postJson(`${test.url}/auth/sign-in`, { agentId: 'no-such-agent', password: DEMO_SEED_PASSWORD });
    expect(refused.status).toBe(401);
    const fromDesk = await fetch(`${test.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [AUDIT_CLIENT_HEADER]: 'desk-0192-a' },
      body: JSON.stringify({ agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD }),
    });
    callTakerToken = ((await fromDesk.json()) as { accessToken: string }).accessToken;
    leadToken = await signIn(test.url, 'demo-lead');
    adminToken = await signIn(test.url, ADMIN);
  });
  afterAll(async () => {
    await test?.dispose();
  });

  it('records sign-ins, with the desk and address, and refused sign-ins', async () => {
    const signIns = await search('action=auth.sign_in');
    expect(signIns.entries.map((entry) => entry.agentId)).toEqual([ADMIN, 'demo-lead', 'demo-calltaker']);
    expect(signIns.entries[2]).toMatchObject({ objectType: 'agent', objectId: 'demo-calltaker', clientId: 'desk-0192-a', ip: '127.0.0.1' });
    const failed = await search('action=auth.sign_in_failed');
    expect(failed.entries).toMatchObject([
      { agentId: null, objectType: 'agent', objectId: 'no-such-agent', details: { attemptedAgentId: 'no-such-agent', status: 401, code: 'INVALID_CREDENTIALS' } },
    ]);
  });

  it('lets only admins search', async () => {
    expect((await get('/audit')).status).toBe(401);
    for (const token of [callTakerToken, leadToken]) {
      const response = await get('/audit', token);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
    expect((await get('/audit', adminToken)).status).toBe(200);
  });

  it('filters by agent and object and pages with the cursor', async () => {
    const first = await search('limit=2');
    expect(first.entries).toHaveLength(2);
    expect(first.nextCursor).toBe(first.entries[1]?.seq);
    const second = await search(`limit=2&cursor=${first.nextCursor}`);
    expect(second.entries[0]!.seq).toBeLessThan(first.entries[1]!.seq);
    // A team lead sets up an authenticator at the first sign-in, then is signed in.
    expect((await search('agentId=demo-lead')).entries.map((entry) => entry.action)).toEqual(['auth.sign_in', 'auth.totp_enrolled']);
    expect((await search('objectType=agent&objectId=no-such-agent')).entries).toHaveLength(1);
    expect((await search(`from=${encodeURIComponent('2999-01-01T00:00:00Z')}`)).entries).toEqual([]);
  });

  it('refuses a malformed search', async () => {
    for (const query of ['limit=0', 'limit=501', 'action=case.peek', 'from=yesterday', 'colour=blue']) {
      const response = await get(`/audit?${query}`, adminToken);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    }
  });

  it('exports CSV to admins only, and records each export before it is sent', async () => {
    const refused = await get('/audit/export.csv', callTakerToken);
    expect(refused.status).toBe(403);
    expect((await search('action=audit.export')).entries).toEqual([]);

    const response = await get('/audit/export.csv?action=auth.sign_in', adminToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="frontdesk311-audit-.*\.csv"/);
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(lines.slice(1).map((line) => line.split(',')[3])).toEqual(['demo-calltaker', 'demo-lead', ADMIN]);

    const exports = await search('action=audit.export');
    expect(exports.entries).toMatchObject([{ agentId: ADMIN, details: { filters: { action: 'auth.sign_in' } }, ip: '127.0.0.1' }]);
    expect(await verifyAuditChain(test.server.store)).toMatchObject({ ok: true });
  });

  it('exports the whole chain in order, hashes included', async () => {
    const response = await get('/audit/export.csv', adminToken);
    const rows = (await response.text()).trimEnd().split('\r\n').slice(1);
    const seqs = rows.map((row) => Number(row.split(',')[0]));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const verified = await verifyAuditChain(test.server.store);
    // The export's own entry is the newest one: it was written before the rows were read.
    expect(verified).toMatchObject({ ok: true, count: seqs.length });
    if (!verified.ok || !verified.head) throw new Error('chain should be intact');
    expect(rows.at(-1)?.endsWith(verified.head.hash)).toBe(true);
  });
});
