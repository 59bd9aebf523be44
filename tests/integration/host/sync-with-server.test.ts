// Two desk hosts against the REAL central server (PGlite in a temp dir): one goes offline behind
// a TCP proxy, creates and edits cases; the other edits the same field. After reconnecting both
// hold the server's rows, see the conflict, find the offline case by its provisional reference,
// see a rejection; and a server stopped mid-push and restarted on its data loses and doubles nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, ServerConfigSchema, type RunningServer, type ServerConfig } from '../../../server/app.js';
import { startHost, type RunningHost } from '../../fixtures/host/desk-host.js';
import { startTcpProxy, type TcpProxy } from '../../fixtures/tcp-proxy.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';

let dir: string;
let config: ServerConfig;
let server: RunningServer;
let proxy: TcpProxy;
let offlineDesk: RunningHost;
let onlineDesk: RunningHost;

const portOf = (url: string): number => Number(new URL(url).port);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-host-real-'));
  config = ServerConfigSchema.parse({ host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'server'), logLevel: 'silent', seed: { callers: 20, cases: 60 } });
  server = await startServer(config);
  proxy = await startTcpProxy(portOf(server.url));
  const common = { password: DEMO_SEED_PASSWORD, pullIntervalMs: 60_000, closedCaseDays: 36_500, log: () => undefined } as const;
  offlineDesk = await startHost({ ...common, serverUrl: proxy.url, dataDir: path.join(dir, 'desk-a'), agentId: 'demo-calltaker' });
  onlineDesk = await startHost({ ...common, serverUrl: server.url, dataDir: path.join(dir, 'desk-b'), agentId: 'demo-triage' });
  await offlineDesk.syncOnce();
  await onlineDesk.syncOnce();
}, 120_000);

afterAll(async () => {
  await offlineDesk?.close();
  await onlineDesk?.close();
  await proxy?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function openCaseIds(count: number): Promise<string[]> {
  const rows = await server.store.query<{ id: string }>(`SELECT id FROM service_requests WHERE status = 'open' ORDER BY id LIMIT ${count}`);
  return rows.map((row) => row.id);
}

async function settle(...desks: RunningHost[]): Promise<void> {
  for (let round = 0; round < 2; round += 1) for (const desk of desks) await desk.syncOnce();
}

describe('desk hosts with the real server', () => {
  it('converges after offline work: official reference, conflict on both desks, a visible rejection', async () => {
    const [contested] = await openCaseIds(1);
    proxy.cut();

    const types = await offlineDesk.desk.listServiceTypes({});
    const created = await offlineDesk.desk.createCase({ callerId: null, serviceTypeCode: types[0]!.code, description: 'Tires dumped behind the rec center', address: '1500 S 5th St', lat: null, lon: null });
    await offlineDesk.desk.editCase({ caseId: created.id, changes: { description: 'Tires and a sofa dumped behind the rec center' } });
    await offlineDesk.desk.changeCaseStatus({ caseId: created.id, status: 'in_progress' });
    await offlineDesk.desk.editCase({ caseId: contested!, changes: { description: 'Edited on the offline desk' } });
    expect(await offlineDesk.syncOnce()).toMatchObject({ connection: 'offline', pendingMutations: 4 });

    // Meanwhile the other desk edits the same field first.
    await onlineDesk.desk.editCase({ caseId: contested!, changes: { description: 'Edited on the online desk' } });
    expect(await onlineDesk.syncOnce()).toMatchObject({ connection: 'online', pendingMutations: 0, rejectedMutations: 0 });

    proxy.restore();
    await settle(offlineDesk, onlineDesk);

    const onA = await offlineDesk.desk.getCase({ caseId: created.id });
    expect(onA.serviceRequest.reference).toMatch(/^\d{8}$/);
    // The desk's own later edits of its own new case are not conflicts with itself.
    expect(onA.serviceRequest).toMatchObject({ provisionalReference: created.reference, status: 'in_progress', description: 'Tires and a sofa dumped behind the rec center' });
    expect(onA.conflicts).toEqual([]);
    let conflictId = '';
    for (const desk of [offlineDesk, onlineDesk]) {
      expect((await desk.desk.searchCases({ query: created.reference })).map((c) => c.reference)).toEqual([onA.serviceRequest.reference]);
      const contestedCase = await desk.desk.getCase({ caseId: contested! });
      expect(contestedCase.serviceRequest.description).toBe('Edited on the online desk');
      expect(contestedCase.conflicts).toHaveLength(1);
      expect(contestedCase.conflicts[0]).toMatchObject({ field: 'description', keptValue: 'Edited on the online desk', losingValue: 'Edited on the offline desk', resolvedAt: null });
      expect((await desk.desk.getSyncStatus({})).openConflicts).toBe(1);
      conflictId = contestedCase.conflicts[0]!.id;
    }
    expect(await offlineDesk.desk.listOutbox({})).toEqual([]);

    // Both resolve the conflict; the offline desk's answer comes second and is refused.
    proxy.cut();
    await offlineDesk.desk.resolveConflict({ conflictId, resolution: 'take_losing' });
    expect((await offlineDesk.desk.getCase({ caseId: contested! })).serviceRequest.description).toBe('Edited on the offline desk');
    await onlineDesk.desk.resolveConflict({ conflictId, resolution: 'keep' });
    await onlineDesk.syncOnce();
    proxy.restore();
    await settle(offlineDesk, onlineDesk);
    const outbox = await offlineDesk.desk.listOutbox({});
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ name: 'resolveConflict', state: 'rejected' });
    expect(outbox[0]?.error?.message).toMatch(/resolved/);
    expect(await offlineDesk.desk.getSyncStatus({})).toMatchObject({ rejectedMutations: 1, openConflicts: 0 });

    // Both desks hold exactly the server's rows for these cases.
    for (const caseId of [created.id, contested!]) {
      const [row] = await server.store.query<{ description: string; status: string; reference: string }>('SELECT description, status, reference FROM service_requests WHERE id = $1', [caseId]);
      for (const desk of [offlineDesk, onlineDesk]) {
        expect((await desk.desk.getCase({ caseId })).serviceRequest).toMatchObject({ description: row!.description, status: row!.status, reference: row!.reference });
      }
    }
  });

  it('loses and duplicates nothing when the server stops mid-push and restarts on the same data', async () => {
    const [caseId] = await openCaseIds(1);
    proxy.cut();
    const texts = Array.from({ length: 40 }, (_, i) => `Follow-up call ${i + 1}`);
    for (const text of texts) await offlineDesk.desk.addCaseNote({ caseId: caseId!, text });
    proxy.restore();

    const pushing = offlineDesk.syncOnce();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await server.close();
    await pushing;
    server = await startServer(config);
    proxy.targetPort = portOf(server.url);

    for (let attempt = 0; attempt < 5; attempt += 1) {
      const status = await offlineDesk.syncOnce();
      if (status.connection === 'online' && status.pendingMutations === 0) break;
    }
    expect(await offlineDesk.desk.getSyncStatus({})).toMatchObject({ pendingMutations: 0 });
    const notes = await server.store.query<{ text: string; n: number }>(
      `SELECT text, count(*)::int AS n FROM case_notes WHERE case_id = $1 AND text LIKE 'Follow-up call %' GROUP BY text`, [caseId],
    );
    expect(notes).toHaveLength(texts.length);
    expect(notes.every((note) => Number(note.n) === 1)).toBe(true);
    expect((await offlineDesk.desk.getCase({ caseId: caseId! })).notes.filter((note) => note.text.startsWith('Follow-up call'))).toHaveLength(texts.length);
  });
});
