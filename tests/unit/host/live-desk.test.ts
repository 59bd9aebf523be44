// The wallboard's DeskApi methods in the host against a stand-in server on 127.0.0.1: each
// supervisor action and the preferences reach their route with the lead's bearer token and body,
// the server's refusals keep their code, params outside the contract never leave the host, and
// offline every one fails at once without a request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { handleDeskCall } from '../../../electron/host/desk-dispatch.js';
import { createWallboardDesk } from '../../../electron/host/live/wallboard-desk.js';
import { ServerSession } from '../../../electron/host/sync/server-session.js';
import type { DeskApi } from '../../../shared/desk-api.js';
import type { Agent } from '../../../shared/domain/agent.js';

const CALL_ID = '0190a8f2-7b1c-7c3e-8f00-112233445566';
const lead: Agent = {
  id: 'demo-lead', displayName: 'Alex Kim', role: 'team_lead', skills: [], state: 'available',
  stateSince: '2026-12-01T12:00:00.000Z', stateReason: null,
};
const calltaker: Agent = { ...lead, id: 'demo-calltaker', displayName: 'Jordan Reyes', role: 'call_taker', skills: ['general'] };

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** Answers like the server's supervisor and preference routes; `refuse` answers the next request with an error. */
async function startStandIn() {
  const seen: Seen[] = [];
  const state = { refuse: null as null | { status: number; code: string; message: string } };
  const server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      const path = request.url ?? '';
      const reply = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (path === '/auth/refresh') {
        return reply(200, {
          status: 'signed_in', agent: lead, sessionId: '0190a8f2-7b1c-7c3e-8f00-0000000000f1', accessToken: 'lead-token',
          accessExpiresAt: new Date(Date.now() + 900_000).toISOString(), refreshToken: 'lead-refresh',
          refreshExpiresAt: new Date(Date.now() + 86_400_000).toISOString(), policy: { offlineUnlockHours: 12, lockAfterMinutes: 15 },
        });
      }
      seen.push({ method: request.method ?? '', path, authorization: request.headers.authorization, body });
      if (state.refuse) {
        const { status, code, message } = state.refuse;
        state.refuse = null;
        return reply(status, { error: { code, message } });
      }
      const b = body as Record<string, unknown> | undefined;
      if (path === '/live/preferences') return reply(200, request.method === 'PUT' ? b : { bigScreenCards: ['agents'], bigScreen: true });
      if (path.endsWith('/state')) return reply(200, { ...calltaker, state: b?.state, stateReason: 'set by Alex Kim' });
      if (path.endsWith('/skills')) return reply(200, { ...calltaker, skills: b?.skills });
      if (path.endsWith('/monitor')) {
        return reply(200, { callId: CALL_ID, supervisorId: 'demo-lead', mode: request.method === 'DELETE' ? null : b?.mode, legSid: null });
      }
      if (path.endsWith('/priority')) return reply(200, { callId: CALL_ID, priority: b?.priority });
      if (path.endsWith('/assign')) return reply(200, { callId: CALL_ID, agentId: b?.agentId });
      return reply(404, { error: { code: 'NOT_FOUND', message: `no route ${path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, state };
}

function wallboardDesk(serverUrl: string, offlineSince: string | null = null) {
  // Resumes a session the way a restarted desk does: with the refresh token it kept.
  let refreshToken: string | null = 'lead-refresh';
  const session = new ServerSession({
    serverUrl, agentId: 'demo-lead', requestTimeoutMs: 2_000,
    refreshTokens: { read: () => refreshToken, write: (token) => (refreshToken = token) },
  });
  const relayCalls: string[] = [];
  const desk = createWallboardDesk({
    session,
    offlineSince: () => offlineSince,
    relay: {
      watch: (watcherId) => (relayCalls.push(`watch:${watcherId}`), { leaseMs: 30_000, feed: 'connecting', downSince: null }),
      unwatch: (watcherId) => void relayCalls.push(`unwatch:${watcherId}`),
      resync: () => void relayCalls.push('resync'),
    },
  });
  let id = 0;
  const call = async (method: string, params: unknown) => handleDeskCall(desk as unknown as DeskApi, { kind: 'call', id: id++, method, params });
  return { call, relayCalls };
}

describe('wallboard desk methods', () => {
  it('forwards each supervisor action and the preferences to its route with the bearer token', async () => {
    const server = await startStandIn();
    const { call } = wallboardDesk(server.url);
    const results = [
      await call('supervisorSetAgentState', { agentId: 'demo-calltaker', state: 'away', reason: 'coaching' }),
      await call('supervisorSetAgentSkills', { agentId: 'demo-calltaker', skills: ['general', 'triage'] }),
      await call('monitorCall', { callId: CALL_ID, mode: 'listen' }),
      await call('leaveMonitoredCall', { callId: CALL_ID }),
      await call('setCallPriority', { callId: CALL_ID, priority: 'high' }),
      await call('assignCall', { callId: CALL_ID, agentId: 'demo-triage' }),
      await call('getWallboardPreferences', {}),
      await call('saveWallboardPreferences', { bigScreenCards: ['alerts', 'agents'], bigScreen: true }),
    ];
    expect(results.every((reply) => reply.ok)).toBe(true);
    expect(results[0]).toMatchObject({ ok: true, value: { id: 'demo-calltaker', state: 'away', stateReason: 'set by Alex Kim' } });
    expect(results[6]).toMatchObject({ ok: true, value: { bigScreenCards: ['agents'], bigScreen: true } });
    expect(server.seen.map(({ method, path, body }) => [method, path, body])).toEqual([
      ['PUT', '/supervisor/agents/demo-calltaker/state', { state: 'away', reason: 'coaching' }],
      ['PUT', '/supervisor/agents/demo-calltaker/skills', { skills: ['general', 'triage'] }],
      ['POST', `/supervisor/calls/${CALL_ID}/monitor`, { mode: 'listen' }],
      ['DELETE', `/supervisor/calls/${CALL_ID}/monitor`, undefined],
      ['POST', `/supervisor/calls/${CALL_ID}/priority`, { priority: 'high' }],
      ['POST', `/supervisor/calls/${CALL_ID}/assign`, { agentId: 'demo-triage' }],
      ['GET', '/live/preferences', undefined],
      ['PUT', '/live/preferences', { bigScreenCards: ['alerts', 'agents'], bigScreen: true }],
    ]);
    expect(new Set(server.seen.map((request) => request.authorization))).toEqual(new Set(['Bearer lead-token']));
  });

  it("keeps the server's refusal codes", async () => {
    const server = await startStandIn();
    const { call } = wallboardDesk(server.url);
    server.state.refuse = { status: 409, code: 'STATE_CONFLICT', message: 'Jordan Reyes is on a call' };
    expect(await call('supervisorSetAgentState', { agentId: 'demo-calltaker', state: 'available' })).toMatchObject({
      ok: false, error: { code: 'STATE_CONFLICT', message: 'Jordan Reyes is on a call' },
    });
    server.state.refuse = { status: 403, code: 'FORBIDDEN', message: 'team leads and admins only' };
    expect(await call('assignCall', { callId: CALL_ID, agentId: 'demo-triage' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses params outside the contract before anything leaves the host', async () => {
    const server = await startStandIn();
    const { call } = wallboardDesk(server.url);
    const refused = [
      await call('supervisorSetAgentState', { agentId: 'Not An Id', state: 'away', reason: 'break' }),
      await call('monitorCall', { callId: 'not-a-uuid', mode: 'listen' }),
      await call('monitorCall', { callId: CALL_ID, mode: 'shout' }),
      await call('supervisorSetAgentSkills', { agentId: 'demo-calltaker', skills: ['general', 'general'] }),
      await call('saveWallboardPreferences', { bigScreenCards: ['no-such-card'] }),
      await call('watchWallboard', { watcherId: 'x' }),
    ];
    expect(refused.map((reply) => (reply.ok ? 'ok' : reply.error.code))).toEqual(Array(6).fill('INVALID_INPUT'));
    expect(server.seen).toEqual([]);
  });

  it('fails at once while offline, without a request', async () => {
    const server = await startStandIn();
    const { call } = wallboardDesk(server.url, '2026-12-01T12:03:00.000Z');
    const reply = await call('supervisorSetAgentState', { agentId: 'demo-calltaker', state: 'available' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'SERVER_UNREACHABLE' } });
    expect(reply.ok ? '' : reply.error.message).toContain('2026-12-01T12:03:00.000Z');
    expect((await call('getWallboardPreferences', {})).ok).toBe(false);
    expect(server.seen).toEqual([]);
  });

  it('passes watch leases and resyncs to the relay', async () => {
    const server = await startStandIn();
    const { call, relayCalls } = wallboardDesk(server.url);
    expect(await call('watchWallboard', { watcherId: 'watcher-1' })).toMatchObject({ ok: true, value: { feed: 'connecting', leaseMs: 30_000 } });
    expect((await call('resyncWallboard', {})).ok).toBe(true);
    expect((await call('unwatchWallboard', { watcherId: 'watcher-1' })).ok).toBe(true);
    expect(relayCalls).toEqual(['watch:watcher-1', 'resync', 'unwatch:watcher-1']);
  });
});
