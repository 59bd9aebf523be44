// Two server instances on one PostgreSQL schema, as behind a load balancer: a push through one
// pokes the desk hosts connected to the other within a second, and an instance whose listening
// connection is cut reconnects, pokes its hosts (a change may have gone unheard) and hears again.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerConfigSchema, startServer, type RunningServer } from '../../../server/app.js';
import { dropPgSchema } from '../../../server/store/pg-store.js';
import { PokeMessageSchema, SYNC_POKE_PATH, type PokeMessage } from '../../../shared/sync-protocol.js';
import { eventually, signIn } from './helpers.js';
import { caseArgs, DeskClient } from './sync-helpers.js';

const postgresUrl = process.env.TEST_DATABASE_URL;
if (!postgresUrl) console.info('sync poke instances test: TEST_DATABASE_URL is not set, so the two-instance PostgreSQL test does not run.');

interface ReceivedPoke extends PokeMessage {
  receivedAt: number;
}

async function openPokeSocket(base: string, token: string): Promise<{ socket: WebSocket; pokes: ReceivedPoke[] }> {
  const socket = new WebSocket(`${base.replace(/^http/, 'ws')}${SYNC_POKE_PATH}?token=${encodeURIComponent(token)}`);
  const pokes: ReceivedPoke[] = [];
  socket.on('message', (data) => pokes.push({ ...PokeMessageSchema.parse(JSON.parse(String(data))), receivedAt: Date.now() }));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, pokes };
}

describe.runIf(postgresUrl)('sync pokes across two server instances on one PostgreSQL', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const channel = `frontdesk311_changes_${schema}`;
  const dirs: string[] = [];
  let east: RunningServer;
  let west: RunningServer;
  let westListenerPid: number;
  let admin: pg.Client;

  /** The backends listening for this schema's changes, whichever instance they belong to. */
  const listenerPids = async (): Promise<number[]> => {
    const result = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'frontdesk311-changes' AND query = $1 ORDER BY pid`,
      [`LISTEN "${channel}"`],
    );
    return result.rows.map((row) => row.pid);
  };

  const start = (seed: boolean): Promise<RunningServer> => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fd311-poke-'));
    dirs.push(dataDir);
    return startServer(ServerConfigSchema.parse({
      host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', databaseUrl: postgresUrl, databaseSchema: schema,
      seed: seed ? { callers: 3, cases: 3 } : false,
    }));
  };

  /** Pushes one new case through `server` and returns the head version it left the log at. */
  const pushCase = async (server: RunningServer): Promise<{ head: number; pushedAt: number }> => {
    const desk = new DeskClient(server.url, await signIn(server.url, 'demo-triage'));
    const [type] = await server.store.query<{ code: string }>('SELECT code FROM service_types WHERE active LIMIT 1');
    await desk.push([desk.make('createCase', caseArgs(type!.code))]);
    const pushedAt = Date.now();
    return { head: (await desk.pull(0, 1)).headVersion, pushedAt };
  };

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    east = await start(true);
    const eastPids = await listenerPids();
    west = await start(false);
    // The one listener that appeared with the second instance is the west's.
    const westPids = (await listenerPids()).filter((pid) => !eastPids.includes(pid));
    expect(eastPids).toHaveLength(1);
    expect(westPids).toHaveLength(1);
    westListenerPid = westPids[0]!;
  });
  afterAll(async () => {
    await east?.close();
    await west?.close();
    await admin?.end();
    await dropPgSchema(postgresUrl as string, schema);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('pokes a host connected to one instance within a second of a push through the other, with the new head', async () => {
    const { socket, pokes } = await openPokeSocket(west.url, await signIn(west.url, 'demo-calltaker'));
    try {
      const greeting = await eventually(async () => pokes[0]);
      const { head, pushedAt } = await pushCase(east);
      expect(head).toBeGreaterThan(greeting.headVersion);
      const poke = await eventually(async () => pokes.find((p) => p.headVersion === head), 2_000);
      expect(poke.receivedAt - pushedAt).toBeLessThan(1_000);
    } finally {
      socket.close();
    }
  });

  it('reconnects a cut listening connection, pokes its hosts at once and hears pushes again', async () => {
    const { socket, pokes } = await openPokeSocket(west.url, await signIn(west.url, 'demo-calltaker'));
    try {
      const greeting = await eventually(async () => pokes[0]);
      // Nothing else pokes this socket until the cut: no push is under way.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(pokes).toHaveLength(1);

      await admin.query('SELECT pg_terminate_backend($1)', [westListenerPid]);
      const reconnectPoke = await eventually(async () => pokes[1], 5_000);
      expect(reconnectPoke.headVersion).toBe(greeting.headVersion);
      const newPid = await eventually(async () => {
        const pids = await listenerPids();
        return pids.length === 2 && !pids.includes(westListenerPid) ? pids : null;
      });
      expect(newPid).toHaveLength(2);

      const { head, pushedAt } = await pushCase(east);
      const poke = await eventually(async () => pokes.find((p) => p.headVersion === head), 2_000);
      expect(poke.receivedAt - pushedAt).toBeLessThan(1_000);
    } finally {
      socket.close();
    }
  });
});
