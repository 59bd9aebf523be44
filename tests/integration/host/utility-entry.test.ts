// The utility-process entry in a real child process: start, a DeskApi call, an event, stop.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';
import { DeskReplyMessageSchema, ScreenPopSchema } from '../../../shared/desk-api.js';
import { cityChangeLog, HOUSEHOLD_PHONE } from '../../fixtures/host/city-data.js';
import { startFakeCentralServer, type FakeCentralServer } from '../../fixtures/host/fake-central-server.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';
import { waitFor } from '../../fixtures/host/wait-for.js';

let server: FakeCentralServer;
let child: ChildProcess;
const received: { kind?: string; id?: number; event?: string; [key: string]: unknown }[] = [];

beforeAll(async () => {
  server = await startFakeCentralServer(cityChangeLog(), 50);
  child = fork(fileURLToPath(new URL('../../fixtures/host/fake-parent-port.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  child.on('message', (message) => received.push(message as (typeof received)[number]));
});

afterAll(async () => {
  if (child.exitCode === null) child.kill();
  await server.stop();
  removeTempDirs();
});

describe('utility-entry', () => {
  it('starts the host on request, answers calls, forwards events and stops', async () => {
    // A call sent before start has finished waits for it.
    const dataDir = makeTempDir('utility');
    child.send({ kind: 'start', options: { serverUrl: server.url, dataDir, agentId: 'demo-calltaker', pullIntervalMs: 60_000, cacheKey: 'c4'.repeat(32) } });
    child.send({ kind: 'call', id: 1, method: 'syncNow', params: {} });
    const started = await waitFor(() => received.find((m) => m.kind === 'started'), 'started', 15_000);
    expect(started.cachePath).toMatch(/desk-cache\.sqlite$/);
    const synced = DeskReplyMessageSchema.parse(await waitFor(() => received.find((m) => m.id === 1), 'the syncNow reply', 15_000));
    // Started without a password, the desk is signed out: sync waits for a sign-in, without asking the server.
    expect(synced).toMatchObject({ ok: true, value: { lastError: { code: 'UNAUTHORIZED' } } });
    // Residents' data waits for the sign-in too.
    child.send({ kind: 'call', id: 10, method: 'lookupCaller', params: { phone: HOUSEHOLD_PHONE } });
    expect(DeskReplyMessageSchema.parse(await waitFor(() => received.find((m) => m.id === 10), 'the locked reply', 15_000))).toMatchObject({ ok: false, error: { code: 'DESK_LOCKED' } });
    child.send({ kind: 'call', id: 11, method: 'signIn', params: { agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD } });
    expect(DeskReplyMessageSchema.parse(await waitFor(() => received.find((m) => m.id === 11), 'the sign-in reply', 15_000))).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    child.send({ kind: 'call', id: 12, method: 'syncNow', params: {} });
    expect(DeskReplyMessageSchema.parse(await waitFor(() => received.find((m) => m.id === 12), 'the second syncNow reply', 15_000))).toMatchObject({ ok: true, value: { connection: 'online', lastError: null } });
    child.send({ kind: 'call', id: 2, method: 'lookupCaller', params: { phone: HOUSEHOLD_PHONE } });
    const reply = DeskReplyMessageSchema.parse(await waitFor(() => received.find((m) => m.id === 2), 'the lookup reply'));
    expect(ScreenPopSchema.parse(reply.ok ? reply.value : null).matches).toHaveLength(2);
    expect(received.some((m) => m.kind === 'event' && m.event === 'syncStatus')).toBe(true);

    child.send({ kind: 'call', id: 3, method: 'lookupCaller', params: {} });
    expect(await waitFor(() => received.find((m) => m.id === 3), 'the invalid-call reply')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.send({ kind: 'stop' });
    expect(await exited).toBe(0);
    expect(received.some((m) => m.kind === 'stopped')).toBe(true);
    // The cache key came in the start message, so none was written beside the cache.
    expect(existsSync(join(dataDir, 'cache.key'))).toBe(false);
    expect(existsSync(join(dataDir, 'desk-cache.sqlite.key-check'))).toBe(true);
  });
});
