// Triage protocols (read by every desk, published by team leads) and the triage report figures.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { signedInAgentOf } from '../auth/route-access.js';
import { parseInput, sendError } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import { listPublishedProtocols, ProtocolRejected, publishProtocol } from '../triage/protocols.js';
import { triageReport } from '../triage/report.js';

const PublishBodySchema = z.object({
  document: z.unknown(),
  effectiveFrom: z.iso.datetime({ offset: true }).nullable().default(null),
}).strict();

const ReportQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
}).strict();

export function registerTriageRoutes(scope: FastifyInstance, context: ServerContext): void {
  scope.get('/triage/protocols', { config: { access: 'triage.read' } }, async () => listPublishedProtocols(context.store));

  scope.post('/triage/protocols', { config: { access: 'triage.publish' } }, async (request, reply) => {
    const agent = await signedInAgentOf(request, context.store);
    const body = parseInput(PublishBodySchema, request.body);
    try {
      const published = await publishProtocol(context.store, { ...body, publishedBy: agent.id });
      // Committed: desks pull the new version at once rather than at their next poll.
      context.notifier.changed();
      return published;
    } catch (error) {
      if (!(error instanceof ProtocolRejected)) throw error;
      return reply.code(422).send({ error: { code: error.code, message: error.message, details: error.errors } });
    }
  });

  scope.get('/reports/triage', { config: { access: 'reports.read' } }, async (request, reply) => {
    const query = parseInput(ReportQuerySchema, request.query);
    if (Date.parse(query.from) > Date.parse(query.to)) return sendError(reply, 400, 'INVALID_INPUT', '`from` is after `to`');
    return triageReport(context.store, query);
  });
}
