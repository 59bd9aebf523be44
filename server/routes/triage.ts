// Triage protocols (read by every desk, published by team leads) and the triage report figures.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpFailure, parseInput, sendError } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import { getAgent } from '../store/agents.js';
import { listPublishedProtocols, ProtocolRejected, publishProtocol } from '../triage/protocols.js';
import { triageReport } from '../triage/report.js';
import { signedInAgentId } from './auth.js';

const PublishBodySchema = z.object({
  document: z.unknown(),
  effectiveFrom: z.iso.datetime({ offset: true }).nullable().default(null),
}).strict();

const ReportQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
}).strict();

const PUBLISHER_ROLES = new Set(['team_lead', 'admin']);

export function registerTriageRoutes(scope: FastifyInstance, context: ServerContext): void {
  scope.get('/triage/protocols', async () => listPublishedProtocols(context.store));

  scope.post('/triage/protocols', async (request, reply) => {
    const agent = await getAgent(context.store, signedInAgentId(request));
    if (!agent || !PUBLISHER_ROLES.has(agent.role)) throw new HttpFailure(403, 'FORBIDDEN', 'only team leads and admins publish triage protocols');
    const body = parseInput(PublishBodySchema, request.body);
    try {
      return await publishProtocol(context.store, { ...body, publishedBy: agent.id });
    } catch (error) {
      if (!(error instanceof ProtocolRejected)) throw error;
      return reply.code(422).send({ error: { code: error.code, message: error.message, details: error.errors } });
    }
  });

  scope.get('/reports/triage', async (request, reply) => {
    const query = parseInput(ReportQuerySchema, request.query);
    if (Date.parse(query.from) > Date.parse(query.to)) return sendError(reply, 400, 'INVALID_INPUT', '`from` is after `to`');
    return triageReport(context.store, query);
  });
}
