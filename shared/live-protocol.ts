// The team lead's wallboard feed (WebSocket `/live/wallboard`) and wallboard preferences
// (`GET/PUT /live/preferences`). The server sends a snapshot stamped with the event sequence it
// is consistent with, then deltas that each name the sequence before them, so a client that
// missed one sees the hole and asks for a new snapshot.
import { z } from 'zod';
import { CallPhaseSchema } from './call-control.js';
import { AgentIdSchema, AgentSchema } from './domain/agent.js';
import { IsoTimeSchema } from './domain/ids.js';

export const LIVE_WALLBOARD_PATH = '/live/wallboard';
export const LIVE_PREFERENCES_PATH = '/live/preferences';

/** One call as the wallboard needs it (a `CallFact` for the metrics, plus who has it now). */
export const WallboardCallSchema = z.object({
  callId: z.string().min(1),
  queue: z.string().min(1),
  is911Transfer: z.boolean(),
  phase: CallPhaseSchema,
  agentId: AgentIdSchema.nullable(),
  onHold: z.boolean(),
  receivedAt: IsoTimeSchema,
  answeredAt: IsoTimeSchema.nullable(),
  abandonedAt: IsoTimeSchema.nullable(),
  endedAt: IsoTimeSchema.nullable(),
  talkSeconds: z.number().nonnegative().nullable(),
  holdSeconds: z.number().nonnegative().nullable(),
  wrapUpSeconds: z.number().nonnegative().nullable(),
  returnedTo911: z.boolean(),
});
export type WallboardCall = z.infer<typeof WallboardCallSchema>;

/** Everything the wallboard shows is computed from this: live calls, today's calls, agents. */
export const WallboardBoardSchema = z.object({
  /** Local midnight on the server; ended calls that arrived before it are gone from the board. */
  dayStart: IsoTimeSchema,
  calls: z.array(WallboardCallSchema),
  agents: z.array(AgentSchema),
});
export type WallboardBoard = z.infer<typeof WallboardBoardSchema>;

export const WallboardChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), call: WallboardCallSchema }),
  z.object({ kind: z.literal('agent'), agent: AgentSchema }),
]);
export type WallboardChange = z.infer<typeof WallboardChangeSchema>;

export const AlertThresholdsSchema = z.object({
  /** Alert when a caller has waited longer than this. */
  oldestWaitSeconds: z.number().positive().default(90),
  /** Alert when the interval's service level is under the metrics target. */
  serviceLevel: z.boolean().default(true),
  /** Minutes in a state after which an agent is flagged, per state (absent: never). */
  agentStateMinutes: z
    .object({
      available: z.number().positive().optional(),
      on_call: z.number().positive().optional(),
      wrap_up: z.number().positive().optional(),
      away: z.number().positive().optional(),
    })
    .default({ on_call: 20, wrap_up: 5, away: 30 }),
});
export type AlertThresholds = z.infer<typeof AlertThresholdsSchema>;

export const WallboardAlertSchema = z.object({
  /** Stable while the condition lasts ("oldest_wait:general", "agent_state:demo-triage"). */
  id: z.string(),
  kind: z.enum(['oldest_wait', 'service_level', 'agent_state']),
  /** The queue or agent it is about. */
  subject: z.string(),
  message: z.string(),
  since: IsoTimeSchema,
});
export type WallboardAlert = z.infer<typeof WallboardAlertSchema>;

export const MetricsConfigSchema = z.object({
  serviceLevelSeconds: z.number().positive(),
  serviceLevelTarget: z.number().min(0).max(1),
  shortAbandonSeconds: z.number().min(0),
});

export const LiveServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    /** The last event sequence whose effect the board includes. */
    seq: z.number().int().nonnegative(),
    at: IsoTimeSchema,
    board: WallboardBoardSchema,
    metrics: MetricsConfigSchema,
    thresholds: AlertThresholdsSchema,
  }),
  z.object({
    type: z.literal('delta'),
    seq: z.number().int().positive(),
    /** The sequence of the snapshot or delta this one follows; anything else means a hole. */
    prevSeq: z.number().int().nonnegative(),
    at: IsoTimeSchema,
    change: WallboardChangeSchema,
  }),
  /** The alerts in force now (the whole list, sent when it changes). */
  z.object({ type: z.literal('alerts'), at: IsoTimeSchema, alerts: z.array(WallboardAlertSchema) }),
]);
export type LiveServerMessage = z.infer<typeof LiveServerMessageSchema>;

export const LiveClientMessageSchema = z.discriminatedUnion('type', [
  /** Send me a fresh snapshot (the client saw a hole in the deltas). */
  z.object({ type: z.literal('resync') }),
]);
export type LiveClientMessage = z.infer<typeof LiveClientMessageSchema>;

export const WALLBOARD_CARDS = [
  'queue:general',
  'queue:triage',
  'agents',
  'metric:service_level',
  'metric:speed_of_answer',
  'metric:abandonment',
  'metric:handle_time',
  'metric:transfers_911',
  'alerts',
] as const;
export const WallboardCardSchema = z.enum(WALLBOARD_CARDS);
export type WallboardCard = z.infer<typeof WallboardCardSchema>;

/** Saved per agent on the server, so a team lead's wallboard looks the same on any screen. */
export const WallboardPreferencesSchema = z
  .object({
    /** Cards shown in big-screen mode, in order. */
    bigScreenCards: z.array(WallboardCardSchema).max(WALLBOARD_CARDS.length).default([...WALLBOARD_CARDS]),
    bigScreen: z.boolean().default(false),
  })
  .strict();
export type WallboardPreferences = z.infer<typeof WallboardPreferencesSchema>;
