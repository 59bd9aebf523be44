// The server's outer defences, in one place: security headers, CORS for the app's own origins,
// body size limits, rate limits on the routes strangers can reach, and a log that never holds a
// secret or a resident's phone number. `fastifyOptions` goes to Fastify(); `installSecurity` runs
// before any route is registered.
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, FastifyServerOptions, RouteOptions } from 'fastify';
import type { ServerConfig } from '../config.js';
import { AUDIT_CLIENT_HEADER } from '../audit/source.js';
import { HttpFailure } from './errors.js';

/** Every request body; sync push raises its own limit (routes/sync.ts), nothing else needs to. */
export const GLOBAL_BODY_LIMIT = 256 * 1024;

export interface RateLimitPolicy {
  name: string;
  applies(method: string, url: string): boolean;
  max: number;
  windowMs: number;
  /** Who is counted. Runs after the body is parsed. */
  key(request: FastifyRequest): string;
}

function attemptedAgent(request: FastifyRequest): string {
  const agentId = (request.body as { agentId?: unknown } | undefined)?.agentId;
  return typeof agentId === 'string' ? agentId.slice(0, 64) : '';
}

/** A short digest of a body field (a refresh or enrollment token), so a count keys on it without keeping it. */
function digestOf(request: FastifyRequest, field: string): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? createHash('sha256').update(value).digest('base64url').slice(0, 16) : '';
}

/**
 * Per server instance (the limiter keeps its counts in memory). Sign-in counts per address and
 * account, so a call center behind one NAT can start a shift together while guessing at one
 * account stops at `signInRateLimit` tries a minute (20 unless configured); the account lockout in
 * the database is the guard across instances. Refresh and the first authenticator code count per
 * address and token: a whole floor behind one NAT refreshes every few minutes, and the tokens
 * themselves are unguessable (a wrong code also counts towards the lockout). Twilio sends from
 * many addresses, and a busy queue polls `queue-wait` often.
 */
/**
 * Open311 POST is counted per address (the `open311-post` policy) and, once the api key is known
 * to be valid, per key as well: one partner's servers may post from several addresses. The route
 * applies this one (server/routes/open311.ts), since only it knows the key.
 */
export const OPEN311_KEY_RATE_LIMIT = { name: 'open311-post-key', max: 120, windowMs: 60_000 } as const;

export function rateLimitPolicies(config: Pick<ServerConfig, 'signInRateLimit'>): RateLimitPolicy[] {
  return [
    {
      name: 'sign-in',
      applies: (method, url) => method === 'POST' && url === '/auth/sign-in',
      max: config.signInRateLimit,
      windowMs: 60_000,
      key: (request) => `${request.ip}|${attemptedAgent(request)}`,
    },
    {
      name: 'refresh',
      applies: (method, url) => method === 'POST' && url === '/auth/refresh',
      max: config.signInRateLimit,
      windowMs: 60_000,
      key: (request) => `${request.ip}|${digestOf(request, 'refreshToken')}`,
    },
    {
      name: 'totp-enroll',
      applies: (method, url) => method === 'POST' && url === '/auth/totp/enroll',
      max: config.signInRateLimit,
      windowMs: 60_000,
      key: (request) => `${request.ip}|${digestOf(request, 'enrollmentToken')}`,
    },
    {
      name: 'twilio-webhooks',
      applies: (_method, url) => url.startsWith('/twilio/') && url !== '/twilio/token',
      max: 1200,
      windowMs: 60_000,
      key: (request) => request.ip,
    },
    {
      name: 'open311-post',
      applies: (method, url) => method === 'POST' && url.startsWith('/open311/'),
      max: 30,
      windowMs: 60_000,
      key: (request) => request.ip,
    },
  ];
}

// Values of these keys (any case, at any depth) never reach the log.
const SECRET_KEYS = new Set([
  'authorization', 'cookie', 'set-cookie', 'x-twilio-signature', 'token', 'accesstoken', 'access_token', 'refreshtoken',
  'refresh_token', 'password', 'secret', 'authtoken', 'apikeysecret', 'tokensecret', 'totp', 'otp',
  // Sign-in bodies and answers (shared/server-api.ts).
  'currentpassword', 'newpassword', 'totpcode', 'enrollmenttoken', 'otpauthuri', 'passwordhash', 'password_hash', 'totpsecret',
  'totp_secret',
]);
const PERSONAL_KEYS = new Set([
  'from', 'to', 'caller', 'called', 'forwardedfrom', 'callerid', 'phone', 'phones', 'fromnumber', 'from_number', 'tonumber',
  'to_number', 'name', 'displayname', 'display_name', 'callername', 'firstname', 'lastname', 'email', 'address',
]);
const REDACTED = '[redacted]';

const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const SECRET_QUERY = /([?&](?:token|access_token|accessToken|refresh_token|refreshToken|password|signature|secret)=)[^&\s#"]*/gi;
// Our access tokens (<agent>.<session>.<expiry>.<HMAC>), refresh tokens (fdr_…), TOTP enrollment
// tokens (fde.…), Argon2 hashes, and JWTs (Twilio's voice tokens).
const ACCESS_TOKEN = /\b[a-z0-9][a-z0-9-]{1,62}\.(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.)?\d{9,12}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
const REFRESH_TOKEN = /\bfdr_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
const ENROLLMENT_TOKEN = /\bfde\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
const PASSWORD_HASH = /\$argon2(?:id|i|d)\$[^\s"]+/g;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
// A run of digits and phone punctuation, judged by its digit count below.
const PHONE_LIKE = /(?<![A-Za-z0-9])(?:\+|%2B)?\(?\d(?:[\d ().-]|%20){6,24}\d(?![A-Za-z0-9])/gi;

function looksLikePhone(candidate: string): boolean {
  const digits = candidate.replace(/%20|%2B/gi, ' ').replace(/\D/g, '');
  if (/^(\+|%2B)/i.test(candidate)) return digits.length >= 8 && digits.length <= 15;
  // North American numbers without a plus: area code and exchange never start with 0 or 1.
  if (digits.length === 10) return /^[2-9]\d{2}[2-9]/.test(digits);
  if (digits.length === 11) return /^1[2-9]\d{2}[2-9]/.test(digits);
  return false;
}

export function scrubText(text: string): string {
  return text
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(SECRET_QUERY, `$1${REDACTED}`)
    .replace(ACCESS_TOKEN, REDACTED)
    .replace(REFRESH_TOKEN, REDACTED)
    .replace(ENROLLMENT_TOKEN, REDACTED)
    .replace(PASSWORD_HASH, REDACTED)
    .replace(JWT, REDACTED)
    .replace(PHONE_LIKE, (candidate) => (looksLikePhone(candidate) ? '[phone]' : candidate));
}

function scrubValue(value: unknown): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) return value.map(scrubValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        const lower = key.toLowerCase();
        if ((SECRET_KEYS.has(lower) || PERSONAL_KEYS.has(lower)) && inner !== null && inner !== '') return [key, REDACTED];
        return [key, scrubValue(inner)];
      }),
    );
  }
  return value;
}

/** One pino line (JSON) with secrets and personal data taken out; text that is not JSON is scrubbed as text. */
export function scrubLogLine(line: string): string {
  const trimmed = line.replace(/\n$/, '');
  try {
    return `${JSON.stringify(scrubValue(JSON.parse(trimmed)))}\n`;
  } catch {
    return `${scrubText(trimmed)}\n`;
  }
}

export interface LogDestination {
  write(line: string): unknown;
}

/**
 * Fastify's options: the log goes through the scrubber on its way out (it sees every line,
 * whatever a module put in it), the global body limit, and client addresses from
 * X-Forwarded-For only behind a trusted proxy.
 */
export function fastifyOptions(config: ServerConfig, destination: LogDestination = process.stdout): FastifyServerOptions {
  return {
    logger: { level: config.logLevel, stream: { write: (line: string) => destination.write(scrubLogLine(line)) } },
    bodyLimit: GLOBAL_BODY_LIMIT,
    trustProxy: config.trustProxy,
  };
}

function rateLimitPolicyApplier(policies: RateLimitPolicy[]): (route: RouteOptions) => void {
  return (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const policy = policies.find((candidate) => methods.some((method) => candidate.applies(method, route.url)));
    if (!policy) return;
    route.config = {
      ...route.config,
      rateLimit: {
        max: policy.max,
        timeWindow: policy.windowMs,
        // After the body is parsed, so sign-in can count per account.
        hook: 'preValidation',
        keyGenerator: (request: FastifyRequest) => `${policy.name}|${policy.key(request)}`,
      },
    } as RouteOptions['config'];
  };
}

export async function installSecurity(app: FastifyInstance, config: ServerConfig): Promise<void> {
  await app.register(helmet, {
    // An API serves no pages: nothing may load, frame or submit anything.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  // Answers name residents: no cache on the way may keep them.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
  await app.register(cors, {
    origin: config.corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', AUDIT_CLIENT_HEADER],
    credentials: false,
    maxAge: 600,
  });
  // Before the limiter's own onRoute hook, which reads the config this sets.
  app.addHook('onRoute', rateLimitPolicyApplier(rateLimitPolicies(config)));
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpFailure(429, 'RATE_LIMITED', `too many requests: at most ${context.max} a minute; try again in ${context.after}`),
  });
}
