// Audits sign-in attempts from the outside of the route: a hook on POST /auth/sign-in reads the
// answer it sent (the signed-in agent and session, or the error code: the reason), so the sign-in
// code itself can change freely. Floods the limiter refused (429), malformed requests and the
// half-way answer "set up your authenticator" are not written to the log (the enrollment that
// follows is, by server/auth/identity.ts). The password and code in the body are never read here.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AgentIdSchema } from '../../shared/domain/agent.js';
import { SignInRequestSchema } from '../../shared/server-api.js';
import type { ServerContext } from '../http/context.js';
import { appendAudit } from './audit-log.js';
import { auditSource } from './source.js';

export const SIGN_IN_PATH = '/auth/sign-in';
const REFUSALS = new Set([401, 403, 404, 409, 423]);

function parsed(payload: unknown): Record<string, unknown> | null {
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return null;
  try {
    const value: unknown = JSON.parse(payload.toString());
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function recordAttempt(context: ServerContext, request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> {
  const body = request.body as { agentId?: unknown; clientId?: unknown } | undefined;
  // Only a well-formed id is kept: whatever else was typed there may be a password.
  const attempted = AgentIdSchema.safeParse(body?.agentId);
  const attemptedAgentId = attempted.success ? attempted.data : null;
  const bodyClientId = SignInRequestSchema.shape.clientId.safeParse(body?.clientId);
  const source = auditSource(request);
  // The desk names its install in the body; the header is the fallback for other callers.
  const from = { ip: source.ip, clientId: (bodyClientId.success ? bodyClientId.data : undefined) ?? source.clientId };
  const answer = parsed(payload);
  if (reply.statusCode === 200) {
    if (answer?.status !== 'signed_in') return;
    const agent = answer.agent as { id?: unknown } | undefined;
    const agentId = typeof agent?.id === 'string' ? agent.id : attemptedAgentId;
    const sessionId = typeof answer.sessionId === 'string' ? answer.sessionId : null;
    await appendAudit(context.store, { agentId, action: 'auth.sign_in', objectType: 'agent', objectId: agentId, details: { sessionId }, ...from });
    return;
  }
  if (!REFUSALS.has(reply.statusCode)) return;
  const code = (answer?.error as { code?: unknown } | undefined)?.code;
  await appendAudit(context.store, {
    agentId: null,
    action: 'auth.sign_in_failed',
    objectType: attemptedAgentId ? 'agent' : null,
    objectId: attemptedAgentId,
    details: { attemptedAgentId, status: reply.statusCode, code: typeof code === 'string' ? code : null },
    ...from,
  });
}

/**
 * Call before the sign-in route is registered. A failing append fails the sign-in (500): a
 * sign-in the log cannot record does not happen.
 */
export function auditSignInAttempts(app: FastifyInstance, context: ServerContext): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url !== SIGN_IN_PATH || !methods.includes('POST')) return;
    const hook = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      await recordAttempt(context, request, reply, payload);
      return payload;
    };
    const existing = route.onSend;
    route.onSend = existing === undefined ? [hook] : [...(Array.isArray(existing) ? existing : [existing]), hook];
  });
}
