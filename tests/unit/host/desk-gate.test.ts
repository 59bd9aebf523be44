// The one list of what a desk that is not unlocked still answers: every method of the contract is
// classified, exactly the sign-in, session, sync and phone methods pass, and the rest are refused
// with DESK_LOCKED before they run.
import { describe, expect, it, vi } from 'vitest';
import { DESK_METHOD_ACCESS, gateDeskApi } from '../../../electron/host/auth/desk-gate.js';
import { DESK_METHOD_NAMES, type DeskApi, type DeskMethodName } from '../../../shared/desk-api.js';

const ANY_STATE: DeskMethodName[] = [
  'getAuthState', 'signIn', 'completeTotpEnrollment', 'unlock', 'lock', 'signOut',
  'getSession', 'getSyncStatus', 'syncNow', 'setAgentState', 'getVoiceToken', 'getCallState',
];

function recordingApi() {
  const ran: string[] = [];
  const api = Object.fromEntries(DESK_METHOD_NAMES.map((name) => [name, vi.fn(async () => (ran.push(name), { ok: true }))])) as unknown as DeskApi;
  return { api, ran };
}

describe('desk gate', () => {
  it('classifies every method of the contract, and nothing else', () => {
    expect(Object.keys(DESK_METHOD_ACCESS).sort()).toEqual([...DESK_METHOD_NAMES].sort());
    for (const name of DESK_METHOD_NAMES) expect(['any_state', 'unlocked']).toContain(DESK_METHOD_ACCESS[name]);
  });

  it('lets only sign-in, the session facts, sync and the phone through while not unlocked', () => {
    const passing = DESK_METHOD_NAMES.filter((name) => DESK_METHOD_ACCESS[name] === 'any_state');
    expect(passing.sort()).toEqual([...ANY_STATE].sort());
  });

  it('refuses the gated methods with DESK_LOCKED without running them, and runs everything once unlocked', async () => {
    const { api, ran } = recordingApi();
    let unlocked = false;
    const gated = gateDeskApi(api, () => unlocked);
    const call = (name: DeskMethodName) => (gated[name] as (params: unknown) => Promise<unknown>)({});

    for (const name of DESK_METHOD_NAMES) {
      if (ANY_STATE.includes(name)) await expect(call(name)).resolves.toEqual({ ok: true });
      else await expect(call(name)).rejects.toMatchObject({ code: 'DESK_LOCKED', message: expect.stringContaining(name) });
    }
    expect(ran.sort()).toEqual([...ANY_STATE].sort());

    unlocked = true;
    ran.length = 0;
    for (const name of DESK_METHOD_NAMES) await expect(call(name)).resolves.toEqual({ ok: true });
    expect(ran).toHaveLength(DESK_METHOD_NAMES.length);
  });
});
