// The desktop's inner API: what the renderer may ask of the desk host, and what the host tells
// it. One contract, three transports (Electron IPC, WebSocket in web mode, in-process in tests);
// every message is validated with these schemas where it arrives.
import { z } from 'zod';
import {
  CallControlStateSchema, HoldRequestSchema, TransferRequestSchema, TransferTargetsSchema, WrapUpRequestSchema,
  WrapUpResponseSchema,
} from './call-control.js';
import { AgentIdSchema, AgentSchema, AgentStateSchema } from './domain/agent.js';
import { CaseConflictSchema, CaseNoteSchema } from './domain/case-history.js';
import { AuditExportSchema, AuditFiltersSchema, AuditPageRequestSchema, AuditPageSchema } from './audit-api.js';
import { CallerSchema } from './domain/caller.js';
import { CasePrioritySchema, ServiceRequestChannelSchema, ServiceRequestStatusSchema } from './domain/service-request.js';
import { ServiceTypeSchema } from './domain/service-type.js';
import { CaseEditChangesSchema, MutationResultSchema } from './mutations.js';
import { ServiceRequestSchema } from './domain/service-request.js';
import { DeskErrorSchema } from './errors.js';
import { IsoTimeSchema } from './domain/ids.js';
import { LiveServerMessageSchema, WallboardPreferencesSchema } from './live-protocol.js';
import {
  AssignRequestSchema, AssignResponseSchema, MonitorRequestSchema, MonitorSessionSchema, PriorityRequestSchema,
  PriorityResponseSchema, SupervisorSkillsRequestSchema, SupervisorStateRequestSchema,
} from './supervisor-api.js';
import { PublishedProtocolSchema, TriageRecordRowSchema } from './triage/published.js';
import { TriageRecordSchema } from './triage/record.js';

export const SessionInfoSchema = z.object({
  agent: AgentSchema,
  /** The central server the host syncs with; the simulated softphone signals through it. */
  serverUrl: z.url(),
  telephony: z.enum(['simulated', 'twilio']),
  clientId: z.string(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/**
 * Who may use this desk right now. `signed_out`: no usable sign-in, the password (and the code
 * of the second factor) is needed with the server reachable. `locked`: signed in before, unlock
 * with the password, offline too until `offlineUnlockUntil`. `totp_enrollment`: the password was
 * right and the role needs a second factor: show `enrollment`, then completeTotpEnrollment.
 * While not `unlocked`, the host refuses every method that reads or changes residents' data
 * (DESK_LOCKED); sync and the phone keep going.
 */
export const DeskAuthStateSchema = z.object({
  state: z.enum(['signed_out', 'locked', 'totp_enrollment', 'unlocked']),
  /** The agent this desk is set up for. */
  agentId: AgentIdSchema,
  /** Their name once known (a sign-in on this install), for the lock screen. */
  displayName: z.string().nullable(),
  /** Why it is not unlocked: 'start', 'inactivity', 'manual', 'signed_out', 'signed_out_everywhere', 'session_ended'. */
  reason: z.string().nullable(),
  offlineUnlockUntil: IsoTimeSchema.nullable(),
  lockAfterMinutes: z.number().positive(),
  enrollment: z.object({ otpauthUri: z.string(), secret: z.string(), expiresAt: IsoTimeSchema }).nullable(),
});
export type DeskAuthState = z.infer<typeof DeskAuthStateSchema>;

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
  /** Outbox mutations not yet confirmed by the server. */
  pendingMutations: z.number().int().nonnegative().default(0),
  /** Mutations the server refused, kept until the agent has seen them. */
  rejectedMutations: z.number().int().nonnegative().default(0),
  openConflicts: z.number().int().nonnegative().default(0),
  /** While a pull pages through a backlog (the first sync of an empty cache above all). */
  progress: z
    .object({
      rows: z.number().int().nonnegative(),
      totalRows: z.number().int().nonnegative(),
      rowsPerSecond: z.number().nonnegative(),
      secondsLeft: z.number().nonnegative().nullable(),
    })
    .nullable()
    .default(null),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

/** A mutation waiting in, or refused from, the outbox. */
export const OutboxEntrySchema = z.object({
  mutationId: z.number().int().positive(),
  name: z.string(),
  /** What it did, in words: "Status of P-7K3Q-9XH2 → closed". */
  summary: z.string(),
  createdAt: z.string(),
  state: z.enum(['pending', 'rejected']),
  error: DeskErrorSchema.nullable(),
});
export type OutboxEntry = z.infer<typeof OutboxEntrySchema>;

export const CaseDetailSchema = z.object({
  serviceRequest: CaseSummarySchema,
  notes: z.array(CaseNoteSchema),
  conflicts: z.array(CaseConflictSchema),
  /** Local changes to this case not yet confirmed by the server. */
  pending: z.array(OutboxEntrySchema),
});
export type CaseDetail = z.infer<typeof CaseDetailSchema>;

const Coordinates = { lat: z.number().min(-90).max(90).nullable(), lon: z.number().min(-180).max(180).nullable() };

export const NewCaseParamsSchema = z.object({
  callerId: z.uuid().nullable(),
  serviceTypeCode: z.string().min(1),
  channel: ServiceRequestChannelSchema.default('phone'),
  description: z.string().max(4000),
  address: z.string().max(300).nullable(),
  zipcode: z.string().regex(/^\d{5}$/).nullable().default(null),
  ...Coordinates,
  priority: CasePrioritySchema.default('standard'),
}).strict();

export const NewCallerParamsSchema = z.object({
  name: z.string().min(1).max(200),
  phones: z.array(z.string().min(1).max(64)).min(1).max(10),
  email: z.email().nullable().default(null),
  address: z.string().max(300).nullable().default(null),
  zipcode: z.string().regex(/^\d{5}$/).nullable().default(null),
  ...Coordinates,
  preferredLanguage: z.string().min(2).max(35).default('en'),
}).strict();

export const VoiceTokenSchema = z.object({
  identity: z.string(),
  token: z.string(),
  expiresAt: z.string(),
});
export type VoiceToken = z.infer<typeof VoiceTokenSchema>;

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

/**
 * The wallboard relay (team leads and admins): the host keeps one socket to the server's
 * `/live/wallboard` while at least one renderer watches, and relays each server message as the
 * `wallboard` event. A watcher holds a lease it renews, so a page that vanished without saying
 * goodbye does not keep the socket open for ever.
 */
export const WallboardWatcherIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
export const WallboardRelayStatusSchema = z.object({
  /** Renew (watch again with the same id) well before this runs out. */
  leaseMs: z.number().int().positive(),
  feed: z.enum(['connecting', 'open', 'down']),
  /** When the host's socket to the server dropped; null while it is up or first connecting. */
  downSince: IsoTimeSchema.nullable(),
});
export type WallboardRelayStatus = z.infer<typeof WallboardRelayStatusSchema>;

/** The host's own word beside the server's messages: its socket to the feed is down. */
export const WallboardFeedDownSchema = z.object({
  type: z.literal('feed_down'),
  since: IsoTimeSchema,
  reason: z.string(),
});
export const WallboardRelayMessageSchema = z.discriminatedUnion('type', [...LiveServerMessageSchema.options, WallboardFeedDownSchema]);
export type WallboardRelayMessage = z.infer<typeof WallboardRelayMessageSchema>;

export const DeskMethods = {
  // Identity (issue: sign-in, offline unlock, inactivity lock). Allowed in every state.
  getAuthState: { params: Empty, result: DeskAuthStateSchema },
  /** Online sign-in with the server; offline it unlocks with the local verifier while that is valid. */
  signIn: {
    params: z.object({ agentId: AgentIdSchema, password: z.string().min(1).max(256), totpCode: z.string().regex(/^\d{6}$/).optional() }).strict(),
    result: DeskAuthStateSchema,
  },
  completeTotpEnrollment: { params: z.object({ totpCode: z.string().regex(/^\d{6}$/) }).strict(), result: DeskAuthStateSchema },
  unlock: { params: z.object({ password: z.string().min(1).max(256) }).strict(), result: DeskAuthStateSchema },
  lock: { params: z.object({ reason: z.enum(['manual', 'inactivity']) }).strict(), result: DeskAuthStateSchema },
  /** Ends this desk's session on the server (every session of the agent with `everywhere`) and forgets the local verifier. */
  signOut: { params: z.object({ everywhere: z.boolean().default(false) }).strict(), result: DeskAuthStateSchema },
  getSession: { params: Empty, result: SessionInfoSchema },
  lookupCaller: { params: z.object({ phone: z.string().min(1).max(64) }).strict(), result: ScreenPopSchema },
  getSyncStatus: { params: Empty, result: SyncStatusSchema },
  syncNow: { params: Empty, result: SyncStatusSchema },
  /** `reason` is required for away (one of AWAY_REASONS) and ignored otherwise. */
  setAgentState: { params: z.object({ state: AgentStateSchema, reason: z.string().max(200).nullable().default(null) }).strict(), result: AgentSchema },
  getVoiceToken: { params: Empty, result: VoiceTokenSchema },
  listServiceTypes: { params: Empty, result: z.array(ServiceTypeSchema) },
  createCaller: { params: NewCallerParamsSchema, result: CallerSchema },
  createCase: { params: NewCaseParamsSchema, result: CaseSummarySchema },
  getCase: { params: z.object({ caseId: z.uuid() }).strict(), result: CaseDetailSchema },
  /** By official or provisional reference (exact), or words of the description/address. */
  searchCases: { params: z.object({ query: z.string().min(1).max(200), limit: z.number().int().min(1).max(200).default(50) }).strict(), result: z.array(CaseSummarySchema) },
  editCase: {
    params: z.object({ caseId: z.uuid(), changes: CaseEditChangesSchema }).strict(),
    result: CaseSummarySchema,
  },
  changeCaseStatus: { params: z.object({ caseId: z.uuid(), status: ServiceRequestStatusSchema }).strict(), result: CaseSummarySchema },
  linkCaller: { params: z.object({ caseId: z.uuid(), callerId: z.uuid().nullable() }).strict(), result: CaseSummarySchema },
  addCaseNote: { params: z.object({ caseId: z.uuid(), text: z.string().min(1).max(4000) }).strict(), result: CaseNoteSchema },
  resolveConflict: { params: z.object({ conflictId: z.uuid(), resolution: z.enum(['keep', 'take_losing']) }).strict(), result: CaseConflictSchema },
  listOutbox: { params: Empty, result: z.array(OutboxEntrySchema) },
  /** The agent has read a rejection; the entry leaves the outbox (its reason stays in the log). */
  // Call control: online only (the host forwards to the server, which drives Twilio).
  getCallState: { params: z.object({ callId: z.uuid() }).strict(), result: CallControlStateSchema },
  holdCall: { params: HoldRequestSchema.extend({ callId: z.uuid() }).strict(), result: CallControlStateSchema },
  transferCall: { params: TransferRequestSchema.extend({ callId: z.uuid() }).strict(), result: CallControlStateSchema },
  completeTransfer: { params: z.object({ callId: z.uuid() }).strict(), result: CallControlStateSchema },
  cancelTransfer: { params: z.object({ callId: z.uuid() }).strict(), result: CallControlStateSchema },
  wrapUpCall: { params: WrapUpRequestSchema.extend({ callId: z.uuid() }).strict(), result: WrapUpResponseSchema },
  listTransferTargets: { params: z.object({ callId: z.uuid() }).strict(), result: TransferTargetsSchema },
  // Triage: protocols come from the cache (every published version), so a run works offline;
  // publishing needs the server. A finished run's record is a synced mutation like any other.
  listTriageProtocols: { params: Empty, result: z.array(PublishedProtocolSchema) },
  /** Team leads and admins. Refused with PROTOCOL_INVALID and the validator's errors as details. */
  publishTriageProtocol: {
    params: z.object({ document: z.unknown(), effectiveFrom: z.iso.datetime({ offset: true }).nullable().default(null) }).strict(),
    result: PublishedProtocolSchema,
  },
  recordTriage: {
    params: z.object({ record: TriageRecordSchema, caseId: z.uuid().nullable(), callId: z.uuid().nullable() }).strict(),
    result: TriageRecordRowSchema,
  },
  acknowledgeRejection: { params: z.object({ mutationId: z.number().int().positive() }).strict(), result: z.object({ ok: z.literal(true) }) },
  // The wallboard (team leads and admins): the live feed through the host, preferences and the
  // supervisor actions, each forwarded to the server, which checks the role.
  watchWallboard: { params: z.object({ watcherId: WallboardWatcherIdSchema }).strict(), result: WallboardRelayStatusSchema },
  unwatchWallboard: { params: z.object({ watcherId: WallboardWatcherIdSchema }).strict(), result: Ok },
  /** The renderer saw a hole in the deltas: ask the server for a fresh snapshot. */
  resyncWallboard: { params: Empty, result: Ok },
  getWallboardPreferences: { params: Empty, result: WallboardPreferencesSchema },
  saveWallboardPreferences: { params: WallboardPreferencesSchema, result: WallboardPreferencesSchema },
  supervisorSetAgentState: { params: SupervisorStateRequestSchema.extend({ agentId: AgentIdSchema }).strict(), result: AgentSchema },
  supervisorSetAgentSkills: { params: SupervisorSkillsRequestSchema.extend({ agentId: AgentIdSchema }).strict(), result: AgentSchema },
  monitorCall: { params: MonitorRequestSchema.extend({ callId: z.uuid() }).strict(), result: MonitorSessionSchema },
  leaveMonitoredCall: { params: z.object({ callId: z.uuid() }).strict(), result: MonitorSessionSchema },
  setCallPriority: { params: PriorityRequestSchema.extend({ callId: z.uuid() }).strict(), result: PriorityResponseSchema },
  assignCall: { params: AssignRequestSchema.extend({ callId: z.uuid() }).strict(), result: AssignResponseSchema },
  // The audit log (admins): forwarded to the server, which checks the role and audits each export.
  // Online only; newest first, a page at a time.
  searchAudit: { params: AuditFiltersSchema.extend(AuditPageRequestSchema.shape).strict(), result: AuditPageSchema },
  /** Refused with EXPORT_TOO_LARGE above AUDIT_EXPORT_MAX_BYTES: narrow the filters. */
  exportAudit: { params: AuditFiltersSchema.strict(), result: AuditExportSchema },
} as const;

export type DeskMethodName = keyof typeof DeskMethods;
export const DESK_METHOD_NAMES = Object.keys(DeskMethods) as DeskMethodName[];

export const DeskEvents = {
  authState: DeskAuthStateSchema,
  syncStatus: SyncStatusSchema,
  agentChanged: AgentSchema,
  /** Cases changed locally or by a pull; the renderer refreshes what it shows of them. */
  casesChanged: z.object({ caseIds: z.array(z.string()) }),
  /** The server answered a push: rejections and conflicts the agent must see. */
  mutationResults: z.array(MutationResultSchema),
  /**
   * The caller of a call the server has just offered this agent, looked up by the host as soon as
   * it heard (sent before that callChanged, and only to an unlocked desk): the pop is on the desk
   * before the softphone rings.
   */
  callerPopped: z.object({ callId: z.string(), phone: z.string(), pop: ScreenPopSchema }),
  /** The server changed a call this agent holds or was offered. */
  callChanged: CallControlStateSchema,
  /** A message of the server's wallboard feed, relayed while a renderer watches (or `feed_down`). */
  wallboard: WallboardRelayMessageSchema,
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
