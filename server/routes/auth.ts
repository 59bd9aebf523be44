// Sign-in and the signed-in agent's own state. Demo sign-in only: an agent id with no password.
// The security work replaces this with real credentials; the token format can stay.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SetAgentStateRequestSchema, SignInRequestSchema } from '../../shared/server-api.js';
import { issueAccessToken, verifyAccessToken } from '../auth/access-tokens.js';
import { HttpFailure, parseInput } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import { AgentStateConflict, chooseAgentStateIn, getAgent } from '../store/agents.js';

/** Adds a hook to `scope` that lets only requests with a valid bearer token through. */
export function requireSignedInAgent(scope: FastifyInstance, context: ServerContext): void {
  scope.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const agentId = match ? verifyAccessToken(context.config.tokenSecret, match[1] as string) : null;
    // No code in the catalogue means "unauthenticated"; SERVER_ERROR with 401 is the agreed stand-in.
    if (!agentId) throw new HttpFailure(401, 'UNAUTHORIZED', 'sign in first');
    request.agentId = agentId;
  });
}

export function signedInAgentId(request: FastifyRequest): string {
  if (!request.agentId) throw new HttpFailure(401, 'UNAUTHORIZED', 'sign in first');
  return request.agentId;
}

export function registerSignInRoute(app: FastifyInstance, context: ServerContext): void {
  app.post('/auth/sign-in', { config: { access: 'public' } }, async (request) => {
    const { agentId } = parseInput(SignInRequestSchema, request.body);
    const agent = await getAgent(context.store, agentId);
    if (!agent) throw new HttpFailure(404, 'NOT_FOUND', `no agent ${agentId}`);
    return { agent, accessToken: issueAccessToken(context.config.tokenSecret, agent.id).token };
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
