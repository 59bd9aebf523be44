// The server's configuration: one zod schema, filled from environment variables by
// loadServerConfig. Simulated telephony gets clearly fake Twilio credentials; real Twilio needs
// every credential and a token secret given explicitly.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DepartmentLineSchema, type DepartmentLine } from '../shared/call-control.js';
import { AlertThresholdsSchema, type AlertThresholds } from '../shared/live-protocol.js';
import { DEFAULT_METRICS_CONFIG } from '../shared/queue/metrics.js';
import { AgentRoleSchema } from '../shared/domain/agent.js';
import { E164Schema } from '../shared/domain/ids.js';

/** Fake credentials for the simulator: the right shapes, obviously not a real account. */
export const SIMULATED_TWILIO = {
  accountSid: `AC${'0'.repeat(32)}`,
  authToken: 'simulated-auth-token-not-a-secret',
  apiKeySid: `SK${'0'.repeat(32)}`,
  apiKeySecret: 'simulated-api-key-secret-not-a-secret',
  twimlAppSid: `AP${'0'.repeat(32)}`,
} as const;

/** Lines of the departments that take the 311 service types; fictional 555-01xx numbers. */
export const DEFAULT_DEPARTMENT_LINES: readonly DepartmentLine[] = [
  { code: 'streets', name: 'Streets Department', phone: '+12155550101' },
  { code: 'water', name: 'Water Department (PWD)', phone: '+12155550102' },
  { code: 'li', name: 'Licenses & Inspections', phone: '+12155550103' },
  { code: 'parks', name: 'Parks & Recreation', phone: '+12155550104' },
  { code: 'health', name: 'Department of Public Health', phone: '+12155550105' },
  { code: 'clip', name: 'Community Life Improvement Program', phone: '+12155550106' },
  { code: 'police', name: 'Police Department (non-emergency)', phone: '+12155550107' },
  { code: 'fire', name: 'Fire Department (non-emergency)', phone: '+12155550108' },
];

/** Twilio's public hold-music sample; a city points this at its own recording. */
export const DEFAULT_HOLD_MUSIC_URL = 'http://com.twilio.sounds.music.s3.amazonaws.com/MARKOVICHAMP-Borghestral.mp3';

/** Signs demo access tokens in simulated mode only; twilio mode must be given its own. */
export const DEMO_TOKEN_SECRET = 'frontdesk311-demo-token-secret-not-for-production';
/**
 * The password the demo agents are seeded with under simulated telephony when
 * FRONTDESK_SEED_PASSWORD is not set (tests and demos sign in with it); never with real Twilio.
 */
export const DEMO_SEED_PASSWORD = 'frontdesk-demo-311';

const TwilioCredentialsSchema = z.object({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  authToken: z.string().min(1),
  apiKeySid: z.string().regex(/^SK[0-9a-fA-F]{32}$/),
  apiKeySecret: z.string().min(1),
  twimlAppSid: z.string().regex(/^AP[0-9a-fA-F]{32}$/),
});

export const ServerConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(8311),
    databaseUrl: z.string().min(1).optional(),
    /** Put the tables in this PostgreSQL schema (tests use one per run). */
    databaseSchema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/).optional(),
    dataDir: z.string().min(1),
    publicUrl: z
      .url()
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    /** Honour X-Forwarded-Proto/Host when rebuilding the URL Twilio signed (behind a proxy). */
    trustProxy: z.boolean().default(false),
    telephony: z.enum(['simulated', 'twilio']).default('simulated'),
    twilio: TwilioCredentialsSchema.partial().default({}),
    transfer911Numbers: z.array(E164Schema).default(['+12155550911']),
    mainNumber: E164Schema.default('+12155550311'),
    /** How long an agent's softphone rings before the call goes back to the queue (<Dial timeout>). */
    ringTimeoutSeconds: z.number().int().min(1).max(600).default(20),
    /** After a call ends the agent is in wrap-up this long, then available by itself; 0 skips wrap-up. */
    wrapUpSeconds: z.number().int().min(0).max(3600).default(30),
    /** Offers an agent lets ring out in a row before the router sets them away ("missed call"). */
    awayAfterMissedCalls: z.number().int().min(1).max(100).default(1),
    /** Played to callers waiting in a queue, between position announcements. */
    holdMusicUrl: z.url().default(DEFAULT_HOLD_MUSIC_URL),
    /** Where "back to 911" transfers go: the 911 center's line for calls handed back. */
    emergencyTransferNumber: E164Schema.default('+12155550100'),
    departmentLines: z.array(DepartmentLineSchema).min(1).default([...DEFAULT_DEPARTMENT_LINES]),
    /** The wallboard's service level: answered within this many seconds... */
    serviceLevelSeconds: z.number().int().min(1).max(600).default(DEFAULT_METRICS_CONFIG.serviceLevelSeconds),
    /** ...for this share of calls (0–1). */
    serviceLevelTarget: z.number().min(0).max(1).default(DEFAULT_METRICS_CONFIG.serviceLevelTarget),
    /** Callers who hang up sooner than this are left out of service level and abandonment. */
    shortAbandonSeconds: z.number().int().min(0).max(120).default(DEFAULT_METRICS_CONFIG.shortAbandonSeconds),
    /** Wallboard alerts: a caller waiting longer, and an agent in a state longer (minutes, per state). */
    alertThresholds: AlertThresholdsSchema.default(AlertThresholdsSchema.parse({})),
    seed: z
      .union([z.object({ callers: z.number().int().min(0), cases: z.number().int().min(0) }), z.literal(false)])
      .default({ callers: 2000, cases: 6000 }),
    /** The demo generator's seed, so every fresh database gets the same callers. */
    seedRandom: z.number().int().default(311),
    tokenSecret: z.string().min(16).optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Browser origins allowed to call the API (CORS): the desk host's web mode by default. */
    corsOrigins: z.array(z.url().transform((url) => new URL(url).origin)).default(['http://127.0.0.1:8312']),
    /** Sign-in attempts a minute per client address and account before 429 (http/security.ts). */
    signInRateLimit: z.number().int().min(1).max(100_000).default(20),
    /** Access tokens live this long; every request also checks their session is not revoked. */
    accessTokenMinutes: z.number().int().min(1).max(24 * 60).default(15),
    /** A session's refresh token (rotated on every use) lives this long. */
    refreshTokenHours: z.number().min(0.1).max(24 * 90).default(12),
    /** Consecutive failed sign-ins that lock an account, and for how long. */
    lockoutAttempts: z.number().int().min(1).max(1000).default(5),
    lockoutMinutes: z.number().min(0.1).max(24 * 60).default(15),
    /** Roles that must set up and use an authenticator code; an enrolled agent always needs one. */
    totpRequiredRoles: z.array(AgentRoleSchema).default(['team_lead', 'admin']),
    /** What the desks are told (SignedIn.policy): offline unlock window and idle lock. */
    offlineUnlockHours: z.number().positive().max(24 * 30).default(12),
    lockAfterMinutes: z.number().positive().max(24 * 60).default(10),
    /** Open sockets (poke, wallboard) are checked against their session this often, for sign-outs on other instances. */
    socketRecheckSeconds: z.number().positive().max(3600).default(30),
    /**
     * The password seeded demo and simulated agents get. Simulated telephony defaults to
     * DEMO_SEED_PASSWORD; with real Twilio there is none unless FRONTDESK_SEED_PASSWORD is set.
     */
    seedPassword: z.string().min(1).max(256).optional(),
    /** The clock sign-in reads (lockouts, token and session expiry, TOTP steps); tests move it. */
    now: z.custom<() => Date>((value) => typeof value === 'function').optional(),
  })
  .superRefine((config, ctx) => {
    if (config.telephony !== 'twilio') return;
    const missing = (Object.keys(TwilioCredentialsSchema.shape) as Array<keyof typeof SIMULATED_TWILIO>).filter(
      (key) => !config.twilio[key],
    );
    if (missing.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['twilio'], message: `twilio telephony needs ${missing.join(', ')}` });
    }
    if (!config.tokenSecret) {
      ctx.addIssue({ code: 'custom', path: ['tokenSecret'], message: 'twilio telephony needs FRONTDESK_TOKEN_SECRET' });
    }
  })
  .transform((config) => ({
    ...config,
    twilio: { ...SIMULATED_TWILIO, ...stripUndefined(config.twilio) },
    tokenSecret: config.tokenSecret ?? DEMO_TOKEN_SECRET,
    seedPassword: config.seedPassword ?? (config.telephony === 'simulated' ? DEMO_SEED_PASSWORD : null),
    now: config.now ?? ((): Date => new Date()),
  }));

export type ServerConfig = z.infer<typeof ServerConfigSchema>;
export type ServerConfigInput = z.input<typeof ServerConfigSchema>;

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Where the user's data goes by platform convention (PGlite files go in `<dataDir>/server-db`). */
export function defaultDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || env.USERPROFILE || os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Frontdesk311');
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'Frontdesk311');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'frontdesk311');
}

function numberFrom(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return Number(value);
}

function listFrom(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

function booleanFrom(value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return /^(1|true|yes|on)$/i.test(value.trim());
}

/** FRONTDESK_AGENT_STATE_ALERT_MINUTES="on_call=20,wrap_up=5,away=30" (a state left out: never). */
function alertThresholdsFrom(oldestWait: string | undefined, stateMinutes: string | undefined): AlertThresholds | undefined {
  if (numberFrom(oldestWait) === undefined && listFrom(stateMinutes) === undefined) return undefined;
  const defaults = AlertThresholdsSchema.parse({});
  const minutes = listFrom(stateMinutes);
  return {
    ...defaults,
    oldestWaitSeconds: numberFrom(oldestWait) ?? defaults.oldestWaitSeconds,
    agentStateMinutes: minutes
      ? Object.fromEntries(minutes.map((pair) => pair.split('=').map((part) => part.trim())).map(([state, value]) => [state, Number(value)]))
      : defaults.agentStateMinutes,
  };
}

/** "code|Name|+1215…;code|Name|+1215…" */
function departmentLinesFrom(value: string | undefined): DepartmentLine[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(';')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [code = '', name = '', phone = ''] = entry.split('|').map((part) => part.trim());
      return { code, name, phone };
    });
}

/** Reads FRONTDESK_*, DATABASE_URL and TWILIO_* variables; throws a ZodError naming bad ones. */
export function loadServerConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const seedCallers = numberFrom(env.FRONTDESK_SEED_CALLERS);
  const seedCases = numberFrom(env.FRONTDESK_SEED_CASES);
  const seedOff = /^(0|false|off|no)$/i.test(env.FRONTDESK_SEED ?? '');
  const input: ServerConfigInput = {
    host: env.FRONTDESK_SERVER_HOST || undefined,
    port: numberFrom(env.FRONTDESK_SERVER_PORT),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: env.FRONTDESK_DATABASE_SCHEMA || undefined,
    dataDir: env.FRONTDESK_DATA_DIR || defaultDataDir(env),
    publicUrl: env.FRONTDESK_PUBLIC_URL?.replace(/\/+$/, '') || undefined,
    trustProxy: booleanFrom(env.FRONTDESK_TRUST_PROXY),
    telephony: (env.FRONTDESK_TELEPHONY || undefined) as ServerConfigInput['telephony'],
    twilio: {
      accountSid: env.TWILIO_ACCOUNT_SID || undefined,
      authToken: env.TWILIO_AUTH_TOKEN || undefined,
      apiKeySid: env.TWILIO_API_KEY_SID || undefined,
      apiKeySecret: env.TWILIO_API_KEY_SECRET || undefined,
      twimlAppSid: env.TWILIO_TWIML_APP_SID || undefined,
    },
    transfer911Numbers: listFrom(env.FRONTDESK_911_TRANSFER_NUMBERS),
    mainNumber: env.FRONTDESK_MAIN_NUMBER || undefined,
    ringTimeoutSeconds: numberFrom(env.FRONTDESK_RING_TIMEOUT_SECONDS),
    wrapUpSeconds: numberFrom(env.FRONTDESK_WRAP_UP_SECONDS),
    awayAfterMissedCalls: numberFrom(env.FRONTDESK_AWAY_AFTER_MISSED_CALLS),
    holdMusicUrl: env.FRONTDESK_HOLD_MUSIC_URL || undefined,
    emergencyTransferNumber: env.FRONTDESK_EMERGENCY_TRANSFER_NUMBER || undefined,
    departmentLines: departmentLinesFrom(env.FRONTDESK_DEPARTMENT_LINES),
    serviceLevelSeconds: numberFrom(env.FRONTDESK_SERVICE_LEVEL_SECONDS),
    serviceLevelTarget: numberFrom(env.FRONTDESK_SERVICE_LEVEL_TARGET),
    shortAbandonSeconds: numberFrom(env.FRONTDESK_SHORT_ABANDON_SECONDS),
    alertThresholds: alertThresholdsFrom(env.FRONTDESK_OLDEST_WAIT_ALERT_SECONDS, env.FRONTDESK_AGENT_STATE_ALERT_MINUTES),
    seed: seedOff
      ? false
      : seedCallers === undefined && seedCases === undefined
        ? undefined
        : { callers: seedCallers ?? 2000, cases: seedCases ?? 6000 },
    seedRandom: numberFrom(env.FRONTDESK_SEED_RANDOM),
    tokenSecret: env.FRONTDESK_TOKEN_SECRET || undefined,
    logLevel: (env.FRONTDESK_LOG_LEVEL || undefined) as ServerConfigInput['logLevel'],
    corsOrigins: listFrom(env.FRONTDESK_CORS_ORIGINS),
    signInRateLimit: numberFrom(env.FRONTDESK_SIGN_IN_RATE_LIMIT),
    accessTokenMinutes: numberFrom(env.FRONTDESK_ACCESS_TOKEN_MINUTES),
    refreshTokenHours: numberFrom(env.FRONTDESK_REFRESH_TOKEN_HOURS),
    lockoutAttempts: numberFrom(env.FRONTDESK_LOCKOUT_ATTEMPTS),
    lockoutMinutes: numberFrom(env.FRONTDESK_LOCKOUT_MINUTES),
    // Set but empty means no role needs a second factor; unset means the default.
    totpRequiredRoles:
      env.FRONTDESK_TOTP_REQUIRED_ROLES === undefined
        ? undefined
        : (env.FRONTDESK_TOTP_REQUIRED_ROLES.split(',').map((role) => role.trim()).filter(Boolean) as ServerConfigInput['totpRequiredRoles']),
    offlineUnlockHours: numberFrom(env.FRONTDESK_OFFLINE_UNLOCK_HOURS),
    lockAfterMinutes: numberFrom(env.FRONTDESK_LOCK_AFTER_MINUTES),
    socketRecheckSeconds: numberFrom(env.FRONTDESK_SOCKET_RECHECK_SECONDS),
    seedPassword: env.FRONTDESK_SEED_PASSWORD || undefined,
  };
  return ServerConfigSchema.parse(input);
}
