// Schemas of the central server's HTTP API that desk hosts and scripts call (besides sync).
import { z } from 'zod';
import { AgentIdSchema, AgentSchema, AgentStateSchema } from './domain/agent.js';

// Sign-in (server/routes/auth.ts). Passwords are Argon2id hashes on the server; access tokens
// are short-lived and opaque to callers; a refresh token (rotated on every use) gets the next one.
export const PasswordSchema = z.string().min(1).max(256);
/** A password being set: long rather than complicated (NIST SP 800-63B). */
export const NewPasswordSchema = z.string().min(12, 'a password needs at least 12 characters').max(256);
export const TotpCodeSchema = z.string().regex(/^\d{6}$/, 'a 6-digit code');
const IsoTime = z.iso.datetime({ offset: true });

export const SignInRequestSchema = z.object({
  agentId: AgentIdSchema,
  password: PasswordSchema,
  /** Required once the agent has a second factor; refused with TOTP_REQUIRED when missing. */
  totpCode: TotpCodeSchema.optional(),
  /** The desk install signing in (its sync client id), for the audit log and the session list. */
  clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional(),
}).strict();

/** What the server tells every desk about locking, so admins set it in one place. */
export const DesktopPolicySchema = z.object({
  /** How long after the last online sign-in the desk may be unlocked with the local verifier. */
  offlineUnlockHours: z.number().positive().max(24 * 30),
  /** The desk locks after this long without input (never during a live call). */
  lockAfterMinutes: z.number().positive().max(24 * 60),
});
export type DesktopPolicy = z.infer<typeof DesktopPolicySchema>;

export const SignedInSchema = z.object({
  status: z.literal('signed_in'),
  agent: AgentSchema,
  sessionId: z.uuid(),
  accessToken: z.string(),
  accessExpiresAt: IsoTime,
  refreshToken: z.string(),
  refreshExpiresAt: IsoTime,
  policy: DesktopPolicySchema,
});
export type SignedIn = z.infer<typeof SignedInSchema>;

/**
 * The password was right, but the role needs a second factor the agent has not set up: show the
 * secret (and its otpauth URI as a QR code), then POST /auth/totp/enroll with a first code.
 */
export const TotpEnrollmentRequiredSchema = z.object({
  status: z.literal('totp_enrollment_required'),
  enrollmentToken: z.string(),
  otpauthUri: z.string().startsWith('otpauth://totp/'),
  /** Base32, for typing into an authenticator by hand. */
  secret: z.string(),
  expiresAt: IsoTime,
});
export type TotpEnrollmentRequired = z.infer<typeof TotpEnrollmentRequiredSchema>;

/** POST /auth/sign-in answers one of these; failures are INVALID_CREDENTIALS, ACCOUNT_LOCKED, TOTP_REQUIRED, TOTP_INVALID. */
export const SignInResponseSchema = z.discriminatedUnion('status', [SignedInSchema, TotpEnrollmentRequiredSchema]);
export type SignInResponse = z.infer<typeof SignInResponseSchema>;

/** POST /auth/totp/enroll answers SignedInSchema. */
export const TotpEnrollRequestSchema = z.object({ enrollmentToken: z.string().min(1).max(512), totpCode: TotpCodeSchema }).strict();
/** POST /auth/refresh answers SignedInSchema with a new refresh token; the old one is spent (reuse revokes the session). */
export const RefreshRequestSchema = z.object({ refreshToken: z.string().min(1).max(512) }).strict();
/** POST /auth/sign-out (this session) and /auth/sign-out-everywhere (every session of the agent). */
export const SignOutResponseSchema = z.object({ revokedSessions: z.number().int().nonnegative() });
/** PUT /auth/password: the agent's own; every other session of theirs is signed out. */
export const ChangePasswordRequestSchema = z.object({ currentPassword: PasswordSchema, newPassword: NewPasswordSchema }).strict();
/** PUT /admin/agents/:agentId/password (admins): sets a password and signs the agent out everywhere. */
export const SetPasswordRequestSchema = z.object({ newPassword: NewPasswordSchema }).strict();

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
