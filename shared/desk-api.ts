// The desktop's inner API: what the renderer may ask of the desk host, and what the host tells
// it. One contract, three transports (Electron IPC, WebSocket in web mode, in-process in tests);
// every message is validated with these schemas where it arrives.
import { z } from 'zod';
import { AgentSchema, AgentStateSchema } from './domain/agent.js';
import { CallerSchema } from './domain/caller.js';
import { ServiceRequestSchema } from './domain/service-request.js';
import { DeskErrorSchema } from './errors.js';

export const SessionInfoSchema = z.object({
  agent: AgentSchema,
  /** The central server the host syncs with; the simulated softphone signals through it. */
  serverUrl: z.url(),
  telephony: z.enum(['simulated', 'twilio']),
  clientId: z.string(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

export const CaseSummarySchema = ServiceRequestSchema.extend({
  serviceTypeName: z.string(),
});
export type CaseSummary = z.infer<typeof CaseSummarySchema>;

export const CallerRecordSchema = z.object({
  caller: CallerSchema,
  neighborhoodName: z.string().nullable(),
  /** Newest first: open cases, then closed ones. */
  cases: z.array(CaseSummarySchema),
  openCaseCount: z.number().int().nonnegative(),
  /** Open cases of other callers near the caller's address (same block or so). */
  openNearby: z.array(CaseSummarySchema),
});
export type CallerRecord = z.infer<typeof CallerRecordSchema>;

export const ScreenPopSchema = z.object({
  /** The number as it came in ("+1 215 555 0142", "anonymous", ...). */
  query: z.string(),
  /** Null when the number is withheld or not a phone number. */
  e164: z.string().nullable(),
  matches: z.array(CallerRecordSchema),
  /** How long the local lookup took, for the status bar and the benchmark. */
  lookupMs: z.number().nonnegative(),
});
export type ScreenPop = z.infer<typeof ScreenPopSchema>;

export const SyncStatusSchema = z.object({
  connection: z.enum(['online', 'offline', 'syncing']),
  /** ISO time of the last successful exchange with the server. */
  lastSyncedAt: z.string().nullable(),
  offlineSince: z.string().nullable(),
  cursor: z.number().int().nonnegative(),
  headVersion: z.number().int().nonnegative(),
  rowsInCache: z.object({
    callers: z.number().int().nonnegative(),
    serviceRequests: z.number().int().nonnegative(),
  }),
  lastError: DeskErrorSchema.nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const VoiceTokenSchema = z.object({
  identity: z.string(),
  token: z.string(),
  expiresAt: z.string(),
});
export type VoiceToken = z.infer<typeof VoiceTokenSchema>;

const Empty = z.object({}).strict();

export const DeskMethods = {
  getSession: { params: Empty, result: SessionInfoSchema },
  lookupCaller: { params: z.object({ phone: z.string().min(1).max(64) }).strict(), result: ScreenPopSchema },
  getSyncStatus: { params: Empty, result: SyncStatusSchema },
  syncNow: { params: Empty, result: SyncStatusSchema },
  setAgentState: { params: z.object({ state: AgentStateSchema }).strict(), result: AgentSchema },
  getVoiceToken: { params: Empty, result: VoiceTokenSchema },
} as const;

export type DeskMethodName = keyof typeof DeskMethods;
export const DESK_METHOD_NAMES = Object.keys(DeskMethods) as DeskMethodName[];

export const DeskEvents = {
  syncStatus: SyncStatusSchema,
  agentChanged: AgentSchema,
} as const;
export type DeskEventName = keyof typeof DeskEvents;
export const DESK_EVENT_NAMES = Object.keys(DeskEvents) as DeskEventName[];

export type DeskParams<M extends DeskMethodName> = z.input<(typeof DeskMethods)[M]['params']>;
export type DeskResult<M extends DeskMethodName> = z.infer<(typeof DeskMethods)[M]['result']>;
export type DeskEventPayload<E extends DeskEventName> = z.infer<(typeof DeskEvents)[E]>;

/** What the host implements. */
export type DeskApi = { [M in DeskMethodName]: (params: DeskParams<M>) => Promise<DeskResult<M>> };

/** What the renderer holds: the API plus event subscription (returns an unsubscribe). */
export type DeskClient = DeskApi & {
  on<E extends DeskEventName>(event: E, listener: (payload: DeskEventPayload<E>) => void): () => void;
};

// Envelopes for transports that carry messages as JSON (WebSocket, utility-process ports).
export const DeskCallMessageSchema = z.object({
  kind: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string(),
  params: z.unknown(),
});
export const DeskReplyMessageSchema = z.discriminatedUnion('ok', [
  z.object({ kind: z.literal('reply'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ kind: z.literal('reply'), id: z.number().int(), ok: z.literal(false), error: DeskErrorSchema }),
]);
export const DeskEventMessageSchema = z.object({
  kind: z.literal('event'),
  event: z.string(),
  payload: z.unknown(),
});
export type DeskCallMessage = z.infer<typeof DeskCallMessageSchema>;
export type DeskReplyMessage = z.infer<typeof DeskReplyMessageSchema>;
export type DeskEventMessage = z.infer<typeof DeskEventMessageSchema>;

export function isDeskMethodName(name: string): name is DeskMethodName {
  return Object.prototype.hasOwnProperty.call(DeskMethods, name);
}
export function isDeskEventName(name: string): name is DeskEventName {
  return Object.prototype.hasOwnProperty.call(DeskEvents, name);
}
