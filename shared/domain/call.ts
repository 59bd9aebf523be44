// What the desktop knows about a live call. The server puts these on the call as TwiML
// <Parameter>s, so they reach the softphone with the incoming event.
import { z } from 'zod';
import { IsoTimeSchema } from './ids.js';

export const QueueNameSchema = z.enum(['general', 'triage']);
export type QueueName = z.infer<typeof QueueNameSchema>;

export const IncomingCallSchema = z.object({
  /** Our call id (the server's), stable across transfers; the Twilio CallSid is separate. */
  callId: z.uuid(),
  callSid: z.string().regex(/^CA[0-9a-f]{32}$/),
  /** The caller's number as Twilio sent it ("From"); may be "anonymous". */
  from: z.string().max(64),
  to: z.string().max(64),
  queue: QueueNameSchema,
  is911Transfer: z.boolean(),
  receivedAt: IsoTimeSchema,
});
export type IncomingCall = z.infer<typeof IncomingCallSchema>;
