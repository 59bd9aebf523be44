// handleDeskCall: the validation every transport relies on.
import { describe, expect, it } from 'vitest';
import { handleDeskCall } from '../../fixtures/host/desk-host.js';
import { DESK_METHOD_NAMES, type DeskApi } from '../../../shared/desk-api.js';
import type { Agent } from '../../../shared/domain/agent.js';
import { DeskFailure } from '../../../shared/errors.js';

const agent: Agent = { id: 'demo-calltaker', displayName: 'Demo', role: 'call_taker', skills: [], state: 'available', stateSince: '2025-06-01T12:00:00Z', stateReason: null };

function stubDesk(overrides: Partial<DeskApi> = {}): DeskApi & { calls: unknown[] } {
  const calls: unknown[] = [];
  const notUsed = async () => {
    throw new Error('not used in this test');
  };
  const unused = Object.fromEntries(DESK_METHOD_NAMES.map((name) => [name, notUsed])) as unknown as DeskApi;
  return {
    ...unused,
    calls,
    setAgentState: async (params) => {
      calls.push(params);
      return { ...agent, state: params.state };
    },
    lookupCaller: async (params) => {
      calls.push(params);
      return { query: params.phone, e164: null, matches: [], lookupMs: 0.01 };
    },
    ...overrides,
  };
}

describe('handleDeskCall', () => {
  it('answers an unknown method with UNKNOWN_METHOD', async () => {
    const reply = await handleDeskCall(stubDesk(), { kind: 'call', id: 7, method: 'dropDatabase', params: {} });
    expect(reply).toMatchObject({ kind: 'reply', id: 7, ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('does not treat inherited object properties as methods', async () => {
    const reply = await handleDeskCall(stubDesk(), { kind: 'call', id: 8, method: 'constructor', params: {} });
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('answers params that fail the schema with INVALID_INPUT and the zod message, without calling the method', async () => {
    const desk = stubDesk();
    const empty = await handleDeskCall(desk, { kind: 'call', id: 1, method: 'lookupCaller', params: { phone: '' } });
    expect(empty).toMatchObject({ id: 1, ok: false, error: { code: 'INVALID_INPUT' } });
    expect(empty.ok ? '' : empty.error.message).toContain('phone');

    const extra = await handleDeskCall(desk, { kind: 'call', id: 2, method: 'setAgentState', params: { state: 'asleep' } });
    expect(extra).toMatchObject({ id: 2, ok: false, error: { code: 'INVALID_INPUT' } });
    expect(desk.calls).toEqual([]);
  });

  it('answers a broken envelope with INVALID_INPUT, keeping its id when it has one', async () => {
    expect(await handleDeskCall(stubDesk(), { kind: 'call', id: 3 })).toMatchObject({ id: 3, ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await handleDeskCall(stubDesk(), 'lookupCaller')).toMatchObject({ id: -1, ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('runs a valid call and returns the checked result', async () => {
    const desk = stubDesk();
    const reply = await handleDeskCall(desk, { kind: 'call', id: 4, method: 'lookupCaller', params: { phone: 'anonymous' } });
    expect(reply).toEqual({ kind: 'reply', id: 4, ok: true, value: { query: 'anonymous', e164: null, matches: [], lookupMs: 0.01 } });
    expect(desk.calls).toEqual([{ phone: 'anonymous' }]);
  });

  it('turns a thrown DeskFailure into its code and a result outside the contract into INTERNAL', async () => {
    const offline = stubDesk({
      getVoiceToken: async () => {
        throw new DeskFailure('SERVER_UNREACHABLE', 'no route to the server');
      },
    });
    expect(await handleDeskCall(offline, { kind: 'call', id: 5, method: 'getVoiceToken', params: {} })).toEqual({
      kind: 'reply', id: 5, ok: false, error: { code: 'SERVER_UNREACHABLE', message: 'no route to the server' },
    });

    const broken = stubDesk({ getSyncStatus: async () => ({ connection: 'sideways' }) as never });
    expect(await handleDeskCall(broken, { kind: 'call', id: 6, method: 'getSyncStatus', params: {} })).toMatchObject({
      ok: false, error: { code: 'INTERNAL' },
    });
  });
});
