// Desk sign-in against the REAL central server (PGlite in a temp dir): the server's refusals reach
// the desk with their codes, a restarted desk resumes locked on its rotated refresh token, signing
// out everywhere on one desk ends the session of another, and a team lead enrolls a second factor.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URI } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, ServerConfigSchema, type RunningServer } from '../../../server/app.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';
import type { DeskAuthState } from '../../../shared/desk-api.js';
import { startHost, type HostOptions, type RunningHost } from '../../fixtures/host/desk-host.js';
import { HOUSEHOLD_PHONE } from '../../fixtures/host/city-data.js';

let dir: string;
let server: RunningServer;
const hosts: RunningHost[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-identity-'));
  server = await startServer(ServerConfigSchema.parse({ host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'server'), logLevel: 'silent', seed: { callers: 20, cases: 40 } }));
}, 120_000);

afterAll(async () => {
  for (const host of hosts.splice(0)) await host.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function desk(name: string, agentId: string, extra: Partial<HostOptions> = {}) {
  const host = await startHost({
    serverUrl: server.url, dataDir: path.join(dir, name), agentId, pokes: false, pullIntervalMs: 60_000, closedCaseDays: 36_500, log: () => undefined, ...extra,
  });
  hosts.push(host);
  const authStates: DeskAuthState[] = [];
  host.desk.on('authState', (state) => authStates.push(state));
  return { host, authStates };
}

async function close(host: RunningHost): Promise<void> {
  hosts.splice(hosts.indexOf(host), 1);
  await host.close();
}

describe('desk sign-in with the central server', () => {
  it('passes the server\'s refusal on, signs in, and resumes locked after a restart on the rotated refresh token', async () => {
    const { host } = await desk('calltaker', 'demo-calltaker');
    await expect(host.desk.signIn({ agentId: 'demo-calltaker', password: 'not the password at all' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const state = await host.desk.signIn({ agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD });
    expect(state).toMatchObject({ state: 'unlocked', displayName: expect.any(String), lockAfterMinutes: expect.any(Number), offlineUnlockUntil: expect.any(String) });
    expect(await host.syncOnce()).toMatchObject({ connection: 'online', lastError: null });
    await close(host);

    const { host: again } = await desk('calltaker', 'demo-calltaker');
    expect(await again.desk.getAuthState({})).toMatchObject({ state: 'locked', reason: 'start' });
    // The refresh token kept on disk gets a new access token from the server; sync goes on locked.
    expect(await again.syncOnce()).toMatchObject({ connection: 'online', lastError: null });
    await expect(again.desk.lookupCaller({ phone: HOUSEHOLD_PHONE })).rejects.toMatchObject({ code: 'DESK_LOCKED' });
    expect((await again.desk.unlock({ password: DEMO_SEED_PASSWORD })).state).toBe('unlocked');
    await again.desk.lookupCaller({ phone: HOUSEHOLD_PHONE });
    await close(again);
  });

  it('signs out everywhere from one desk, and the other desk of the agent ends in signed_out/session_ended', async () => {
    const first = await desk('triage-a', 'demo-triage', { password: DEMO_SEED_PASSWORD });
    const second = await desk('triage-b', 'demo-triage', { password: DEMO_SEED_PASSWORD });
    expect(await second.host.syncOnce()).toMatchObject({ lastError: null });

    expect(await first.host.desk.signOut({ everywhere: true })).toMatchObject({ state: 'signed_out', reason: 'signed_out_everywhere' });
    // The second desk finds out at its next exchange, once its access token is refused.
    const deadline = Date.now() + 30_000;
    while (!second.authStates.some((state) => state.reason === 'session_ended') && Date.now() < deadline) await second.host.syncOnce();
    expect(second.authStates.at(-1)).toMatchObject({ state: 'signed_out', reason: 'session_ended' });
    await expect(second.host.desk.lookupCaller({ phone: HOUSEHOLD_PHONE })).rejects.toMatchObject({ code: 'DESK_LOCKED' });
  });

  it('enrolls a team lead\'s second factor with the code of the secret shown, then asks for the code', async () => {
    const { host } = await desk('lead', 'demo-lead');
    const enrolling = await host.desk.signIn({ agentId: 'demo-lead', password: DEMO_SEED_PASSWORD });
    expect(enrolling.state).toBe('totp_enrollment');
    const totp = URI.parse(enrolling.enrollment!.otpauthUri);
    expect(enrolling.enrollment!.secret.replace(/=+$/, '')).toBe(totp.secret.base32.replace(/=+$/, ''));
    await expect(host.desk.completeTotpEnrollment({ totpCode: totp.generate() === '000000' ? '111111' : '000000' })).rejects.toMatchObject({ code: 'TOTP_INVALID' });
    expect(await host.desk.completeTotpEnrollment({ totpCode: totp.generate() })).toMatchObject({ state: 'unlocked', enrollment: null });

    await host.desk.signOut({ everywhere: false });
    await expect(host.desk.signIn({ agentId: 'demo-lead', password: DEMO_SEED_PASSWORD })).rejects.toMatchObject({ code: 'TOTP_REQUIRED' });
  });
});
