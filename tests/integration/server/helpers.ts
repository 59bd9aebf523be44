// Shared set-up for the server's integration tests: the stores to run against (PGlite always,
// PostgreSQL when TEST_DATABASE_URL is set, each run in its own schema), a real server on
// 127.0.0.1:0, webhook signing, and a softphone client over WebSocket.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Secret, TOTP } from 'otpauth';
import WebSocket from 'ws';
import { seedPasswordHash } from '../../../server/auth/credentials.js';
import { hashPassword } from '../../../server/auth/passwords.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';
import { SignedInSchema, SignInResponseSchema } from '../../../shared/server-api.js';
import { startServer, ServerConfigSchema, type RunningServer, type ServerConfigInput } from '../../../server/app.js';
import { dropPgSchema, openPgStore } from '../../../server/store/pg-store.js';
import { openPgliteStore } from '../../../server/store/pglite-store.js';
import type { Store } from '../../../server/store/store.js';
import { SimServerMessageSchema, SIM_VOICE_PATH, type SimServerMessage } from '../../../shared/softphone-protocol.js';

export interface StoreTarget {
  kind: 'pglite' | 'postgres';
}

const postgresUrl = process.env.TEST_DATABASE_URL;
let explained = false;

/** PGlite always; PostgreSQL only when TEST_DATABASE_URL says where one is. */
export function storeTargets(): StoreTarget[] {
  if (!postgresUrl && !explained) {
    explained = true;
    console.info('server tests: TEST_DATABASE_URL is not set, so they run against PGlite only (not PostgreSQL).');
  }
  return postgresUrl ? [{ kind: 'pglite' }, { kind: 'postgres' }] : [{ kind: 'pglite' }];
}

export interface ScratchStore {
  store: Store;
  /** Config that points a server at this same database. */
  serverConfig: Partial<ServerConfigInput> & { dataDir: string };
  dispose(): Promise<void>;
}

/** A fresh, empty database of the target kind, and how to throw it away. */
export async function openScratchStore(target: StoreTarget): Promise<ScratchStore> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fd311-store-'));
  if (target.kind === 'postgres') {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const store = await openPgStore({ connectionString: postgresUrl as string, schema, maxConnections: 4 });
    return {
      store,
      serverConfig: { dataDir: dir, databaseUrl: postgresUrl, databaseSchema: schema },
      dispose: async () => {
        await store.close().catch(() => undefined);
        await dropPgSchema(postgresUrl as string, schema);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  // The path the server itself uses for PGlite: <dataDir>/server-db.
  const store = await openPgliteStore(path.join(dir, 'server-db'));
  return {
    store,
    serverConfig: { dataDir: dir },
    dispose: async () => {
      await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestServer {
  server: RunningServer;
  url: string;
  authToken: string;
  dispose(): Promise<void>;
}

/** Starts the real server (simulated telephony) with a small seed on the target store. */
export async function startTestServer(target: StoreTarget, overrides: Partial<ServerConfigInput> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fd311-server-'));
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const config = ServerConfigSchema.parse({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logLevel: 'silent',
    seed: { callers: 50, cases: 150 },
    ...(target.kind === 'postgres' ? { databaseUrl: postgresUrl, databaseSchema: schema } : {}),
    ...overrides,
  });
  const server = await startServer(config);
  return {
    server,
    url: server.url,
    authToken: config.twilio.authToken,
    dispose: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (target.kind === 'postgres') await dropPgSchema(postgresUrl as string, schema);
    },
  };
}

/**
 * X-Twilio-Signature computed here from Twilio's published algorithm, independently of the
 * twilio package the server validates with: base64 HMAC-SHA1 over the URL and the sorted params.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(data).digest('base64');
}

export async function postForm(url: string, params: Record<string, string>, signature?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === undefined ? {} : { 'x-twilio-signature': signature }),
    },
    body: new URLSearchParams(params).toString(),
  });
}

export async function postJson(url: string, body: unknown, token?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

/**
 * Authenticator secrets this test run enrolled, per server and agent, and the last time step
 * each agent used (per agent, since servers sharing a database share it).
 */
const enrolled = new Map<string, string>();
const lastStepOf = new Map<string, number>();
const TOTP_PERIOD_MS = 30_000;

function totpCode(secret: string, step: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: step * TOTP_PERIOD_MS });
}

/**
 * A code for a time step the server has not seen: the current step or the next (both inside its
 * window whatever the milliseconds between here and there), or, after two sign-ins in one step,
 * the current one once it comes round. The server refuses a step twice.
 */
async function freshCode(agentId: string, secret: string): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / TOTP_PERIOD_MS);
    const step = [now, now + 1].find((candidate) => candidate > (lastStepOf.get(agentId) ?? -1));
    if (step !== undefined) {
      lastStepOf.set(agentId, step);
      return totpCode(secret, step);
    }
    await new Promise((resolve) => setTimeout(resolve, TOTP_PERIOD_MS - (Date.now() % TOTP_PERIOD_MS) + 20));
  }
}

export interface SignedInSession {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

/**
 * Signs in with the seed password the way a desk does, completing the authenticator set-up for
 * roles that need one, and sending a fresh code for agents enrolled by an earlier sign-in (on this
 * server, or on another instance over the same database).
 */
export async function signInSession(baseUrl: string, agentId: string, password = DEMO_SEED_PASSWORD): Promise<SignedInSession> {
  const key = `${baseUrl}|${agentId}`;
  const known = enrolled.get(key);
  const candidates = known ? [known] : [...enrolled].filter(([other]) => other.endsWith(`|${agentId}`)).map(([, secret]) => secret);
  let response = await postJson(`${baseUrl}/auth/sign-in`, { agentId, password, ...(known ? { totpCode: await freshCode(agentId, known) } : {}) });
  for (const secret of known ? [] : candidates) {
    if (response.status !== 401) break;
    response = await postJson(`${baseUrl}/auth/sign-in`, { agentId, password, totpCode: await freshCode(agentId, secret) });
    if (response.status === 200) enrolled.set(key, secret);
  }
  if (response.status !== 200) throw new Error(`sign-in of ${agentId} failed: ${response.status} ${await response.text()}`);
  const answer = SignInResponseSchema.parse(await response.json());
  if (answer.status === 'signed_in') return answer;
  // The current step: the server's window takes it even if the step turns meanwhile.
  const step = Math.floor(Date.now() / TOTP_PERIOD_MS);
  enrolled.set(key, answer.secret);
  lastStepOf.set(agentId, Math.max(step, lastStepOf.get(agentId) ?? -1));
  const enroll = await postJson(`${baseUrl}/auth/totp/enroll`, { enrollmentToken: answer.enrollmentToken, totpCode: totpCode(answer.secret, step) });
  if (enroll.status !== 200) throw new Error(`authenticator set-up of ${agentId} failed: ${enroll.status} ${await enroll.text()}`);
  return SignedInSchema.parse(await enroll.json());
}

/** The access token of a fresh sign-in (see signInSession). */
export async function signIn(baseUrl: string, agentId: string): Promise<string> {
  return (await signInSession(baseUrl, agentId)).accessToken;
}

/** Gives agents a test inserted straight into the database the seed password, so they can sign in. */
export async function givePasswords(store: Store, agentIds: readonly string[], password = DEMO_SEED_PASSWORD): Promise<void> {
  await seedPasswordHash(store, agentIds, await hashPassword(password));
}

/** Going away needs a reason; `break` unless the test names another. */
export async function setState(baseUrl: string, token: string, state: string, reason: string | null = state === 'away' ? 'break' : null): Promise<void> {
  const response = await fetch(`${baseUrl}/agents/me/state`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ state, reason }),
  });
  if (response.status !== 200) throw new Error(`set state failed: ${response.status}`);
}

export async function voiceToken(baseUrl: string, accessToken: string): Promise<string> {
  const response = await fetch(`${baseUrl}/twilio/token`, { headers: { authorization: `Bearer ${accessToken}` } });
  return ((await response.json()) as { token: string }).token;
}

/** A simulated softphone: a WebSocket that keeps every message and can wait for one. */
export class SoftphoneClient {
  readonly messages: SimServerMessage[] = [];
  private waiters: Array<() => void> = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(SimServerMessageSchema.parse(JSON.parse(String(data))));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async connect(baseUrl: string): Promise<SoftphoneClient> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${SIM_VOICE_PATH}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new SoftphoneClient(socket);
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async waitFor<T extends SimServerMessage['type']>(
    type: T,
    match: (message: Extract<SimServerMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Extract<SimServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(
        (message): message is Extract<SimServerMessage, { type: T }> =>
          message.type === type && match(message as Extract<SimServerMessage, { type: T }>),
      );
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} message within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async register(identity: string, token: string): Promise<void> {
    this.send({ type: 'register', identity, token });
    await this.waitFor('registered', (message) => message.identity === identity);
  }

  close(): void {
    this.socket.close();
  }
}

/** Polls until `check` returns a value, for state written by webhooks that run after a reply. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
