// Two server instances on one PostgreSQL schema, as behind a load balancer: an event published on
// one reaches a team lead connected to the other, events too big for a NOTIFY payload included,
// and an instance whose listening connection is cut reconnects and sends its leads a new snapshot.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerConfigSchema, startServer, type RunningServer } from '../../../server/app.js';
import { PgLiveBus } from '../../../server/live/pg-live-bus.js';
import { dropPgSchema } from '../../../server/store/pg-store.js';
import { eventually, signIn } from './helpers.js';
import { agentChange, LeadSocket, waitingCall } from './live-helpers.js';

const postgresUrl = process.env.TEST_DATABASE_URL;
if (!postgresUrl) console.info('live instances test: TEST_DATABASE_URL is not set, so the two-instance PostgreSQL test does not run.');

describe.runIf(postgresUrl)('two server instances on one PostgreSQL', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const dirs: string[] = [];
  let east: RunningServer;
  let west: RunningServer;

  const start = (seed: boolean): Promise<RunningServer> => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fd311-live-'));
    dirs.push(dataDir);
    return startServer(ServerConfigSchema.parse({
      host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', databaseUrl: postgresUrl, databaseSchema: schema,
      seed: seed ? { callers: 3, cases: 3 } : false,
      // The lead signs in on both instances several times a minute: no authenticator codes to wait for.
      totpRequiredRoles: [],
    }));
  };

  beforeAll(async () => {
    east = await start(true);
    west = await start(false);
  });
  afterAll(async () => {
    await east?.close();
    await west?.close();
    await dropPgSchema(postgresUrl as string, schema);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers an event published on one instance to a team lead on the other, in one sequence', async () => {
    const onWest = await LeadSocket.open(west.url, await signIn(west.url, 'demo-lead'));
    const onEast = await LeadSocket.open(east.url, await signIn(east.url, 'demo-lead'));
    try {
      const westSnapshot = await onWest.waitFor('snapshot');
      await onEast.waitFor('snapshot');
      const callId = randomUUID();
      // 80 timeline steps make the event far larger than NOTIFY's 8000-byte payload.
      const bigCall = waitingCall(callId, { is911Transfer: true, queue: 'triage' }, 80);
      expect(JSON.stringify(bigCall).length).toBeGreaterThan(8000);
      await east.liveBus.publish({ kind: 'call', call: bigCall });
      await west.liveBus.publish({ kind: 'agent', agent: agentChange('demo-calltaker', 'available') });

      const call = await onWest.waitFor('delta', (delta) => delta.change.kind === 'call');
      expect(call.prevSeq).toBe(westSnapshot.seq);
      expect(call.change).toMatchObject({ kind: 'call', call: { callId, queue: 'triage', is911Transfer: true, phase: 'queued' } });
      const agent = await onWest.waitFor('delta', (delta) => delta.change.kind === 'agent');
      expect(agent.prevSeq).toBe(call.seq);
      // Both instances number the same events the same way.
      const eastCall = await onEast.waitFor('delta', (delta) => delta.change.kind === 'call');
      const eastAgent = await onEast.waitFor('delta', (delta) => delta.change.kind === 'agent');
      expect([eastCall.seq, eastAgent.seq]).toEqual([call.seq, agent.seq]);
    } finally {
      onWest.close();
      onEast.close();
    }
  });

  it('reconnects a cut listening connection and sends its team leads a snapshot holding what was missed', async () => {
    const lead = await LeadSocket.open(west.url, await signIn(west.url, 'demo-lead'));
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      await lead.waitFor('snapshot');
      const bus = west.liveBus as PgLiveBus;
      const pid = bus.listenerPid;
      expect(pid).not.toBeNull();
      // A change written with no event published, as if its event had been lost while the
      // listener was away: only the rebuild from the database after the reconnect can show it.
      await admin.query(`UPDATE "${schema}".agents SET state = 'away', state_reason = 'training', state_since = now() WHERE id = 'demo-triage'`);
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);

      const rebuilt = await lead.waitFor('snapshot', (snapshot) =>
        snapshot.board.agents.some((agent) => agent.id === 'demo-triage' && agent.stateReason === 'training'));
      await eventually(async () => bus.listenerPid !== null && bus.listenerPid !== pid);

      const callId = randomUUID();
      await east.liveBus.publish({ kind: 'call', call: waitingCall(callId) });
      const delta = await lead.waitFor('delta', (message) => message.change.kind === 'call' && message.change.call.callId === callId);
      const lastSnapshot = lead.messages.filter((message) => message.type === 'snapshot').at(-1);
      expect(lastSnapshot?.seq).toBeGreaterThanOrEqual(rebuilt.seq);
      expect(delta.prevSeq).toBe(lastSnapshot?.seq);
    } finally {
      lead.close();
      await admin.end();
    }
  });
});
