// Who an agent is: password sign-in with lockout, the second factor, sessions with rotating
// refresh tokens, sign-out, and password changes. Routes (server/routes/auth.ts) and the
// operators' CLI (scripts/users.ts) both act through this one class. Refusals are thrown as
// IdentityRefusal after any transaction that records them has committed: a failure counted
// inside a transaction that then rolled back would not count.
import type { Agent, AgentRole } from '../../shared/domain/agent.js';
import type { ErrorCode } from '../../shared/errors.js';
import type { SignedIn, SignInResponse } from '../../shared/server-api.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServerConfig } from '../config.js';
import { getAgent } from '../store/agents.js';
import type { Store } from '../store/store.js';
import { issueAccessToken, verifyAccessToken, type AccessTokenClaims } from './access-tokens.js';
import {
  clearFailures, enrollTotp, lockCredentials, lockedAt, readCredentials, recordFailure, recordTotpStep, resetTotp, setPasswordHash,
  type LockoutRule,
} from './credentials.js';
import { checkPassword, hashPassword } from './passwords.js';
import { isSessionOpen, lockSessionByRefreshToken, openSession, revokeAgentSessions, revokeSession, rotateRefreshToken, type OpenedSession } from './sessions.js';
import { acceptedTimeStep, issueEnrollmentToken, newTotpSecret, otpauthUri, verifyEnrollmentToken } from './totp.js';

/**
 * The claims of an access token whose signature and expiry hold and whose session is still open
 * (one indexed read); else null. The bearer check and the `?token=` sockets both use it.
 */
export async function authenticateAccessToken(store: Store, tokenSecret: string, token: string, now: Date = new Date()): Promise<AccessTokenClaims | null> {
  const claims = verifyAccessToken(tokenSecret, token, now);
  if (!claims) return null;
  return (await isSessionOpen(store, claims.sessionId, claims.agentId, now)) ? claims : null;
}

/** A refused identity request: the HTTP status, the catalogue code and, for a lock, when it ends. */
export class IdentityRefusal extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Where a request came from, for the session and the audit log. */
export interface RequestSource {
  clientId: string | null;
  ip: string | null;
}

/** Who acted on another agent's credentials: an admin, or an operator at the CLI (null). */
export interface CredentialActor extends RequestSource {
  agentId: string | null;
}

export type IdentitySettings = Pick<
  ServerConfig,
  | 'tokenSecret' | 'accessTokenMinutes' | 'refreshTokenHours' | 'lockoutAttempts' | 'lockoutMinutes' | 'totpRequiredRoles'
  | 'offlineUnlockHours' | 'lockAfterMinutes' | 'now'
>;

const invalidCredentials = (): IdentityRefusal => new IdentityRefusal(401, 'INVALID_CREDENTIALS', 'the agent id or password is wrong');
const locked = (until: Date): IdentityRefusal =>
  new IdentityRefusal(423, 'ACCOUNT_LOCKED', `too many failed sign-ins: locked until ${until.toISOString()}`, { lockedUntil: until.toISOString() });
const signInAgain = (why: string): IdentityRefusal => new IdentityRefusal(401, 'UNAUTHORIZED', `sign in again: ${why}`);

export interface SignInInput {
  agentId: string;
  password: string;
  totpCode?: string | undefined;
  clientId?: string | undefined;
}

export class Identity {
  private readonly lockout: LockoutRule;

  constructor(
    private readonly store: Store,
    private readonly settings: IdentitySettings,
  ) {
    this.lockout = { attempts: settings.lockoutAttempts, minutes: settings.lockoutMinutes };
  }

  private now(): Date {
    return this.settings.now();
  }

  private needsTotp(role: AgentRole): boolean {
    return this.settings.totpRequiredRoles.includes(role);
  }

  /** The claims of a bearer token whose signature, expiry and session all hold; else null. */
  authenticate(token: string): Promise<AccessTokenClaims | null> {
    return authenticateAccessToken(this.store, this.settings.tokenSecret, token, this.now());
  }

  async signIn(input: SignInInput, source: RequestSource): Promise<SignInResponse> {
    const now = this.now();
    const agent = await getAgent(this.store, input.agentId);
    const stored = agent ? await readCredentials(this.store, agent.id) : null;
    const lockedUntil = lockedAt(stored, now);
    if (lockedUntil) throw locked(lockedUntil);
    // Unknown agents and agents without a password cost the same verification as a wrong password.
    const passwordRight = await checkPassword(agent && stored ? stored.passwordHash : null, input.password);
    if (!agent || !stored?.passwordHash) throw invalidCredentials();
    if (!passwordRight) throw await this.failure(agent.id, 'password', invalidCredentials());

    const clientId = input.clientId ?? source.clientId;
    const outcome = await this.store.transaction(async (tx) => {
      const credentials = await lockCredentials(tx, agent.id);
      if (!credentials) return { refusal: invalidCredentials() };
      const lockedNow = lockedAt(credentials, now);
      if (lockedNow) return { refusal: locked(lockedNow) };
      if (credentials.totpSecret !== null) {
        if (input.totpCode === undefined) {
          return { refusal: new IdentityRefusal(401, 'TOTP_REQUIRED', 'enter the 6-digit code from your authenticator app') };
        }
        const step = acceptedTimeStep(credentials.totpSecret, input.totpCode, now, credentials.totpLastStep);
        if (step === null) return { totpWrong: true as const };
        await recordTotpStep(tx, agent.id, step);
      } else if (this.needsTotp(agent.role)) {
        await clearFailures(tx, agent.id);
        return { enrollment: true as const };
      }
      await clearFailures(tx, agent.id);
      return { session: await openSession(tx, agent.id, clientId, now, this.settings.refreshTokenHours) };
    });
    if ('refusal' in outcome) throw outcome.refusal;
    if ('totpWrong' in outcome) {
      throw await this.failure(agent.id, 'totp', new IdentityRefusal(401, 'TOTP_INVALID', 'the authenticator code is wrong, expired or already used'));
    }
    if ('enrollment' in outcome) {
      const secret = newTotpSecret();
      const enrollment = issueEnrollmentToken(this.settings.tokenSecret, agent.id, secret, now);
      return {
        status: 'totp_enrollment_required',
        enrollmentToken: enrollment.token,
        otpauthUri: otpauthUri(secret, agent.id),
        secret,
        expiresAt: enrollment.expiresAt.toISOString(),
      };
    }
    return this.signedIn(agent, outcome.session, now);
  }

  /** The first code for the secret an enrollment token carries: stores it and signs the agent in. */
  async enrollTotp(enrollmentToken: string, totpCode: string, source: RequestSource): Promise<SignedIn> {
    const now = this.now();
    const claims = verifyEnrollmentToken(this.settings.tokenSecret, enrollmentToken, now);
    if (!claims) throw signInAgain('the authenticator set-up has expired or is not valid');
    const agent = await getAgent(this.store, claims.agentId);
    if (!agent) throw signInAgain('this agent no longer exists');
    const outcome = await this.store.transaction(async (tx) => {
      const credentials = await lockCredentials(tx, agent.id);
      if (!credentials?.passwordHash) return { refusal: signInAgain('this agent has no password') };
      const lockedNow = lockedAt(credentials, now);
      if (lockedNow) return { refusal: locked(lockedNow) };
      // An older set-up must not replace a second factor enrolled since.
      if (credentials.totpSecret !== null) return { refusal: new IdentityRefusal(409, 'STATE_CONFLICT', 'an authenticator is already set up: sign in with its code') };
      const step = acceptedTimeStep(claims.secret, totpCode, now, null);
      if (step === null) return { totpWrong: true as const };
      await enrollTotp(tx, agent.id, claims.secret, step, now);
      const session = await openSession(tx, agent.id, source.clientId, now, this.settings.refreshTokenHours);
      const audited = { agentId: agent.id, objectType: 'agent', objectId: agent.id, clientId: source.clientId, ip: source.ip };
      await appendAudit(tx, { ...audited, action: 'auth.totp_enrolled' });
      await appendAudit(tx, { ...audited, action: 'auth.sign_in', details: { sessionId: session.sessionId } });
      return { session };
    });
    if ('refusal' in outcome) throw outcome.refusal;
    if ('totpWrong' in outcome) {
      throw await this.failure(agent.id, 'totp', new IdentityRefusal(401, 'TOTP_INVALID', 'the authenticator code is wrong or has expired'));
    }
    return this.signedIn(agent, outcome.session, now);
  }

  /** Spends a refresh token for a new access token and the next refresh token. A spent one revokes its session. */
  async refresh(refreshToken: string, source: RequestSource): Promise<SignedIn> {
    const now = this.now();
    const outcome = await this.store.transaction(async (tx) => {
      const found = await lockSessionByRefreshToken(tx, refreshToken);
      if (found.kind === 'unknown') return { refusal: signInAgain('this refresh token is not valid') };
      const { session } = found;
      if (found.kind === 'spent') {
        // Someone else may hold the token it was exchanged for: end the session for both.
        const revoked = await revokeSession(tx, session.id, 'refresh token reused', now);
        if (revoked > 0) {
          await appendAudit(tx, {
            agentId: session.agentId, action: 'auth.refresh_reuse', objectType: 'agent', objectId: session.agentId,
            details: { sessionId: session.id }, clientId: source.clientId, ip: source.ip,
          });
        }
        return { refusal: signInAgain('this refresh token was already used, so its session has been ended') };
      }
      if (session.revokedAt !== null) return { refusal: signInAgain('this session was signed out') };
      if (session.expiresAt.getTime() <= now.getTime()) return { refusal: signInAgain('this session has ended') };
      const agent = await getAgent(tx, session.agentId);
      if (!agent) return { refusal: signInAgain('this agent no longer exists') };
      // Read, not locked: the session row is the one this refresh decides on.
      const credentials = await readCredentials(tx, agent.id);
      if (!credentials?.passwordHash) return { refusal: signInAgain('this agent has no password') };
      const lockedNow = lockedAt(credentials, now);
      if (lockedNow) return { refusal: locked(lockedNow) };
      return { agent, session: await rotateRefreshToken(tx, session, refreshToken, now) };
    });
    if ('refusal' in outcome) throw outcome.refusal;
    return this.signedIn(outcome.agent, outcome.session, now);
  }

  async signOut(claims: AccessTokenClaims, source: RequestSource): Promise<number> {
    const now = this.now();
    return this.store.transaction(async (tx) => {
      const revoked = await revokeSession(tx, claims.sessionId, 'signed out', now);
      await appendAudit(tx, {
        agentId: claims.agentId, action: 'auth.sign_out', objectType: 'agent', objectId: claims.agentId,
        details: { sessionId: claims.sessionId }, clientId: source.clientId, ip: source.ip,
      });
      return revoked;
    });
  }

  async signOutEverywhere(claims: AccessTokenClaims, source: RequestSource): Promise<number> {
    const now = this.now();
    return this.store.transaction(async (tx) => {
      const revoked = await revokeAgentSessions(tx, claims.agentId, 'signed out everywhere', now);
      await appendAudit(tx, {
        agentId: claims.agentId, action: 'auth.sign_out', objectType: 'agent', objectId: claims.agentId,
        details: { everywhere: true, revokedSessions: revoked }, clientId: source.clientId, ip: source.ip,
      });
      return revoked;
    });
  }

  /** The agent's own change: the current password is required (a wrong one counts as a failure); other sessions end. */
  async changePassword(claims: AccessTokenClaims, currentPassword: string, newPassword: string, source: RequestSource): Promise<void> {
    const stored = await readCredentials(this.store, claims.agentId);
    const lockedUntil = lockedAt(stored, this.now());
    if (lockedUntil) throw locked(lockedUntil);
    if (!(await checkPassword(stored?.passwordHash ?? null, currentPassword))) {
      throw await this.failure(claims.agentId, 'password', new IdentityRefusal(403, 'INVALID_CREDENTIALS', 'the current password is wrong'));
    }
    const passwordHash = await hashPassword(newPassword);
    const now = this.now();
    await this.store.transaction(async (tx) => {
      await setPasswordHash(tx, [claims.agentId], passwordHash, now);
      const revoked = await revokeAgentSessions(tx, claims.agentId, 'password changed', now, claims.sessionId);
      await appendAudit(tx, {
        agentId: claims.agentId, action: 'auth.password_changed', objectType: 'agent', objectId: claims.agentId,
        details: { revokedSessions: revoked }, clientId: source.clientId, ip: source.ip,
      });
    });
  }

  /** An admin's or operator's: sets the password, lifts any lock and signs the agent out everywhere. */
  async setPassword(agentId: string, newPassword: string, actor: CredentialActor): Promise<void> {
    await this.requireAgent(agentId);
    const passwordHash = await hashPassword(newPassword);
    const now = this.now();
    await this.store.transaction(async (tx) => {
      await setPasswordHash(tx, [agentId], passwordHash, now);
      const revoked = await revokeAgentSessions(tx, agentId, 'password set by an administrator', now);
      await this.auditCredentialAction(tx, 'auth.password_set', agentId, actor, { revokedSessions: revoked });
    });
  }

  /** Removes the agent's second factor and signs them out everywhere; they enroll again when their role needs it. */
  async resetTotp(agentId: string, actor: CredentialActor): Promise<void> {
    await this.requireAgent(agentId);
    const now = this.now();
    await this.store.transaction(async (tx) => {
      const removed = await resetTotp(tx, agentId);
      const revoked = await revokeAgentSessions(tx, agentId, 'second factor reset', now);
      await this.auditCredentialAction(tx, 'auth.totp_reset', agentId, actor, { revokedSessions: revoked, hadSecondFactor: removed });
    });
  }

  /** Lifts a lock and clears the failure count; sessions stay (the lock was someone guessing, not the agent). */
  async unlock(agentId: string, actor: CredentialActor): Promise<void> {
    await this.requireAgent(agentId);
    await this.store.transaction(async (tx) => {
      await clearFailures(tx, agentId);
      await this.auditCredentialAction(tx, 'auth.unlocked', agentId, actor, {});
    });
  }

  private async requireAgent(agentId: string): Promise<Agent> {
    const agent = await getAgent(this.store, agentId);
    if (!agent) throw new IdentityRefusal(404, 'NOT_FOUND', `no agent ${agentId}`);
    return agent;
  }

  private async auditCredentialAction(
    tx: Store,
    action: 'auth.password_set' | 'auth.totp_reset' | 'auth.unlocked',
    agentId: string,
    actor: CredentialActor,
    details: Record<string, number | boolean>,
  ): Promise<void> {
    await appendAudit(tx, {
      agentId: actor.agentId, action, objectType: 'agent', objectId: agentId,
      details: { ...details, by: actor.agentId ?? 'operator' }, clientId: actor.clientId, ip: actor.ip,
    });
  }

  /** Counts a failure (locking the account at the limit) and says what to answer: the refusal, or the lock it caused. */
  private async failure(agentId: string, step: 'password' | 'totp', refusal: IdentityRefusal): Promise<IdentityRefusal> {
    const now = this.now();
    const lockedUntil = await this.store.transaction(async (tx) => {
      const until = await recordFailure(tx, agentId, now, this.lockout);
      if (until) {
        await appendAudit(tx, {
          agentId: null, action: 'auth.locked_out', objectType: 'agent', objectId: agentId,
          details: { lockedUntil: until.toISOString(), after: step },
        });
      }
      return until;
    });
    return lockedUntil ? locked(lockedUntil) : refusal;
  }

  private signedIn(agent: Agent, session: OpenedSession, now: Date): SignedIn {
    const access = issueAccessToken(this.settings.tokenSecret, { agentId: agent.id, sessionId: session.sessionId }, this.settings.accessTokenMinutes * 60, now);
    return {
      status: 'signed_in',
      agent,
      sessionId: session.sessionId,
      accessToken: access.token,
      accessExpiresAt: access.expiresAt.toISOString(),
      refreshToken: session.refreshToken,
      refreshExpiresAt: session.refreshExpiresAt.toISOString(),
      policy: { offlineUnlockHours: this.settings.offlineUnlockHours, lockAfterMinutes: this.settings.lockAfterMinutes },
    };
  }
}
