// The renderer's side of sign-in and locking, with an in-process fake desk: the desk opens only
// once unlocked, a locked desk answers no call from the keyboard and pops the ringing call once
// unlocked, sign-out drops the phone, the inactivity lock counts input and never locks under a
// call, the password leaves nothing in the store, and the screens say each refusal in words.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { DeskAuthState } from '../../../shared/desk-api.js';
import { DeskFailure, deskError } from '../../../shared/errors.js';
import { App } from '../../../renderer/app/App.js';
import { DeskController } from '../../../renderer/app/controller.js';
import { createMilestoneRecorder } from '../../../renderer/app/milestones.js';
import { isLockShortcut } from '../../../renderer/app/shortcuts.js';
import { authErrorText, cleanTotpCode, groupSecret } from '../../../renderer/auth/auth-view.js';
import { InactivityLock, type InactivityTimers, type InputTarget } from '../../../renderer/auth/inactivity.js';
import { createLogger } from '../../../renderer/lib/log.js';
import { SoftphoneCore } from '../../../renderer/softphone/softphone-core.js';
import { createDeskStore, DeskStoreContext, type DeskStore } from '../../../renderer/stores/desk-store.js';
import { createFakeDesk } from './fake-desk.js';
import { incomingCall, unlockedAuthState } from './fixtures.js';

const locked: DeskAuthState = { ...unlockedAuthState, state: 'locked', reason: 'start' };
const signedOut: DeskAuthState = { ...unlockedAuthState, state: 'signed_out', reason: 'start', displayName: null, offlineUnlockUntil: null };

class RingingSoftphone extends SoftphoneCore {
  readonly kind = 'simulated' as const;
  wasDestroyed = false;
  constructor() {
    super({ log: createLogger('test-softphone'), endedHoldMs: 5 });
  }
  async register(): Promise<void> {
    this.setRegistration('registered', 'scripted', 'demo-calltaker');
  }
  ring(): void {
    this.transition('ringing', 'invite', incomingCall);
  }
  accept(): boolean {
    return this.transition('connecting', 'agent_accepted') && this.transition('in_call', 'media_connected');
  }
  reject(): boolean {
    return this.transition('ended', 'agent_declined');
  }
  hangup(): boolean {
    return this.transition('ended', 'agent_hung_up');
  }
  setMuted(): boolean {
    return false;
  }
  sendDigits(): boolean {
    return false;
  }
  async refreshRegistration(): Promise<void> {}
  override destroy(): void {
    this.wasDestroyed = true;
    super.destroy();
  }
}

function deskStartingAs(auth: DeskAuthState) {
  const fake = createFakeDesk({ getAuthState: vi.fn(async () => auth) });
  const store = createDeskStore();
  const softphone = new RingingSoftphone();
  const controller = new DeskController({ desk: fake.desk, store, milestone: createMilestoneRecorder({}), createSoftphone: async () => softphone });
  return { ...fake, store, softphone, controller };
}

describe('the desk controller and the auth state', () => {
  it('opens nothing while locked, and opens the desk once the host says unlocked', async () => {
    const { desk, calls, emit, store, controller } = deskStartingAs(locked);
    await controller.start();
    expect(desk.getAuthState).toHaveBeenCalledTimes(1);
    expect(calls).toEqual([]);
    expect(store.getState().auth?.state).toBe('locked');
    expect(store.getState().session).toBeNull();

    emit('authState', unlockedAuthState);
    await vi.waitFor(() => expect(store.getState().softphoneRegistration).toBe('registered'));
    expect(calls.filter((call) => call !== 'getSyncStatus')).toEqual(['getSession', 'setAgentState:available']);
    expect(desk.getSession).toHaveBeenCalledTimes(1);
  });

  it('answers nothing from the keyboard while locked, and pops the ringing call once unlocked', async () => {
    const { desk, emit, store, softphone, controller } = deskStartingAs(unlockedAuthState);
    await controller.start();
    emit('authState', { ...unlockedAuthState, state: 'locked', reason: 'manual' });
    vi.mocked(desk.lookupCaller).mockRejectedValueOnce(new DeskFailure('DESK_LOCKED'));
    softphone.ring();
    expect(store.getState().callState).toBe('ringing');
    controller.perform({ kind: 'accept' });
    expect(controller.accept()).toBe(false);
    expect(store.getState().callState).toBe('ringing');
    expect(store.getState().notice).toBeNull();

    const lookups = vi.mocked(desk.lookupCaller).mock.calls.length;
    emit('authState', unlockedAuthState);
    await vi.waitFor(() => expect(vi.mocked(desk.lookupCaller).mock.calls.length).toBe(lookups + 1));
    await vi.waitFor(() => expect(store.getState().screenPop.status).toBe('ready'));
    expect(controller.accept()).toBe(true);
  });

  it('drops the phone and the session at sign-out, and opens afresh at the next sign-in', async () => {
    const { desk, emit, store, softphone, controller } = deskStartingAs(unlockedAuthState);
    await controller.start();
    await controller.signOut(true);
    expect(desk.signOut).toHaveBeenCalledWith({ everywhere: true });
    expect(store.getState()).toMatchObject({ auth: { state: 'signed_out', reason: 'signed_out_everywhere' }, session: null, agent: null });
    expect(softphone.wasDestroyed).toBe(true);

    emit('authState', unlockedAuthState);
    await vi.waitFor(() => expect(desk.getSession).toHaveBeenCalledTimes(2));
  });

  it('keeps no password in the store, and keeps the refusal for the form', async () => {
    const { desk, store, controller } = deskStartingAs(signedOut);
    await controller.start();
    vi.mocked(desk.signIn).mockRejectedValueOnce(new DeskFailure('TOTP_REQUIRED'));
    expect(await controller.auth.signIn('demo-calltaker', 'a secret password')).toBe(false);
    expect(store.getState()).toMatchObject({ authError: { code: 'TOTP_REQUIRED' }, totpAsked: true, authPending: false });
    expect(JSON.stringify(store.getState())).not.toContain('a secret password');

    expect(await controller.auth.signIn('demo-calltaker', 'a secret password', '123456')).toBe(true);
    expect(desk.signIn).toHaveBeenLastCalledWith({ agentId: 'demo-calltaker', password: 'a secret password', totpCode: '123456' });
    expect(store.getState()).toMatchObject({ auth: { state: 'unlocked' }, authError: null, totpAsked: false });
    expect(JSON.stringify(store.getState())).not.toContain('a secret password');
  });
});

class ManualClock implements InactivityTimers {
  at = 0;
  private timers = new Map<number, { due: number; run: () => void }>();
  private next = 1;
  now = () => this.at;
  setTimeout = (run: () => void, ms: number) => {
    const id = this.next++;
    this.timers.set(id, { due: this.at + ms, run });
    return id;
  };
  clearTimeout = (id: unknown) => void this.timers.delete(id as number);
  advance(ms: number): void {
    const until = this.at + ms;
    for (;;) {
      const [id, timer] = [...this.timers.entries()].sort((a, b) => a[1].due - b[1].due)[0] ?? [];
      if (id === undefined || !timer || timer.due > until) break;
      this.timers.delete(id);
      this.at = timer.due;
      timer.run();
    }
    this.at = until;
  }
}

class FakeInput implements InputTarget {
  listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, listener: () => void) {
    this.listeners.set(type, (this.listeners.get(type) ?? new Set()).add(listener));
  }
  removeEventListener(type: string, listener: () => void) {
    this.listeners.get(type)?.delete(listener);
  }
  fire(type: string) {
    for (const listener of this.listeners.get(type) ?? []) listener();
  }
}

describe('the inactivity lock', () => {
  function lockAfter(minutes: number, busy = () => false) {
    const clock = new ManualClock();
    const input = new FakeInput();
    const idle = vi.fn();
    const lock = new InactivityLock({ target: input, lockAfterMs: () => minutes * 60_000, busy, onIdle: idle, timers: clock });
    lock.start();
    return { clock, input, idle, lock };
  }

  it('locks after the policy\'s minutes without input, and input starts the count again', () => {
    const { clock, input, idle } = lockAfter(5);
    clock.advance(4 * 60_000);
    input.fire('pointermove');
    clock.advance(4 * 60_000);
    expect(idle).not.toHaveBeenCalled();
    input.fire('keydown');
    clock.advance(5 * 60_000 - 1);
    expect(idle).not.toHaveBeenCalled();
    clock.advance(1);
    expect(idle).toHaveBeenCalledTimes(1);
    // Stopped by itself: no second lock, no listeners left.
    clock.advance(60 * 60_000);
    expect(idle).toHaveBeenCalledTimes(1);
    expect([...input.listeners.values()].every((set) => set.size === 0)).toBe(true);
  });

  it('never locks while a call rings or is live, and counts from the end of it', () => {
    let onCall = true;
    const { clock, idle, lock } = lockAfter(1, () => onCall);
    clock.advance(30.5 * 60_000);
    expect(idle).not.toHaveBeenCalled();
    onCall = false;
    lock.activity();
    clock.advance(60_000 - 1);
    expect(idle).not.toHaveBeenCalled();
    clock.advance(1);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it('stops counting when stopped (the desk was locked another way)', () => {
    const { clock, idle, lock } = lockAfter(1);
    lock.stop();
    clock.advance(10 * 60_000);
    expect(idle).not.toHaveBeenCalled();
  });
});

describe('what the auth screens say', () => {
  it('groups the secret by four, keeps six digits of a code, and knows Ctrl+L', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXPAB')).toBe('JBSW Y3DP EHPK 3PXP AB');
    expect(cleanTotpCode('12 34-5678')).toBe('123456');
    expect(isLockShortcut({ key: 'l', ctrlKey: true, metaKey: false, altKey: false, shiftKey: false })).toBe(true);
    expect(isLockShortcut({ key: 'L', ctrlKey: false, metaKey: true, altKey: false, shiftKey: false })).toBe(true);
    expect(isLockShortcut({ key: 'l', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false })).toBe(false);
  });

  it('says every refusal in words, with the time an account is locked until', () => {
    expect(authErrorText(deskError('INVALID_CREDENTIALS'))).toMatch(/password is not right/);
    expect(authErrorText(deskError('ACCOUNT_LOCKED', 'locked', { status: 423, lockedUntil: '2026-12-01T09:30:00Z' }))).toMatch(/locked until \S/);
    expect(authErrorText(deskError('TOTP_INVALID'))).toMatch(/code is wrong/);
    expect(authErrorText(deskError('OFFLINE_UNLOCK_EXPIRED'))).toMatch(/offline unlock has expired/);
    expect(authErrorText(deskError('SERVER_UNREACHABLE'))).toMatch(/cannot be reached/);
  });

  it('renders the sign-in form, the code field once asked, the lock screen with a ringing call, and no workspace', () => {
    const { store, controller } = deskStartingAs(signedOut);
    const render = () => {
      const current = store.getState();
      store.getInitialState = () => current;
      return renderToStaticMarkup(createElement(DeskStoreProvider, { store }, createElement(App, { controller })));
    };
    store.getState().authStateReceived(signedOut);
    let html = render();
    expect(html).toContain('data-testid="sign-in-form"');
    expect(html).toMatch(/<label for="([^"]+)">Password<\/label><input id="\1"/);
    expect(html).toContain('value="demo-calltaker"');
    expect(html).not.toContain('data-testid="sign-in-code"');
    expect(html).not.toContain('status-bar');

    store.getState().authRequestFailed(deskError('TOTP_REQUIRED'));
    html = render();
    expect(html).toContain('data-testid="sign-in-code"');
    expect(html).toContain('Enter the 6-digit code');

    store.getState().authStateReceived({ ...locked, reason: 'inactivity' });
    store.setState({ callState: 'ringing', currentCall: incomingCall });
    html = render();
    expect(html).toContain('data-testid="lock-form"');
    expect(html).toContain('Dana Call-Taker');
    expect(html).toContain('unlock to answer');
    expect(html).not.toContain(incomingCall.from);

    store.getState().authStateReceived({ ...signedOut, state: 'totp_enrollment', enrollment: { secret: 'JBSWY3DPEHPK3PXP', otpauthUri: 'otpauth://totp/Frontdesk311:demo-lead?secret=JBSWY3DPEHPK3PXP', expiresAt: '2026-12-01T09:00:00Z' } });
    html = render();
    expect(html).toContain('JBSW Y3DP EHPK 3PXP');
    expect(html).toContain('href="otpauth://totp/Frontdesk311:demo-lead?secret=JBSWY3DPEHPK3PXP"');
  });
});

function DeskStoreProvider({ store, children }: { store: DeskStore; children?: unknown }) {
  return createElement(DeskStoreContext.Provider, { value: store }, children as never);
}
