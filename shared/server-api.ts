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

/** PUT /sim/numbers/:e164: how a simulated outside line behaves when a conference participant dials it. */
export const SimLineBehaviourSchema = z.discriminatedUnion('answer', [
  z.object({
    answer: z.literal('answer'),
    afterMs: z.number().int().min(0).max(600_000).default(300),
    /** The far end hangs up this long after answering. */
    hangUpAfterMs: z.number().int().min(0).max(3_600_000).optional(),
  }),
  z.object({ answer: z.literal('busy') }),
  z.object({ answer: z.literal('no-answer') }),
]);
export type SimLineBehaviour = z.input<typeof SimLineBehaviourSchema>;

/** POST /sim/agents: makes sure `count` simulated call-takers exist (sim-agent-001 ...), for scenarios. */
export const SimAgentsRequestSchema = z.object({ count: z.number().int().min(1).max(500) }).strict();
export const SimAgentsResponseSchema = z.object({ agentIds: z.array(z.string()) });

export const HealthSchema = z.object({ ok: z.boolean(), store: z.enum(['pglite', 'postgres']), version: z.string() });

/** `details`: structured reasons where a route gives them (a refused protocol's errors by node). */
export const ServerErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });
