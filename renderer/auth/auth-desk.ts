// Sign-in, unlock, lock and sign-out, free of React. Each call hands the password straight to the
// host and keeps nothing of it: the store gets the host's answer (or its refusal) only.
import type { DeskAuthState, DeskClient } from '../../shared/desk-api.js';
import { toDeskError } from '../../shared/errors.js';
import type { Logger } from '../lib/log.js';
import type { DeskStore } from '../stores/desk-store.js';

export class AuthDesk {
  constructor(
    private readonly desk: DeskClient,
    private readonly store: DeskStore,
    private readonly log: Logger,
  ) {}

  private get state() {
    return this.store.getState();
  }

  /** Follows the host's authState event; returns the unsubscribe. */
  subscribe(): () => void {
    return this.desk.on('authState', (auth) => this.state.authStateReceived(auth));
  }

  async load(): Promise<DeskAuthState> {
    const auth = await this.desk.getAuthState({});
    this.state.authStateReceived(auth);
    return auth;
  }

  signIn(agentId: string, password: string, totpCode?: string): Promise<boolean> {
    return this.request('sign-in', () => this.desk.signIn({ agentId, password, ...(totpCode ? { totpCode } : {}) }));
  }

  completeEnrollment(totpCode: string): Promise<boolean> {
    return this.request('enrollment', () => this.desk.completeTotpEnrollment({ totpCode }));
  }

  unlock(password: string): Promise<boolean> {
    return this.request('unlock', () => this.desk.unlock({ password }));
  }

  async lock(reason: 'manual' | 'inactivity'): Promise<void> {
    if (this.state.auth?.state !== 'unlocked') return;
    try {
      this.state.authStateReceived(await this.desk.lock({ reason }));
    } catch (error) {
      this.log.warn('could not lock the desk', toDeskError(error));
    }
  }

  signOut(everywhere: boolean): Promise<boolean> {
    return this.request(everywhere ? 'sign-out everywhere' : 'sign-out', () => this.desk.signOut({ everywhere }));
  }

  /** True when the host said yes; the refusal is in the store for the form to show. */
  private async request(what: string, run: () => Promise<DeskAuthState>): Promise<boolean> {
    this.state.authRequestStarted();
    try {
      const auth = await run();
      this.state.authRequestSucceeded(auth, auth.state === 'unlocked' && (await this.serverUnreachable()));
      return true;
    } catch (error) {
      const failure = toDeskError(error);
      this.log.info(`${what} refused: ${failure.code}`);
      this.state.authRequestFailed(failure);
      return false;
    }
  }

  /** A sign-in answered while the host cannot reach the server was checked locally: the form says so. */
  private async serverUnreachable(): Promise<boolean> {
    try {
      return (await this.desk.getSyncStatus({})).connection === 'offline';
    } catch {
      return false;
    }
  }
}
