// The desk host's call control and live messages against a stand-in central server on 127.0.0.1:
// each DeskApi call-control method reaches its route with its body and hands back the server's
// answer; offline they fail at once with SERVER_UNREACHABLE and queue nothing; `agent` and `call`
// messages on the poke socket reach the renderer as agentChanged / callChanged.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallControlState } from '../../../shared/call-control.js';
import type { Agent } from '../../../shared/domain/agent.js';
import { DeskFailure } from '../../../shared/errors.js';
import type { RowChange } from '../../../shared/sync-protocol.js';
import { cityChangeLog, HOUSEHOLD_PHONE } from '../../fixtures/host/city-data.js';
import { startHost, type RunningHost } from '../../fixtures/host/desk-host.js';
import { startTcpProxy, type TcpProxy } from '../../fixtures/tcp-proxy.js';
import { startFakeCentralServer, type FakeCentralServer } from '../../fixtures/host/fake-central-server.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';
import { waitFor } from '../../fixtures/host/wait-for.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';

const running: { hosts: RunningHost[]; servers: FakeCentralServer[]; proxies: TcpProxy[] } = { hosts: [], servers: [], proxies: [] };

afterEach(async () => {
  for (const host of running.hosts.splice(0)) await host.close();
  for (const proxy of running.proxies.splice(0)) await proxy.close();
  for (const server of running.servers.splice(0)) await server.stop();
  removeTempDirs();
});

const CALL_ID = '0190a8f2-7b1c-7c3e-8f00-112233445566';

function answeredCall(): CallControlState {
  return {
    callId: CALL_ID,
    callSid: 'CA0123456789abcdef0123456789abcdef',
    from: '+12155550142',
    queue: 'general',
    is911Transfer: false,
    phase: 'answered',
    agentId: 'demo-calltaker',
    onHold: false,
    transfer: null,
    disposition: null,
    caseId: null,
    timeline: [{ at: '2025-06-01T12:02:00Z', kind: 'answered', agentId: 'demo-calltaker', detail: null }],
  };
}

async function started(options: { pokes?: boolean; changes?: RowChange[] } = {}) {
  const { changes = [], ...hostOptions } = options;
  const server = await startFakeCentralServer(changes);
  running.servers.push(server);
  server.call = answeredCall();
  const host = await startHost({
    serverUrl: server.url, dataDir: makeTempDir('calls'), agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD, pullIntervalMs: 60_000, log: () => undefined, ...hostOptions,
  });
  running.hosts.push(host);
  await host.syncOnce();
  return { server, host, desk: host.desk };
}

async function failure(promise: Promise<unknown>): Promise<DeskFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DeskFailure) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('call control through the host', () => {
  it('forwards hold, transfer, complete and wrap-up, and returns what the server answered', async () => {
    const { server, desk } = await started({ pokes: false });
    expect(await desk.getCallState({ callId: CALL_ID })).toEqual(answeredCall());

    const held = await desk.holdCall({ callId: CALL_ID, onHold: true });
    expect(held.onHold).toBe(true);
    expect(held.timeline.map((event) => event.kind)).toEqual(['answered', 'hold']);

    const dialing = await desk.transferCall({ callId: CALL_ID, mode: 'warm', target: { kind: 'department', code: 'streets' } });
    expect(dialing.transfer).toMatchObject({ mode: 'warm', status: 'dialing', target: { kind: 'department', code: 'streets' } });
    const completed = await desk.completeTransfer({ callId: CALL_ID });
    expect(completed.transfer?.status).toBe('completed');

    const agents: Agent[] = [];
    desk.on('agentChanged', (agent) => agents.push(agent));
    const wrapped = await desk.wrapUpCall({ callId: CALL_ID, disposition: 'transferred' });
    expect(wrapped.call).toMatchObject({ phase: 'ended', disposition: 'transferred', caseId: null });
    expect(wrapped.agent).toMatchObject({ state: 'available', stateReason: 'wrap-up done' });
    // The agent the server handed back becomes the session's agent, told to the renderer once.
    expect(agents.map((agent) => agent.state)).toEqual(['available']);
    expect((await desk.getSession({})).agent.state).toBe('available');

    expect(server.callRequests.map(({ method, path, body }) => [method, path, body])).toEqual([
      ['GET', `/calls/${CALL_ID}`, {}],
      ['POST', `/calls/${CALL_ID}/hold`, { onHold: true }],
      ['POST', `/calls/${CALL_ID}/transfer`, { mode: 'warm', target: { kind: 'department', code: 'streets' }, summary: null }],
      ['POST', `/calls/${CALL_ID}/transfer/complete`, {}],
      ['POST', `/calls/${CALL_ID}/wrap-up`, { disposition: 'transferred', caseId: null, note: null }],
    ]);
  });

  it('cancels a transfer and lists the transfer targets', async () => {
    const { server, desk } = await started({ pokes: false });
    await desk.transferCall({ callId: CALL_ID, mode: 'cold', target: { kind: 'department', code: 'streets' } });
    expect((await desk.cancelTransfer({ callId: CALL_ID })).transfer?.status).toBe('cancelled');
    expect(await desk.listTransferTargets({ callId: CALL_ID })).toEqual(server.transferTargets);
  });

  it('passes the server\'s CALL_NOT_FOUND through, and refuses bad params before the network', async () => {
    const { server, desk } = await started({ pokes: false });
    const other = '0190a8f2-7b1c-7c3e-8f00-000000000000';
    expect((await failure(desk.holdCall({ callId: other, onHold: true }))).code).toBe('CALL_NOT_FOUND');
    expect((await failure(desk.transferCall({ callId: CALL_ID, mode: 'warm', target: { kind: 'department', code: '' } }))).code).toBe('INVALID_INPUT');
    expect((await failure(desk.wrapUpCall({ callId: CALL_ID, disposition: 'not-a-disposition' as never }))).code).toBe('INVALID_INPUT');
    expect(server.callRequests).toHaveLength(1);
  });

  it('sends the away reason with the agent state', async () => {
    const { desk } = await started({ pokes: false });
    const agent = await desk.setAgentState({ state: 'away', reason: 'lunch' });
    expect(agent).toMatchObject({ state: 'away', stateReason: 'lunch' });
  });

  it('fails fast while offline, with a clear error and nothing queued', async () => {
    const { server, host, desk } = await started({ pokes: false });
    await server.stop();
    const status = await host.syncOnce();
    expect(status.connection).toBe('offline');
    const askedAt = Date.now();
    const error = await failure(desk.holdCall({ callId: CALL_ID, onHold: true }));
    expect(Date.now() - askedAt).toBeLessThan(200);
    expect(error.code).toBe('SERVER_UNREACHABLE');
    expect(error.message).toMatch(/call control needs it/);
    for (const attempt of [
      desk.transferCall({ callId: CALL_ID, mode: 'warm', target: { kind: 'emergency_911' } }),
      desk.completeTransfer({ callId: CALL_ID }),
      desk.cancelTransfer({ callId: CALL_ID }),
      desk.wrapUpCall({ callId: CALL_ID, disposition: 'other' }),
      desk.listTransferTargets({ callId: CALL_ID }),
      desk.getCallState({ callId: CALL_ID }),
    ]) {
      expect((await failure(attempt)).code).toBe('SERVER_UNREACHABLE');
    }
    // Nothing waits to go out later: a call is live now or never.
    expect((await desk.getSyncStatus({})).pendingMutations).toBe(0);
    expect(await desk.listOutbox({})).toEqual([]);
    await server.restart();
    expect((await host.syncOnce()).connection).toBe('online');
    expect(server.callRequests).toEqual([]);
    expect((await desk.holdCall({ callId: CALL_ID, onHold: true })).onHold).toBe(true);
  });
});

describe('a line that swallows requests', () => {
  it('gives a call-control request up after the request timeout, says so, and does not send it again', async () => {
    const server = await startFakeCentralServer([]);
    running.servers.push(server);
    server.call = answeredCall();
    const proxy = await startTcpProxy(Number(new URL(server.url).port));
    running.proxies.push(proxy);
    const host = await startHost({
      serverUrl: proxy.url, dataDir: makeTempDir('calls-timeout'), agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD,
      pullIntervalMs: 60_000, pokes: false, requestTimeoutMs: 400, log: () => undefined,
    });
    running.hosts.push(host);
    expect((await host.syncOnce()).connection).toBe('online');

    // The network goes quiet without failing: every chunk now waits far longer than the timeout.
    proxy.setFaults({ delayMs: 5_000 });
    const askedAt = Date.now();
    const error = await failure(host.desk.holdCall({ callId: CALL_ID, onHold: true }));
    expect(Date.now() - askedAt).toBeLessThan(2_000);
    expect(error.code).toBe('SERVER_UNREACHABLE');
    expect(error.message).toMatch(/could not be reached/);
    expect(error.message).toMatch(/timeout|timed out/i);
    // One attempt, not retried behind the agent's back; nothing queued for later either.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(proxy.requestLines.filter((line) => line.includes('/hold'))).toHaveLength(1);
    expect((await host.desk.getSyncStatus({})).pendingMutations).toBe(0);
  });
});

describe('live messages on the poke socket', () => {
  it('tells the renderer of agent and call changes at once, and drops what breaks the contract', async () => {
    const { server, desk } = await started();
    await waitFor(() => server.pokeTokens.length > 0, 'the poke socket');
    const agents: Agent[] = [];
    const calls: CallControlState[] = [];
    desk.on('agentChanged', (agent) => agents.push(agent));
    desk.on('callChanged', (call) => calls.push(call));

    // A team lead sets the agent away; a wrap-up timer would look the same.
    const awayByLead: Agent = { ...server.agent, state: 'away', stateSince: '2025-06-01T12:30:00Z', stateReason: 'set by Alex Kim' };
    server.live({ type: 'agent', agent: awayByLead });
    await waitFor(() => agents.length > 0, 'agentChanged');
    expect(agents).toEqual([awayByLead]);
    expect((await desk.getSession({})).agent).toEqual(awayByLead);

    const held = { ...answeredCall(), onHold: true };
    server.live({ type: 'call', call: held });
    await waitFor(() => calls.length > 0, 'callChanged');
    expect(calls).toEqual([held]);

    // Another agent's change is not this desk's agent; junk is dropped; pokes still work.
    server.live({ type: 'agent', agent: { ...awayByLead, id: 'demo-triage' } });
    server.live({ type: 'call', call: { ...held, callId: 'not-a-uuid' } });
    server.live({ type: 'mystery' });
    server.live({ type: 'call', call: { ...held, onHold: false } });
    await waitFor(() => calls.length > 1, 'the second callChanged');
    expect(calls.map((call) => call.onHold)).toEqual([true, false]);
    expect(agents).toHaveLength(1);
  });
});

describe('the host\'s own screen pop', () => {
  it('looks up the caller of a call offered to this agent and sends the pop just before the call', async () => {
    const { server, desk } = await started({ changes: cityChangeLog() });
    await waitFor(() => server.pokeTokens.length > 0, 'the poke socket');
    const heard: string[] = [];
    const pops: Array<{ callId: string; phone: string; names: string[] }> = [];
    desk.on('callerPopped', ({ callId, phone, pop }) => {
      heard.push(`popped:${callId}`);
      pops.push({ callId, phone, names: pop.matches.map((match) => match.caller.name) });
    });
    desk.on('callChanged', (call) => heard.push(`${call.phase}:${call.callId}`));
    const ringing: CallControlState = { ...answeredCall(), from: HOUSEHOLD_PHONE, phase: 'ringing', timeline: [] };

    server.live({ type: 'call', call: ringing });
    await waitFor(() => heard.length >= 2, 'the pop and the call');
    expect(heard).toEqual([`popped:${CALL_ID}`, `ringing:${CALL_ID}`]);
    expect(pops[0]).toMatchObject({ callId: CALL_ID, phone: HOUSEHOLD_PHONE });
    expect(pops[0]!.names.sort()).toEqual(['Jose Gonzalez', 'Maria Gonzalez']);

    // The same call again, another agent's call, and an answered one: no new pop.
    const otherCall = '0190a8f2-7b1c-7c3e-8f00-998877665544';
    server.live({ type: 'call', call: ringing });
    server.live({ type: 'call', call: { ...ringing, callId: otherCall, agentId: 'demo-triage' } });
    server.live({ type: 'call', call: { ...ringing, phase: 'answered' } });
    await waitFor(() => heard.length >= 5, 'three more calls');
    expect(heard.filter((entry) => entry.startsWith('popped:'))).toHaveLength(1);
  });

  it('sends nothing of the caller to a locked desk; the phone still rings there', async () => {
    const { server, desk } = await started({ changes: cityChangeLog() });
    await waitFor(() => server.pokeTokens.length > 0, 'the poke socket');
    await desk.lock({ reason: 'manual' });
    const heard: string[] = [];
    desk.on('callerPopped', () => heard.push('popped'));
    desk.on('callChanged', (call) => heard.push(call.phase));
    server.live({ type: 'call', call: { ...answeredCall(), from: HOUSEHOLD_PHONE, phase: 'ringing', timeline: [] } });
    await waitFor(() => heard.length > 0, 'the call');
    expect(heard).toEqual(['ringing']);
  });
});
