// Who may use this desk now: one state (signed_out, locked, totp_enrollment, unlocked) changed
// only through `setState`, which emits `authState`. Online sign-in goes to the server and leaves
// an offline verifier behind; unlock checks that verifier locally while it is valid, so a desk
// without the server opens for the agent who signed in on it.
import type { CacheDatabase as Database } from '../cache/open-cache.js';
import type { DeskAuthState } from '../../../shared/desk-api.js';
import type { Agent } from '../../../shared/domain/agent.js';
import { DeskFailure } from '../../../shared/errors.js';
import type { DesktopPolicy, SignedIn } from '../../../shared/server-api.js';
import type { HostLog } from '../host-log.js';
import type { ServerSession } from '../sync/server-session.js';
import {
  clearWrongLocalPasswords, countWrongLocalPassword, forgetOfflineVerifier, hashPasswordForOfflineUnlock, LOCAL_UNLOCK_ATTEMPTS,
  offlineUnlockUntil, passwordMatches, readOfflineVerifier, writeOfflineVerifier, type OfflineVerifier,
} from './offline-verifier.js';

/** Until the server has said otherwise (no sign-in on this install yet). */
export const DEFAULT_LOCK_AFTER_MINUTES = 15;

export type AuthStateName = DeskAuthState['state'];
export type AuthReason = 'start' | 'inactivity' | 'manual' | 'signed_out' | 'signed_out_everywhere' | 'session_ended';

type PendingEnrollment = {
  enrollmentToken: string;
  otpauthUri: string;
  secret: string;
  expiresAt: string;
  /** Hashed at once: the password itself is not kept while the agent types the code. */
  passwordHash: string;
};

export interface DeskAuthOptions {
  db: Database;
  /** The agent this desk is set up for; no one else signs in here. */
  agentId: string;
  session: Pick<ServerSession, 'signInWithPassword' | 'enrollTotp' | 'signOut' | 'forget' | 'hasRefreshToken'>;
  now: () => Date;
  lastKnownAgent: () => Agent | null;
  emit: (state: DeskAuthState) => void;
  log: HostLog;
}

export class DeskAuth {
  private state: AuthStateName;
  private reason: AuthReason | null;
  private verifier: OfflineVerifier | null;
  private enrollment: PendingEnrollment | null = null;
  private policy: DesktopPolicy | null = null;
  private lastEmitted = '';
  /** One sign-in, unlock or sign-out at a time: each reads the state the previous one left. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DeskAuthOptions) {
    const stored = readOfflineVerifier(options.db);
    // A verifier of another agent (the desk was set up for someone else before) opens nothing.
    this.verifier = stored && stored.agentId === options.agentId ? stored : null;
    this.policy = this.verifier?.policy ?? null;
    const resumable = this.verifier !== null && options.session.hasRefreshToken;
    this.state = resumable ? 'locked' : 'signed_out';
    this.reason = 'start';
    this.lastEmitted = JSON.stringify(this.getState());
  }

  get isUnlocked(): boolean {
    return this.state === 'unlocked';
  }

  getState(): DeskAuthState {
    const { verifier, enrollment } = this;
    return {
      state: this.state,
      agentId: this.options.agentId,
      displayName: verifier?.displayName ?? this.options.lastKnownAgent()?.displayName ?? null,
      reason: this.state === 'unlocked' ? null : this.reason,
      offlineUnlockUntil: verifier ? offlineUnlockUntil(verifier).toISOString() : null,
      lockAfterMinutes: this.policy?.lockAfterMinutes ?? DEFAULT_LOCK_AFTER_MINUTES,
      enrollment: this.state === 'totp_enrollment' && enrollment
        ? { otpauthUri: enrollment.otpauthUri, secret: enrollment.secret, expiresAt: enrollment.expiresAt }
        : null,
    };
  }

  signIn(params: { agentId: string; password: string; totpCode?: string }): Promise<DeskAuthState> {
    return this.serialized(() => this.signInNow(params.agentId, params.password, params.totpCode));
  }

  completeTotpEnrollment({ totpCode }: { totpCode: string }): Promise<DeskAuthState> {
    return this.serialized(async () => {
      const pending = this.enrollment;
      if (this.state !== 'totp_enrollment' || !pending) {
        throw new DeskFailure('STATE_CONFLICT', 'No second-factor enrollment is in progress: sign in first.');
      }
      if (Date.parse(pending.expiresAt) <= this.options.now().getTime()) {
        this.enrollment = null;
        this.setState('signed_out', 'signed_out');
        throw new DeskFailure('STATE_CONFLICT', 'The enrollment expired: sign in again to get a new secret.');
      }
      const signedIn = await this.options.session.enrollTotp(pending.enrollmentToken, totpCode);
      this.enrollment = null;
      this.signedIn(signedIn, pending.passwordHash);
      return this.getState();
    });
  }

  /** Locally while the offline verifier is valid; after that only with the server. */
  unlock({ password }: { password: string }): Promise<DeskAuthState> {
    return this.serialized(async () => {
      if (this.state === 'unlocked') return this.getState();
      const verifier = this.verifier;
      if (this.state !== 'locked' || !verifier) return this.signInNow(this.options.agentId, password);
      if (offlineUnlockUntil(verifier).getTime() <= this.options.now().getTime()) {
        return this.signInNow(this.options.agentId, password, undefined, true);
      }
      await this.checkLocalPassword(verifier, password);
      this.setState('unlocked', null);
      return this.getState();
    });
  }

  lock({ reason }: { reason: 'manual' | 'inactivity' }): Promise<DeskAuthState> {
    return this.serialized(async () => {
      if (this.state === 'unlocked') this.setState('locked', reason);
      return this.getState();
    });
  }

  /** Tells the server when it can (best effort), and forgets the verifier and the refresh token either way. */
  signOut({ everywhere }: { everywhere: boolean }): Promise<DeskAuthState> {
    return this.serialized(async () => {
      const confirmed = await this.options.session.signOut(everywhere);
      if (!confirmed) this.options.log('warn', 'Signed out on this desk only: the server did not confirm the sign-out.');
      this.forgetSignIn();
      this.setState('signed_out', everywhere ? 'signed_out_everywhere' : 'signed_out');
      return this.getState();
    });
  }

  /** The server refused the refresh token: sign-in only, the local verifier is no longer trusted. */
  sessionEnded(why: string): void {
    this.options.log('warn', `The server ended the session: ${why}`);
    this.forgetSignIn();
    this.setState('signed_out', 'session_ended');
  }

  /** A sign-in or refresh brought the server's current policy. */
  policyReceived(policy: DesktopPolicy): void {
    this.policy = policy;
    if (this.verifier && JSON.stringify(this.verifier.policy) !== JSON.stringify(policy)) {
      this.verifier = { ...this.verifier, policy };
      writeOfflineVerifier(this.options.db, this.verifier);
    }
    this.emitIfChanged();
  }

  private async signInNow(agentId: string, password: string, totpCode?: string, verifierExpired = false): Promise<DeskAuthState> {
    if (agentId !== this.options.agentId) {
      throw new DeskFailure('FORBIDDEN', `This desk is set up for ${this.options.agentId}; ${agentId} cannot sign in on it.`);
    }
    let response;
    try {
      response = await this.options.session.signInWithPassword(password, totpCode);
    } catch (error) {
      if (!(error instanceof DeskFailure) || error.code !== 'SERVER_UNREACHABLE') throw error;
      return this.unlockOffline(password, error, verifierExpired);
    }
    if (response.status === 'signed_in') {
      this.signedIn(response, await hashPasswordForOfflineUnlock(password));
    } else {
      const { enrollmentToken, otpauthUri, secret, expiresAt } = response;
      this.enrollment = { enrollmentToken, otpauthUri, secret, expiresAt, passwordHash: await hashPasswordForOfflineUnlock(password) };
      this.setState('totp_enrollment', this.reason);
    }
    return this.getState();
  }

  /** The server is unreachable: the verifier of the last online sign-in decides, while it is valid. */
  private async unlockOffline(password: string, unreachable: DeskFailure, verifierExpired: boolean): Promise<DeskAuthState> {
    const verifier = this.verifier;
    if (!verifier) {
      throw new DeskFailure('SERVER_UNREACHABLE', `${unreachable.message} Offline unlock is off on this desk (no sign-in here yet, or too many wrong passwords), so this sign-in needs the server.`, unreachable.details);
    }
    const until = offlineUnlockUntil(verifier);
    if (verifierExpired || until.getTime() <= this.options.now().getTime()) {
      throw new DeskFailure('OFFLINE_UNLOCK_EXPIRED', `Offline unlock ended at ${until.toISOString()}: connect to the server and sign in.`, { offlineUnlockUntil: until.toISOString() });
    }
    await this.checkLocalPassword(verifier, password);
    this.options.log('info', 'Signed in offline with the password of the last online sign-in.');
    this.enrollment = null;
    this.setState('unlocked', null);
    return this.getState();
  }

  /**
   * The password against the verifier; after LOCAL_UNLOCK_ATTEMPTS wrong ones in a row the
   * verifier is forgotten and only the server can let the agent in (the refresh token stays, so
   * sync goes on behind the lock screen).
   */
  private async checkLocalPassword(verifier: OfflineVerifier, password: string): Promise<void> {
    if (await passwordMatches(verifier, password)) {
      clearWrongLocalPasswords(this.options.db);
      return;
    }
    const wrong = countWrongLocalPassword(this.options.db);
    if (wrong < LOCAL_UNLOCK_ATTEMPTS) {
      throw new DeskFailure('INVALID_CREDENTIALS', `The password is wrong (${LOCAL_UNLOCK_ATTEMPTS - wrong} more tries before this desk needs the server to let you in).`);
    }
    forgetOfflineVerifier(this.options.db);
    this.verifier = null;
    this.options.log('warn', `${wrong} wrong passwords in a row at the lock screen: offline unlock is off until the next online sign-in.`);
    this.emitIfChanged();
    throw new DeskFailure('INVALID_CREDENTIALS', 'The password is wrong. After too many wrong passwords this desk needs the server to let you in.');
  }

  private signedIn(signedIn: SignedIn, passwordHash: string): void {
    this.verifier = {
      agentId: signedIn.agent.id,
      displayName: signedIn.agent.displayName,
      passwordHash,
      signedInAt: this.options.now().toISOString(),
      policy: signedIn.policy,
    };
    this.policy = signedIn.policy;
    writeOfflineVerifier(this.options.db, this.verifier);
    clearWrongLocalPasswords(this.options.db);
    this.setState('unlocked', null);
  }

  private forgetSignIn(): void {
    this.enrollment = null;
    this.verifier = null;
    forgetOfflineVerifier(this.options.db);
    this.options.session.forget();
  }

  private setState(state: AuthStateName, reason: AuthReason | null): void {
    this.state = state;
    this.reason = reason;
    this.emitIfChanged();
  }

  private emitIfChanged(): void {
    const current = this.getState();
    const serialized = JSON.stringify(current);
    if (serialized === this.lastEmitted) return;
    this.lastEmitted = serialized;
    this.options.emit(current);
  }

  private serialized<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
