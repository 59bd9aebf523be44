// The utility-process entry in a real child process: start, a DeskApi call, an event, stop.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    child.send({ kind: 'start', options: { serverUrl: server.url, dataDir: makeTempDir('utility'), agentId: 'demo-calltaker', pullIntervalMs: 60_000 } });
    child.send({ kind: 'call', id: 1, method: 'syncNow', params: {} });
    const started = await waitFor(() => received.find((m) => m.kind === 'started'), 'started', 15_000);
    expect(started.cachePath).toMatch(/desk-cache\.sqlite$/);
    const synced = DeskReplyMessageSchema.parse(await waitFor(() => received.find((m) => m.id === 1), 'the syncNow reply', 15_000));
    expect(synced).toMatchObject({ ok: true, value: { connection: 'online' } });

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
  });
});
