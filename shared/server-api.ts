// Schemas of the central server's HTTP API that desk hosts and scripts call (besides sync).
import { z } from 'zod';
import { AgentIdSchema, AgentSchema, AgentStateSchema } from './domain/agent.js';

export const SignInRequestSchema = z.object({ agentId: AgentIdSchema }).strict();
export const SignInResponseSchema = z.object({ agent: AgentSchema, accessToken: z.string() });
export type SignInResponse = z.infer<typeof SignInResponseSchema>;

/** `reason` is required when going away (one of AWAY_REASONS). */
export const SetAgentStateRequestSchema = z
  .object({ state: AgentStateSchema, reason: z.string().max(200).nullable().default(null) })
  .strict();

export const VoiceTokenResponseSchema = z.object({
  identity: AgentIdSchema,
  token: z.string(),
  expiresAt: z.iso.datetime({ offset: true }),
});

/** `npm run call` asks the simulated Twilio to place a call with this. */
export const SimCallRequestSchema = z.object({
  from: z.string().min(1).max(64),
  to: z.string().min(1).max(64).optional(),
  transfer911: z.boolean().default(false),
});
export type SimCallRequest = z.input<typeof SimCallRequestSchema>;
export const SimCallResponseSchema = z.object({
  callSid: z.string(),
  /** What our server answered the voice webhook with. */
  twiml: z.string(),
  routedTo: z.string().nullable(),
});

export const HealthSchema = z.object({ ok: z.boolean(), store: z.enum(['pglite', 'postgres']), version: z.string() });

export const ServerErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
