// The team lead's actions (shared/supervisor-api.ts): only team leads and admins get past the
// role check, which runs before anything else is read. The work is in telephony/supervisor.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AgentIdSchema, type Agent } from '../../shared/domain/agent.js';
import {
  AssignRequestSchema, MonitorRequestSchema, PriorityRequestSchema, SupervisorSkillsRequestSchema,
  SupervisorStateRequestSchema, SUPERVISOR_PATH,
  type AssignResponse, type MonitorSession, type PriorityResponse,
} from '../../shared/supervisor-api.js';
import { parseInput, sendError } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import { isSignedByTwilio } from '../telephony/signature.js';
import {
  applyMonitorStatus, assignWaitingCall, MONITOR_STATUS_PATH, recordMonitorLeg, setAgentSkillsBySupervisor,
  setAgentStateBySupervisor, setCallPriority, startMonitor, stopMonitor, type Supervisor,
} from '../telephony/supervisor.js';
import { emptyTwiml } from '../telephony/twiml.js';

const AgentParamsSchema = z.object({ agentId: AgentIdSchema });
const CallParamsSchema = z.object({ callId: z.uuid() });
const MonitorQuerySchema = z.object({ callId: z.uuid(), supervisorId: AgentIdSchema });
const MonitorStatusSchema = z.looseObject({ CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/), CallStatus: z.string().min(1) });

// The role check is the signed-in scope's ("supervisor.act", server/auth/permissions.ts): it runs
// on request, before the body is parsed, so a call-taker gets 403 whatever they send.
const SUPERVISOR_ACCESS = { config: { access: 'supervisor.act' } } as const;

/** Registered inside the signed-in scope (bearer token). */
export function registerSupervisorRoutes(scope: FastifyInstance, context: ServerContext): void {
  const center = context.callCenter;

  void scope.register(
    async (supervisor) => {
      // The permission check on request read the agent; a route here is never reached without it.
      const actorOf = (request: FastifyRequest): Supervisor => {
        const agent = request.signedInAgent as Agent;
        return { id: agent.id, displayName: agent.displayName };
      };

      supervisor.put('/agents/:agentId/state', SUPERVISOR_ACCESS, async (request): Promise<Agent> => {
        const { agentId } = parseInput(AgentParamsSchema, request.params);
        const { state, reason } = parseInput(SupervisorStateRequestSchema, request.body);
        return center.run((tx, effects) => setAgentStateBySupervisor(tx, actorOf(request), agentId, state, reason, effects));
      });

      supervisor.put('/agents/:agentId/skills', SUPERVISOR_ACCESS, async (request): Promise<Agent> => {
        const { agentId } = parseInput(AgentParamsSchema, request.params);
        const { skills } = parseInput(SupervisorSkillsRequestSchema, request.body);
        return center.run((tx, effects) => setAgentSkillsBySupervisor(tx, actorOf(request), agentId, skills, effects));
      });

      supervisor.post('/calls/:callId/monitor', SUPERVISOR_ACCESS, async (request): Promise<MonitorSession> => {
        const { callId } = parseInput(CallParamsSchema, request.params);
        const { mode } = parseInput(MonitorRequestSchema, request.body);
        const started = await center.run((tx, effects) => startMonitor(tx, actorOf(request), callId, mode, center.settings, effects));
        const { sid, monitorId } = started.leg;
        if (sid && monitorId) await recordMonitorLeg(context.store, monitorId, sid);
        return { ...started.session, legSid: sid };
      });

      supervisor.delete('/calls/:callId/monitor', SUPERVISOR_ACCESS, async (request): Promise<MonitorSession> => {
        const { callId } = parseInput(CallParamsSchema, request.params);
        return center.run((tx, effects) => stopMonitor(tx, actorOf(request), callId, effects));
      });

      supervisor.post('/calls/:callId/priority', SUPERVISOR_ACCESS, async (request): Promise<PriorityResponse> => {
        const { callId } = parseInput(CallParamsSchema, request.params);
        const { priority } = parseInput(PriorityRequestSchema, request.body);
        await center.run((tx) => setCallPriority(tx, actorOf(request), callId, priority));
        return { callId, priority };
      });

      supervisor.post('/calls/:callId/assign', SUPERVISOR_ACCESS, async (request): Promise<AssignResponse> => {
        const { callId } = parseInput(CallParamsSchema, request.params);
        const { agentId } = parseInput(AssignRequestSchema, request.body);
        await center.run((tx, effects) => assignWaitingCall(tx, actorOf(request), callId, agentId, center.settings, effects));
        return { callId, agentId };
      });
    },
    { prefix: SUPERVISOR_PATH },
  );
}

/** Twilio's status callbacks of a team lead's leg; signed like every other webhook. */
export function registerSupervisorWebhooks(app: FastifyInstance, context: ServerContext): void {
  const settings = { authToken: context.config.twilio.authToken, publicUrl: () => context.publicUrl(), trustProxy: context.config.trustProxy };
  const signedOnly = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isSignedByTwilio(request, settings)) {
      return sendError(reply, 403, 'TWILIO_SIGNATURE_INVALID', 'the X-Twilio-Signature header is missing or does not match');
    }
  };
  app.post(MONITOR_STATUS_PATH, { config: { access: 'public' }, preHandler: signedOnly }, async (request, reply) => {
    const { callId, supervisorId } = parseInput(MonitorQuerySchema, request.query);
    await applyMonitorStatus(context.store, callId, supervisorId, parseInput(MonitorStatusSchema, request.body));
    return reply.code(200).type('text/xml').send(emptyTwiml());
  });
}

