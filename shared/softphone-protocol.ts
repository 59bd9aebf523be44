// Signalling between the simulated Twilio (on the server) and a simulated softphone (in the
// renderer). It mirrors what Twilio's cloud does for the Voice SDK: register an identity,
// invite it to a call, carry accept / reject / hang-up back. Messages are JSON over WebSocket.
import { z } from 'zod';
import { AgentIdSchema } from './domain/agent.js';

export const SIM_VOICE_PATH = '/sim/voice';

/** Softphone → simulated Twilio. */
export const SimClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('register'), identity: AgentIdSchema, token: z.string().min(1) }),
  z.object({ type: z.literal('accept'), callSid: z.string() }),
  z.object({ type: z.literal('reject'), callSid: z.string() }),
  z.object({ type: z.literal('hangup'), callSid: z.string() }),
  /** DTMF tones the agent pressed on a connected call (Voice SDK: `call.sendDigits`). */
  z.object({ type: z.literal('digits'), callSid: z.string(), digits: z.string().regex(/^[0-9*#wW]{1,32}$/) }),
]);
export type SimClientMessage = z.infer<typeof SimClientMessageSchema>;

/** Simulated Twilio → softphone. `params` are the TwiML <Parameter>s plus From/To, as the
 * Voice SDK exposes them on `call.customParameters` and `call.parameters`. */
export const SimServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('registered'), identity: AgentIdSchema }),
  z.object({
    type: z.literal('invite'),
    callSid: z.string(),
    from: z.string(),
    to: z.string(),
    params: z.record(z.string(), z.string()),
  }),
  /** The caller hung up before the agent answered (Voice SDK: `cancel`). */
  z.object({ type: z.literal('cancel'), callSid: z.string() }),
  /** The far end hung up an answered call (Voice SDK: `disconnect`). */
  z.object({ type: z.literal('disconnect'), callSid: z.string() }),
  z.object({ type: z.literal('error'), code: z.number().int(), message: z.string() }),
]);
export type SimServerMessage = z.infer<typeof SimServerMessageSchema>;
