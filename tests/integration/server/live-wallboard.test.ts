// The wallboard socket and preferences on a real server: only team leads and admins get in, a
// lead gets a snapshot then deltas that follow on from it, a reconnect starts from a snapshot
// holding everything before, and preferences are kept per agent.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_PREFERENCES_PATH, LIVE_WALLBOARD_PATH } from '../../../shared/live-protocol.js';
import { givePasswords, signIn, startTestServer, storeTargets, type TestServer } from './helpers.js';
import { agentChange, LeadSocket, upgradeStatus, waitingCall } from './live-helpers.js';

describe.each(storeTargets())('wallboard on $kind', (target) => {
  let test: TestServer;

  beforeAll(async () => {
    test = await startTestServer(target, { seed: { callers: 3, cases: 3 } });
  });
  afterAll(async () => {
    await test?.dispose();
  });

  it('refuses call-takers and sockets without a valid token, before the upgrade', async () => {
    const ws = `${test.url.replace(/^http/, 'ws')}${LIVE_WALLBOARD_PATH}`;
    expect(await upgradeStatus(`${ws}?token=${await signIn(test.url, 'demo-calltaker')}`)).toBe(403);
    expect(await upgradeStatus(`${ws}?token=${await signIn(test.url, 'demo-triage')}`)).toBe(403);
    expect(await upgradeStatus(ws)).toBe(401);
    expect(await upgradeStatus(`${ws}?token=demo-lead.9999999999.${'A'.repeat(43)}`)).toBe(401);
  });

  it('sends a team lead a snapshot, then deltas that follow on from it, and a full snapshot on reconnect', async () => {
    const token = await signIn(test.url, 'demo-lead');
    const lead = await LeadSocket.open(test.url, token);
    try {
      const snapshot = await lead.waitFor('snapshot');
      expect(snapshot.board.agents.map((agent) => agent.id)).toEqual(expect.arrayContaining(['demo-calltaker', 'demo-lead', 'demo-triage']));
      expect(snapshot.metrics.serviceLevelSeconds).toBe(20);
      await lead.waitFor('alerts');

      const callId = randomUUID();
      await test.server.liveBus.publish({ kind: 'call', call: waitingCall(callId) });
      await test.server.liveBus.publish({ kind: 'agent', agent: agentChange('demo-triage', 'away', { stateReason: 'lunch' }) });
      const first = await lead.waitFor('delta', (delta) => delta.change.kind === 'call');
      const second = await lead.waitFor('delta', (delta) => delta.change.kind === 'agent');
      expect(first.prevSeq).toBe(snapshot.seq);
      expect(second.prevSeq).toBe(first.seq);
      expect(first.change).toMatchObject({ kind: 'call', call: { callId, phase: 'queued', queue: 'general' } });

      lead.close();
      const again = await LeadSocket.open(test.url, token);
      try {
        const fresh = await again.waitFor('snapshot');
        expect(fresh.seq).toBe(second.seq);
        expect(fresh.board.calls.find((call) => call.callId === callId)?.phase).toBe('queued');
        expect(fresh.board.agents.find((agent) => agent.id === 'demo-triage')).toMatchObject({ state: 'away', stateReason: 'lunch' });
        // A client that saw a hole asks again and gets the same truth.
        again.socket.send(JSON.stringify({ type: 'resync' }));
        await expect.poll(() => again.messages.filter((message) => message.type === 'snapshot').length).toBe(2);
      } finally {
        again.close();
      }
    } finally {
      lead.close();
    }
  });

  it('keeps wallboard preferences per agent', async () => {
    const lead = await signIn(test.url, 'demo-lead');
    // Preferences are part of the wallboard ("wallboard.view"): the other agent is an admin, and a call-taker is refused.
    await test.server.store.query(
      "INSERT INTO agents (id, display_name, role, skills, state, state_since) VALUES ('wallboard-admin', 'Wallboard Admin', 'admin', '{}', 'offline', now())",
    );
    await givePasswords(test.server.store, ['wallboard-admin']);
    const other = await signIn(test.url, 'wallboard-admin');
    const url = `${test.url}${LIVE_PREFERENCES_PATH}`;
    const get = async (token: string) => (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json();
    const put = (token: string, body: unknown) =>
      fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const defaults = await get(lead);
    expect(defaults).toMatchObject({ bigScreen: false });
    expect(defaults.bigScreenCards).toContain('queue:general');

    const saved = await put(lead, { bigScreen: true, bigScreenCards: ['metric:service_level', 'queue:triage'] });
    expect(saved.status).toBe(200);
    expect(await get(lead)).toEqual({ bigScreen: true, bigScreenCards: ['metric:service_level', 'queue:triage'] });
    expect(await get(other)).toEqual(defaults);

    expect((await put(lead, { bigScreenCards: ['not-a-card'] })).status).toBe(400);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${await signIn(test.url, 'demo-calltaker')}` } })).status).toBe(403);
  });
});
