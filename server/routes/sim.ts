// The simulated Twilio's own endpoints (telephony = simulated only): a WebSocket for softphones,
// placing a call, hanging up from the caller's side, how outside numbers behave, what the
// simulator sees (calls, conferences), and its REST API for the `twilio` library.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { E164Schema } from '../../shared/domain/ids.js';
import { SimAgentsRequestSchema, SimCallRequestSchema, SimLineBehaviourSchema } from '../../shared/server-api.js';
import { SIM_VOICE_PATH } from '../../shared/softphone-protocol.js';
import { seedPasswordHash } from '../auth/credentials.js';
import { HttpFailure, parseInput } from '../http/errors.js';
import type { Store } from '../store/store.js';
import { callView, conferenceView } from '../telephony/sim-state.js';
import { registerSimulatedRestApi } from '../telephony/sim-rest-api.js';
import type { TwilioSimulator } from '../telephony/twilio-simulator.js';

const CallParamsSchema = z.object({ callSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/) });
const NumberParamsSchema = z.object({ e164: E164Schema });
const ConferenceParamsSchema = z.object({ name: z.string().min(1).max(256) });

/** Simulated call-takers for scenarios: sim-agent-001, sim-agent-002, ... with both queues' skills. */
export function simAgentIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `sim-agent-${String(index + 1).padStart(3, '0')}`);
}

/**
 * `passwordHash` gives the simulated agents the seed password (hashed once per server), so
 * scenarios sign them in like the demo agents.
 */
export function registerSimulatorRoutes(app: FastifyInstance, simulator: TwilioSimulator, store: Store, passwordHash: () => Promise<string | null>): void {
  app.get(SIM_VOICE_PATH, { websocket: true }, (socket) => simulator.attachSoftphone(socket));

  app.post('/sim/calls', async (request) => {
    return simulator.placeCall(parseInput(SimCallRequestSchema, request.body ?? {}));
  });

  app.post('/sim/calls/:callSid/hangup', async (request) => {
    const { callSid } = parseInput(CallParamsSchema, request.params);
    const ended = await simulator.hangupFromCaller(callSid);
    if (!ended) throw new HttpFailure(404, 'CALL_NOT_FOUND', `no live simulated call ${callSid}`);
    return { callSid, ended: true };
  });

  app.get('/sim/calls/:callSid', async (request) => {
    const { callSid } = parseInput(CallParamsSchema, request.params);
    const found = simulator.findCall(callSid);
    if (!found) throw new HttpFailure(404, 'NOT_FOUND', `no live simulated call ${callSid}`);
    return callView(found.call);
  });

  app.get('/sim/conferences/:name', async (request) => {
    const { name } = parseInput(ConferenceParamsSchema, request.params);
    const conference = simulator.findConference(name);
    if (!conference) throw new HttpFailure(404, 'NOT_FOUND', `no simulated conference ${name}`);
    return conferenceView(conference);
  });

  /** How a simulated outside number answers when dialled: after N ms (default), busy, no answer, or answer then hang up. */
  app.put('/sim/numbers/:e164', async (request) => {
    const { e164 } = parseInput(NumberParamsSchema, request.params);
    const behaviour = parseInput(SimLineBehaviourSchema, request.body ?? {});
    simulator.setLine(e164, behaviour.answer === 'answer' ? { answer: 'answer', afterMs: behaviour.afterMs, hangUpAfterMs: behaviour.hangUpAfterMs ?? null } : behaviour);
    return { number: e164, ...behaviour };
  });

  /** Scenarios need more call-takers than the demo roster has: this adds simulated ones (simulated telephony only). */
  app.post('/sim/agents', async (request) => {
    const { count } = parseInput(SimAgentsRequestSchema, request.body ?? {});
    const agentIds = simAgentIds(count);
    await store.query(
      `INSERT INTO agents (id, display_name, role, skills, state, state_since)
       SELECT id, 'Simulated agent ' || right(id, 3), 'call_taker', ARRAY['general', 'triage'], 'offline', now()
       FROM unnest($1::text[]) AS id
       ON CONFLICT (id) DO NOTHING`,
      [agentIds],
    );
    const hash = await passwordHash();
    if (hash) await seedPasswordHash(store, agentIds, hash);
    return { agentIds };
  });

  registerSimulatedRestApi(app, simulator);
}
