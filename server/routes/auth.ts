// Sign-in and the signed-in agent's own state: password (and authenticator code) sign-in, TOTP
// enrollment, refresh, sign-out, password changes, the admins' credential routes, and the bearer
// check every signed-in route goes through. The rules live in server/auth/identity.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AgentIdSchema } from '../../shared/domain/agent.js';
import {
  ChangePasswordRequestSchema, RefreshRequestSchema, SetAgentStateRequestSchema, SetPasswordRequestSchema, SignInRequestSchema,
  TotpEnrollRequestSchema, type SignedIn, type SignInResponse, type SignOutResponseSchema,
} from '../../shared/server-api.js';
import type { AccessTokenClaims } from '../auth/access-tokens.js';
import { IdentityRefusal, type Identity, type RequestSource } from '../auth/identity.js';
import { auditSource } from '../audit/source.js';
import { HttpFailure, parseInput } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import { AgentStateConflict, chooseAgentStateIn } from '../store/agents.js';

type SignOutResponse = z.infer<typeof SignOutResponseSchema>;

const AgentParamsSchema = z.object({ agentId: AgentIdSchema });
/** Sign-out carries nothing: no body, or `{}`. */
const NoBodySchema = z.object({}).strict().optional();

function bearerToken(request: FastifyRequest): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match ? (match[1] as string) : null;
}

/**
 * Adds a hook to `scope` that lets only requests with a valid bearer token of an open session
 * through: signature and expiry, then one indexed read that the session was not signed out.
 */
export function requireSignedInAgent(scope: FastifyInstance, identity: Identity): void {
  scope.addHook('onRequest', async (request: FastifyRequest) => {
    const token = bearerToken(request);
    const claims = token ? await identity.authenticate(token) : null;
    if (!claims) throw new HttpFailure(401, 'UNAUTHORIZED', 'sign in first');
    request.agentId = claims.agentId;
    request.sessionId = claims.sessionId;
  });
}

export function signedInAgentId(request: FastifyRequest): string {
  if (!request.agentId) throw new HttpFailure(401, 'UNAUTHORIZED', 'sign in first');
  return request.agentId;
}

function signedInClaims(request: FastifyRequest): AccessTokenClaims {
  if (!request.agentId || !request.sessionId) throw new HttpFailure(401, 'UNAUTHORIZED', 'sign in first');
  return { agentId: request.agentId, sessionId: request.sessionId };
}

/** Runs an identity action; a refusal is answered with its status, code and details (a lock's end). */
async function answer<T>(reply: FastifyReply, action: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof IdentityRefusal)) throw error;
    const details = error.details === undefined ? {} : { details: error.details };
    return reply.code(error.statusCode).type('application/json').send({ error: { code: error.code, message: error.message, ...details } });
  }
}

function sourceOf(request: FastifyRequest, clientId?: string): RequestSource {
  const source = auditSource(request);
  return { clientId: clientId ?? source.clientId, ip: source.ip };
}

/** The routes that need no access token: sign-in, the first authenticator code, refresh. */
export function registerSignInRoutes(app: FastifyInstance, identity: Identity): void {
  app.post('/auth/sign-in', { config: { access: 'public' } }, async (request, reply): Promise<SignInResponse | FastifyReply> => {
    const input = parseInput(SignInRequestSchema, request.body);
    return answer(reply, () => identity.signIn(input, sourceOf(request, input.clientId)));
  });

  app.post('/auth/totp/enroll', { config: { access: 'public' } }, async (request, reply): Promise<SignedIn | FastifyReply> => {
    const { enrollmentToken, totpCode } = parseInput(TotpEnrollRequestSchema, request.body);
    return answer(reply, () => identity.enrollTotp(enrollmentToken, totpCode, sourceOf(request)));
  });

  app.post('/auth/refresh', { config: { access: 'public' } }, async (request, reply): Promise<SignedIn | FastifyReply> => {
    const { refreshToken } = parseInput(RefreshRequestSchema, request.body);
    return answer(reply, () => identity.refresh(refreshToken, sourceOf(request)));
  });
}

/**
 * Registered inside the signed-in scope: the agent's own sessions and password, and the admins'
 * routes. `sessionsEnded` is told after anything that ends sessions, so open sockets close at once.
 */
export function registerSessionRoutes(scope: FastifyInstance, identity: Identity, sessionsEnded: () => void = () => undefined): void {
  scope.post('/auth/sign-out', { config: { access: 'session.own' } }, async (request): Promise<SignOutResponse> => {
    parseInput(NoBodySchema, request.body);
    const revokedSessions = await identity.signOut(signedInClaims(request), sourceOf(request));
    sessionsEnded();
    return { revokedSessions };
  });

  scope.post('/auth/sign-out-everywhere', { config: { access: 'session.own' } }, async (request): Promise<SignOutResponse> => {
    parseInput(NoBodySchema, request.body);
    const revokedSessions = await identity.signOutEverywhere(signedInClaims(request), sourceOf(request));
    sessionsEnded();
    return { revokedSessions };
  });

  scope.put('/auth/password', { config: { access: 'session.own' } }, async (request, reply) => {
    const { currentPassword, newPassword } = parseInput(ChangePasswordRequestSchema, request.body);
    return answer(reply, async () => {
      await identity.changePassword(signedInClaims(request), currentPassword, newPassword, sourceOf(request));
      sessionsEnded();
      return { ok: true };
    });
  });

  const actorOf = (request: FastifyRequest) => ({ agentId: signedInAgentId(request), ...sourceOf(request) });

  scope.put('/admin/agents/:agentId/password', { config: { access: 'agents.admin' } }, async (request, reply) => {
    const { agentId } = parseInput(AgentParamsSchema, request.params);
    const { newPassword } = parseInput(SetPasswordRequestSchema, request.body);
    return answer(reply, async () => {
      await identity.setPassword(agentId, newPassword, actorOf(request));
      sessionsEnded();
      return { ok: true };
    });
  });

  scope.delete('/admin/agents/:agentId/totp', { config: { access: 'agents.admin' } }, async (request, reply) => {
    const { agentId } = parseInput(AgentParamsSchema, request.params);
    return answer(reply, async () => {
      await identity.resetTotp(agentId, actorOf(request));
      sessionsEnded();
      return { ok: true };
    });
  });

  scope.post('/admin/agents/:agentId/unlock', { config: { access: 'agents.admin' } }, async (request, reply) => {
    const { agentId } = parseInput(AgentParamsSchema, request.params);
    return answer(reply, async () => {
      await identity.unlock(agentId, actorOf(request));
      return { ok: true };
    });
  });
}

export function registerAgentRoutes(scope: FastifyInstance, context: ServerContext): void {
  // The state machine decides (server/telephony/agent-states.ts); an agent who becomes available
  // is offered the best waiting caller at once, and every desktop of theirs hears the change.
  scope.put('/agents/me/state', { config: { access: 'calls.take' } }, async (request) => {
    const { state, reason } = parseInput(SetAgentStateRequestSchema, request.body);
    const agentId = signedInAgentId(request);
    const agent = await context.callCenter.run(async (tx, effects) => {
      try {
        const changed = await chooseAgentStateIn(tx, agentId, state, reason);
        effects.agent(changed);
        return changed;
      } catch (error) {
        if (error instanceof AgentStateConflict) throw new HttpFailure(409, 'STATE_CONFLICT', error.message);
        throw error;
      }
    });
    if (!agent) throw new HttpFailure(401, 'UNAUTHORIZED', 'sign in first: this agent no longer exists');
    return agent;
  });
}
