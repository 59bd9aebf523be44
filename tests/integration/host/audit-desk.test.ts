// The admins' audit view through the desk host against the REAL central server (PGlite in a temp
// dir): an admin's desk searches (a page at a time) and exports, and the export is itself in the
// next search; a call-taker's desk is refused by the server (FORBIDDEN), a locked desk by the host
// (DESK_LOCKED); an export over the limit and a desk that knows it is offline fail with clear words.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditDesk } from '../../../electron/host/audit/audit-desk.js';
import { ServerSession } from '../../../electron/host/sync/server-session.js';
import { AUDIT_CSV_COLUMNS } from '../../../server/audit/routes.js';
import { startServer, ServerConfigSchema, type RunningServer } from '../../../server/app.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';
import { startHost, type RunningHost } from '../../fixtures/host/desk-host.js';

let dir: string;
let server: RunningServer;
const hosts: RunningHost[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-audit-desk-'));
  // No second factor here: the admin signs in with the password alone.
  server = await startServer(ServerConfigSchema.parse({
    host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'server'), logLevel: 'silent', seed: { callers: 10, cases: 20 }, totpRequiredRoles: [],
  }));
}, 120_000);

afterAll(async () => {
  for (const host of hosts.splice(0)) await host.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function desk(name: string, agentId: string): Promise<RunningHost> {
  const host = await startHost({
    serverUrl: server.url, dataDir: path.join(dir, name), agentId, password: DEMO_SEED_PASSWORD, pokes: false, pullIntervalMs: 60_000, log: () => undefined,
  });
  hosts.push(host);
  expect(await host.syncOnce()).toMatchObject({ connection: 'online', lastError: null });
  return host;
}

describe('the audit log through the desk host', () => {
  it('lets an admin search a page at a time and export, and the export is in the next search', async () => {
    const admin = await desk('admin', 'demo-admin');
    const { clientId } = await admin.desk.getSession({});

    const signIns = await admin.desk.searchAudit({ action: 'auth.sign_in', agentId: 'demo-admin' });
    expect(signIns.entries).toHaveLength(1);
    expect(signIns.entries[0]).toMatchObject({ agentId: 'demo-admin', action: 'auth.sign_in', objectType: 'agent', objectId: 'demo-admin', clientId });
    expect(signIns.nextCursor).toBeNull();
    // By the desk too: the filter the server learned for this view.
    expect((await admin.desk.searchAudit({ clientId, action: 'auth.sign_in' })).entries.map((entry) => entry.seq)).toEqual([signIns.entries[0]!.seq]);

    const exported = await admin.desk.exportAudit({ action: 'auth.sign_in' });
    expect(exported.fileName).toMatch(/^frontdesk311-audit-[\dT-]+Z\.csv$/);
    const lines = exported.csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(lines.slice(1).some((line) => line.split(',')[3] === 'demo-admin' && line.split(',')[4] === 'auth.sign_in')).toBe(true);
    expect(lines.slice(1).every((line) => line.split(',')[4] === 'auth.sign_in')).toBe(true);

    const exports = await admin.desk.searchAudit({ action: 'audit.export' });
    expect(exports.entries[0]).toMatchObject({ agentId: 'demo-admin', details: { filters: { action: 'auth.sign_in' } } });

    // Newest first, a page at a time: the export, then the sign-in.
    const newest = await admin.desk.searchAudit({ limit: 1 });
    expect(newest.entries).toMatchObject([{ action: 'audit.export' }]);
    expect(newest.nextCursor).toBe(newest.entries[0]!.seq);
    const older = await admin.desk.searchAudit({ limit: 1, cursor: newest.nextCursor! });
    expect(older.entries[0]!.seq).toBeLessThan(newest.entries[0]!.seq);
  });

  it("passes the server's refusal of a call-taker on as FORBIDDEN", async () => {
    const callTaker = await desk('calltaker', 'demo-calltaker');
    await expect(callTaker.desk.searchAudit({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callTaker.desk.exportAudit({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses both on a locked desk, and answers again once unlocked', async () => {
    const admin = await desk('admin-locked', 'demo-admin');
    await admin.desk.lock({ reason: 'manual' });
    await expect(admin.desk.searchAudit({})).rejects.toMatchObject({ code: 'DESK_LOCKED' });
    await expect(admin.desk.exportAudit({})).rejects.toMatchObject({ code: 'DESK_LOCKED' });
    await admin.desk.unlock({ password: DEMO_SEED_PASSWORD });
    expect((await admin.desk.searchAudit({ limit: 1 })).entries).toHaveLength(1);
  });

  it('refuses an export over the limit and tells the admin to narrow the filters; offline it fails at once', async () => {
    const session = new ServerSession({ serverUrl: server.url, agentId: 'demo-admin' });
    expect(await session.signInWithPassword(DEMO_SEED_PASSWORD)).toMatchObject({ status: 'signed_in' });
    const small = createAuditDesk({ session, offlineSince: () => null, maxExportBytes: 300 });
    await expect(small.exportAudit({})).rejects.toMatchObject({ code: 'EXPORT_TOO_LARGE', message: expect.stringMatching(/larger than 300 bytes.*narrow the filters/) });
    // Under the limit the same desk exports (the header and at least one entry fit in 64 KB).
    const roomy = createAuditDesk({ session, offlineSince: () => null, maxExportBytes: 64 * 1024 });
    expect((await roomy.exportAudit({ action: 'auth.sign_in', agentId: 'demo-admin' })).csv).toMatch(/^seq,at,/);

    const offline = createAuditDesk({ session, offlineSince: () => '2026-12-01T10:00:00.000Z' });
    await expect(offline.searchAudit({})).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE', message: expect.stringMatching(/unreachable since 2026-12-01T10:00:00.000Z/) });
    await expect(offline.exportAudit({})).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });
  });
});
