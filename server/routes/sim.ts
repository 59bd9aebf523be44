// The simulated Twilio's own endpoints (telephony = simulated only): a WebSocket for softphones,
// placing a call, and hanging up from the caller's side.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SimCallRequestSchema } from '../../shared/server-api.js';
import { SIM_VOICE_PATH } from '../../shared/softphone-protocol.js';
import { HttpFailure, parseInput } from '../http/errors.js';
import type { TwilioSimulator } from '../telephony/twilio-simulator.js';

const HangupParamsSchema = z.object({ callSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/) });

export function registerSimulatorRoutes(app: FastifyInstance, simulator: TwilioSimulator): void {
  app.get(SIM_VOICE_PATH, { websocket: true }, (socket) => simulator.attachSoftphone(socket));

  app.post('/sim/calls', async (request) => {
    return simulator.placeCall(parseInput(SimCallRequestSchema, request.body ?? {}));
  });

  app.post('/sim/calls/:callSid/hangup', async (request) => {
    const { callSid } = parseInput(HangupParamsSchema, request.params);
    const ended = await simulator.hangupFromCaller(callSid);
    if (!ended) throw new HttpFailure(404, 'CALL_NOT_FOUND', `no live simulated call ${callSid}`);
    return { callSid, ended: true };
  });
}
