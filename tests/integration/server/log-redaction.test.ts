// No personal data or secrets in the server's log: a real server process logging at info gets a
// sign-in (and every route that carries a password, token or authenticator code), a signed voice webhook from a seeded caller, the same webhook as a GET (Twilio's other
// method, which puts the caller's number in the URL), a sync pull and the poke socket with
// ?token=; its whole stdout is then searched for the number in every format, the access token
// and the Twilio auth token.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import { DEMO_SEED_PASSWORD, SIMULATED_TWILIO } from '../../../server/config.js';
import type { SignedIn, TotpEnrollmentRequired } from '../../../shared/server-api.js';
import { dropPgSchema } from '../../../server/store/pg-store.js';
import { SYNC_POKE_PATH, SYNC_PROTOCOL_VERSION } from '../../../shared/sync-protocol.js';
import { postForm, postJson, signIn, storeTargets, twilioSignature } from './helpers.js';

const SERVER_SCRIPT = fileURLToPath(new URL('../../fixtures/processes/central-server.ts', import.meta.url));
// Denise Whitfield, a seeded demo caller (server/demo-data/demo-callers.ts).
const CALLER = '+12155550142';
const CALLER_FORMATS = [CALLER, '12155550142', '2155550142', '215-555-0142', '(215) 555-0142', '215.555.0142', '215 555 0142', '%2B12155550142', '+1 215 555 0142'];

interface LoggingServer {
  child: ChildProcess;
  url: string;
  log(): string;
  stop(): Promise<void>;
}

async function startLoggingServer(config: Record<string, unknown>): Promise<LoggingServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_SCRIPT], {
    env: { ...process.env, FRONTDESK_TEST_SERVER_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready: ${out}`)), 90_000);
    const check = () => {
      const ready = /^READY (.*)$/m.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolve((JSON.parse(ready[1]!) as { url: string }).url);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  return {
    child,
    url,
    log: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function openPokeSocket(url: string): Promise<void> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.close();
  await new Promise((resolve) => socket.once('close', resolve));
}

const WRONG_PASSWORD = 'not-the-password-311';
const NEW_PASSWORD = 'a-new-long-password-311';
interface SignInSecrets {
  refreshTokens: string[];
  enrollmentToken: string;
  totpSecret: string;
  totpCodes: string[];
}

/**
 * The sign-in routes with every secret they carry: a wrong password, a malformed body holding the
 * password, a team lead's authenticator set-up and code, a refresh, and a password change.
 */
async function exerciseSignIn(url: string): Promise<SignInSecrets> {
  const secrets: SignInSecrets = { refreshTokens: [], enrollmentToken: '', totpSecret: '', totpCodes: [] };
  expect((await postJson(`${url}/auth/sign-in`, { agentId: 'demo-triage', password: WRONG_PASSWORD })).status).toBe(401);
  const malformed = await fetch(`${url}/auth/sign-in`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"agentId":"demo-triage","password":"${DEMO_SEED_PASSWORD}"`,
  });
  expect(malformed.status).toBe(400);
  const lead = (await (await postJson(`${url}/auth/sign-in`, { agentId: 'demo-lead', password: DEMO_SEED_PASSWORD })).json()) as TotpEnrollmentRequired;
  secrets.enrollmentToken = lead.enrollmentToken;
  secrets.totpSecret = lead.secret;
  const code = TOTP.generate({ secret: Secret.fromBase32(lead.secret), timestamp: Date.now() + 30_000 });
  secrets.totpCodes.push(code);
  expect((await postJson(`${url}/auth/totp/enroll`, { enrollmentToken: lead.enrollmentToken, totpCode: '000000' })).status).toBe(401);
  const enrolled = (await (await postJson(`${url}/auth/totp/enroll`, { enrollmentToken: lead.enrollmentToken, totpCode: code })).json()) as SignedIn;
  secrets.refreshTokens.push(enrolled.refreshToken);
  const refreshed = (await (await postJson(`${url}/auth/refresh`, { refreshToken: enrolled.refreshToken })).json()) as SignedIn;
  secrets.refreshTokens.push(refreshed.refreshToken);
  // The spent token again: refused, and logged as little as the rest.
  expect((await postJson(`${url}/auth/refresh`, { refreshToken: enrolled.refreshToken })).status).toBe(401);
  // The session the reuse ended cannot change the password any more.
  const revoked = await putJson(`${url}/auth/password`, { currentPassword: DEMO_SEED_PASSWORD, newPassword: NEW_PASSWORD }, refreshed.accessToken);
  expect(revoked.status).toBe(401);
  const triage = (await (await postJson(`${url}/auth/sign-in`, { agentId: 'demo-triage', password: DEMO_SEED_PASSWORD })).json()) as SignedIn;
  expect((await putJson(`${url}/auth/password`, { currentPassword: WRONG_PASSWORD, newPassword: NEW_PASSWORD }, triage.accessToken)).status).toBe(403);
  expect((await putJson(`${url}/auth/password`, { currentPassword: DEMO_SEED_PASSWORD, newPassword: NEW_PASSWORD }, triage.accessToken)).status).toBe(200);
  return secrets;
}

function putJson(url: string, body: unknown, token: string): Promise<Response> {
  return fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
}

describe.each(storeTargets())('server log on $kind', (target) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fd311-logs-'));
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let server: LoggingServer;
  let accessToken = '';
  let secrets: SignInSecrets;
  let log = '';

  beforeAll(async () => {
    server = await startLoggingServer({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      logLevel: 'info',
      seed: { callers: 20, cases: 20 },
      ...(target.kind === 'postgres' ? { databaseUrl: process.env.TEST_DATABASE_URL, databaseSchema: schema } : {}),
    });
    accessToken = await signIn(server.url, 'demo-calltaker');
    secrets = await exerciseSignIn(server.url);
    expect((await fetch(`${server.url}/twilio/token`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);

    const params = {
      CallSid: `CA${randomBytes(16).toString('hex')}`,
      AccountSid: SIMULATED_TWILIO.accountSid,
      From: CALLER,
      To: '+12155550311',
      Caller: CALLER,
      Called: '+12155550311',
      CallStatus: 'ringing',
      Direction: 'inbound',
    };
    const voiceUrl = `${server.url}/twilio/voice`;
    const voice = await postForm(voiceUrl, params, twilioSignature(SIMULATED_TWILIO.authToken, voiceUrl, params));
    expect(voice.status).toBe(200);
    // The same parameters as a GET put the number in the URL, which the request log records.
    const query = new URLSearchParams(params).toString();
    await fetch(`${voiceUrl}?${query}`, { headers: { 'x-twilio-signature': 'not-checked-on-a-missing-route' } });

    const pull = await postJson(`${server.url}/sync/pull`, { protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: 1, clientId: 'log-test-desk-01', cursor: 0, limit: 50 }, accessToken);
    expect(pull.status).toBe(200);
    await openPokeSocket(`${server.url.replace(/^http/, 'ws')}${SYNC_POKE_PATH}?token=${encodeURIComponent(accessToken)}`);
    await server.stop();
    log = server.log();
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (target.kind === 'postgres') await dropPgSchema(process.env.TEST_DATABASE_URL as string, schema);
  });

  it('logged the requests it served (so the search below searched something)', () => {
    expect(log).toMatch(/"url":"\/auth\/sign-in"/);
    expect(log).toMatch(/"url":"\/twilio\/voice"/);
    expect(log).toMatch(/"url":"\/twilio\/voice\?[^"]*From=\[phone\]/);
    expect(log).toMatch(/"url":"\/sync\/pull"/);
    expect(log).toContain(`"url":"${SYNC_POKE_PATH}?token=[redacted]"`);
    expect(log).toMatch(/"msg":"inbound call"/);
  });

  it("holds the caller's number in no format", () => {
    for (const format of CALLER_FORMATS) expect(log, format).not.toContain(format);
    expect(log).not.toContain('Whitfield');
  });

  it('holds no password, refresh or enrollment token, authenticator secret or code', () => {
    expect(secrets.refreshTokens.length).toBe(2);
    for (const secret of [DEMO_SEED_PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, ...secrets.refreshTokens, secrets.enrollmentToken, secrets.totpSecret]) {
      expect(secret.length).toBeGreaterThan(10);
      expect(log).not.toContain(secret);
      expect(log).not.toContain(encodeURIComponent(secret));
    }
    for (const code of secrets.totpCodes) expect(log).not.toContain(`"${code}"`);
    expect(log).toMatch(/"url":"\/auth\/refresh"/);
    expect(log).toMatch(/"url":"\/auth\/totp\/enroll"/);
  });

  it('holds no access token and no Twilio credential', () => {
    expect(accessToken.length).toBeGreaterThan(40);
    expect(log).not.toContain(accessToken);
    expect(log).not.toContain(encodeURIComponent(accessToken));
    expect(log).not.toContain(accessToken.split('.').at(-1)!);
    expect(log).not.toContain(SIMULATED_TWILIO.authToken);
    expect(log).not.toContain(SIMULATED_TWILIO.apiKeySecret);
  });
});
