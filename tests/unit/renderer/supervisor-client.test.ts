// The wallboard's HTTP client for supervisor actions, with a fake fetch: what it sends, and how
// it turns a refusal, an unreachable server or an unexpected answer into a DeskFailure. The same
// client against the real server is in tests/integration/server/supervisor.test.ts.
import { describe, expect, it } from 'vitest';
import { httpSupervisorActions } from '../../../renderer/queue/supervisor-client.js';

function fakeFetch(answer: () => Response | Promise<Response>) {
  const sent: Array<{ url: string; method: string; headers: Record<string, string>; body: unknown }> = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(input), method: init?.method ?? 'GET', headers: init?.headers as Record<string, string>,
      body: init?.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    return answer();
  }) as typeof fetch;
  return { sent, fetchImpl };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const CALL_ID = '0193a5b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b';

describe('httpSupervisorActions', () => {
  it('sends the bearer token read at each request, and the contract bodies', async () => {
    const { sent, fetchImpl } = fakeFetch(() => json(200, { callId: CALL_ID, supervisorId: 'demo-lead', mode: null, legSid: 'CA1' }));
    let token = 'first';
    const client = httpSupervisorActions({ serverUrl: 'http://server.test', accessToken: () => token, fetch: fetchImpl });
    expect(await client.leaveCall(CALL_ID)).toEqual({ callId: CALL_ID, supervisorId: 'demo-lead', mode: null, legSid: 'CA1' });
    token = 'renewed';
    await client.monitorCall(CALL_ID, 'coach');
    expect(sent).toEqual([
      { url: `http://server.test/supervisor/calls/${CALL_ID}/monitor`, method: 'DELETE', headers: { authorization: 'Bearer first' }, body: undefined },
      {
        url: `http://server.test/supervisor/calls/${CALL_ID}/monitor`, method: 'POST',
        headers: { authorization: 'Bearer renewed', 'content-type': 'application/json' }, body: { mode: 'coach' },
      },
    ]);
  });

  it("turns the server's refusal into a DeskFailure with its code", async () => {
    const { fetchImpl } = fakeFetch(() => json(409, { error: { code: 'AGENT_UNAVAILABLE', message: 'Pat Lee cannot take this call now: is away' } }));
    const client = httpSupervisorActions({ serverUrl: 'http://server.test', accessToken: () => 't', fetch: fetchImpl });
    await expect(client.assignCall(CALL_ID, 'general-only')).rejects.toMatchObject({
      code: 'AGENT_UNAVAILABLE', message: 'Pat Lee cannot take this call now: is away',
    });
  });

  it('reports an unreachable server and an answer that does not match the contract', async () => {
    const down = fakeFetch(() => Promise.reject(new TypeError('fetch failed')));
    const unreachable = httpSupervisorActions({ serverUrl: 'http://server.test', accessToken: () => 't', fetch: down.fetchImpl });
    await expect(unreachable.setCallPriority(CALL_ID, 'high')).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE', message: 'fetch failed' });

    const odd = fakeFetch(() => json(200, { callId: CALL_ID, priority: 'urgent' }));
    const client = httpSupervisorActions({ serverUrl: 'http://server.test', accessToken: () => 't', fetch: odd.fetchImpl });
    await expect(client.setCallPriority(CALL_ID, 'high')).rejects.toMatchObject({ code: 'SERVER_ERROR' });
    const proxy = fakeFetch(() => new Response('<html>bad gateway</html>', { status: 502 }));
    const behindProxy = httpSupervisorActions({ serverUrl: 'http://server.test', accessToken: () => 't', fetch: proxy.fetchImpl });
    await expect(behindProxy.setAgentSkills('ana', [])).rejects.toMatchObject({ code: 'SERVER_ERROR', message: 'the server answered HTTP 502' });
  });
});
