// The audit log as the desktop and the server both see it: the closed list of actions, the
// filters an admin searches by, and the entries and pages the server answers with. Details name
// records by id; they never hold a caller's name, phone number or address.
import { z } from 'zod';

/** Every action name, what it records and what `details` holds: one list, so a search by action cannot miss a spelling variant. */
export const AUDIT_ACTIONS = {
  'auth.sign_in': 'An agent signed in. Object: the agent; details: { sessionId }.',
  'auth.sign_in_failed': 'A sign-in was refused. details: { attemptedAgentId, status, code } (the error code the client got: the reason).',
  'auth.sign_out': 'An agent signed out. details: { sessionId } for one session, { everywhere: true, revokedSessions } for all.',
  'auth.locked_out': 'An account was locked after repeated failures. Object: the agent; details: { lockedUntil, after } (the failing step).',
  'auth.totp_enrolled': 'An agent set up their authenticator (second factor). Object: the agent.',
  'auth.refresh_reuse': 'A spent refresh token was presented again: its session was revoked. Object: the agent; details: { sessionId }.',
  'auth.password_changed': 'An agent changed their own password; their other sessions were signed out. details: { revokedSessions }.',
  'auth.password_set': "An admin (or an operator with `npm run users`) set an agent's password. Object: the agent; details: { revokedSessions, by }.",
  'auth.totp_reset': "An admin (or an operator) removed an agent's second factor. Object: the agent; details: { revokedSessions, by }.",
  'auth.unlocked': 'An admin (or an operator) unlocked a locked account. Object: the agent; details: { by }.',
  'caller.view': "An agent opened a caller's record (screen pop or search). Object: the caller.",
  'caller.change': 'A caller record was created or changed. details: { mutation } (the sync mutation name).',
  'case.view': 'An agent opened a case. Object: the case.',
  'case.change': 'A case was created, edited, had its status changed or got a note. details: { mutation }.',
  'audit.export': 'An admin exported the audit log. details: { filters }.',
  'protocol.publish': 'A triage protocol version was published. Object: the protocol ("<id>@<version>").',
  'supervisor.state_change': "A team lead changed an agent's state. Object: the agent; details: { from, to, reason }.",
  'supervisor.monitor': 'A team lead listened in on a call. Object: the call.',
  'supervisor.coach': 'A team lead coached an agent on a call (heard by the agent only). Object: the call.',
  'supervisor.barge': 'A team lead joined a call. Object: the call.',
  'supervisor.monitor_end': 'A team lead left a call they listened to, coached on or joined. Object: the call; details: { mode }.',
  'supervisor.skills_change': "A team lead changed an agent's skills (the queues they take). Object: the agent; details: { from, to }.",
  'supervisor.reprioritize': "A team lead changed a waiting call's priority. Object: the call; details: { from, to }.",
  'supervisor.assign': 'A team lead offered a waiting call to an agent they chose. Object: the call; details: { agentId }.',
  'agent.role_change': "An admin changed an agent's role. Object: the agent; details: { from, to }.",
  'case.search': 'An agent searched cases on a desk. details: { context, reference (null for words, whose text is not kept), resultCount, caseIds }.',
  'open311.request_created': 'A partner app filed a case through Open311 POST requests. Object: the case; details: { apiKeyId, serviceCode, serviceRequestId }.',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AuditActionSchema = z.enum(Object.keys(AUDIT_ACTIONS) as [AuditAction, ...AuditAction[]]);

/** The server's path of the search; the CSV export is at `${AUDIT_PATH}/export.csv`. */
export const AUDIT_PATH = '/audit';

export const AuditFiltersSchema = z.object({
  agentId: z.string().min(1).max(200).optional(),
  action: AuditActionSchema.optional(),
  objectType: z.string().min(1).max(60).optional(),
  objectId: z.string().min(1).max(200).optional(),
  /** The desktop install (its sync client id) the entry came from. */
  clientId: z.string().min(1).max(200).optional(),
  /** From this time (inclusive) to `to` (exclusive). */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditFilters = z.infer<typeof AuditFiltersSchema>;

/** One page of a search, newest first. */
export const AUDIT_PAGE_LIMIT_MAX = 500;
export const AuditPageRequestSchema = z.object({
  limit: z.number().int().min(1).max(AUDIT_PAGE_LIMIT_MAX).default(100),
  /** The previous page's `nextCursor`. */
  cursor: z.number().int().min(1).optional(),
});

export const AuditEntrySchema = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  recordedAt: z.string(),
  /** Null when nobody was signed in (a refused sign-in of an unknown id). */
  agentId: z.string().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  clientId: z.string().nullable(),
  ip: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = z.object({
  entries: z.array(AuditEntrySchema),
  /** Pass as `cursor` for the next (older) page; null on the last one. */
  nextCursor: z.number().int().positive().nullable(),
});
export type AuditPage = z.infer<typeof AuditPageSchema>;

/** Query-string parameters of the search and the export (the server coerces them back). */
export function auditQuery(filters: AuditFilters, page?: { limit?: number | undefined; cursor?: number | undefined }): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...page })) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/** The desk refuses a bigger export (the admin narrows the filters): it travels whole to the page. */
export const AUDIT_EXPORT_MAX_BYTES = 20 * 1024 * 1024;
export const AuditExportSchema = z.object({
  fileName: z.string().regex(/^[\w.-]+\.csv$/),
  /** The server's CSV as is: a header row, then every matching entry in chain order with its hashes. */
  csv: z.string(),
});
export type AuditExport = z.infer<typeof AuditExportSchema>;
