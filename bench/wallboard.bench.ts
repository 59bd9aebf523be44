// wallboard: how fast a call event reaches every team lead. A real server runs in its own process
// on PostgreSQL; this process plays another server instance, publishing on its own PgLiveBus on
// the same schema (so each event crosses LISTEN/NOTIFY), with 500 agents on the board and 50
// team-lead sockets open, 20 call events a second for 60 s (plus the agent changes they cause).
// Measures publish → last of the 50 sockets, messages/s delivered, the server's CPU and memory.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';
import WebSocket from 'ws';
import type { CallControlState, CallPhase, CallTimelineEvent } from '../shared/call-control.js';
import type { Agent } from '../shared/domain/agent.js';
import { LIVE_WALLBOARD_PATH } from '../shared/live-protocol.js';
import { PgLiveBus } from '../server/live/pg-live-bus.js';
import { openPgStore } from '../server/store/pg-store.js';
import { DEMO_SEED_PASSWORD } from '../server/config.js';
import { startServerProcess } from '../tests/fixtures/processes/spawn.js';
import { benchPostgresSchema, postgresReachable } from './postgres.js';
import { percentile, round, writeBenchResult } from './report.js';

const AGENTS = 500;
const LEADS = 50;
const CALL_EVENTS_PER_S = 20;
const SECONDS = Number(process.env.BENCH_WALLBOARD_SECONDS ?? 60);
const CLOCK_TICKS = 100;

/** utime + stime of a process in seconds, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

const sleepUntil = (at: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));

function agent(index: number, state: Agent['state']): Agent {
  return {
    id: `bench-agent-${String(index).padStart(3, '0')}`, displayName: `Agent ${index}`, role: 'call_taker',
    skills: index % 5 === 0 ? ['general', 'triage'] : ['general'], state, stateSince: new Date().toISOString(), stateReason: null,
  };
}

/** A call's life as the router publishes it: one event per phase. */
const PHASES: CallPhase[] = ['queued', 'ringing', 'answered', 'wrap_up', 'ended'];

function callAt(callId: string, index: number, phase: CallPhase, timeline: CallTimelineEvent[]): CallControlState {
  const agentId = phase === 'queued' ? null : agent(index % AGENTS, 'on_call').id;
  const kind = ({ queued: 'received', ringing: 'offered', answered: 'answered', wrap_up: 'ended', ended: 'wrapped_up' } as const)[phase];
  timeline.push({ at: new Date().toISOString(), kind, agentId, detail: null });
  return {
    callId, callSid: `CA${callId.replace(/-/g, '')}`, from: '+12155550100', queue: index % 7 === 0 ? 'triage' : 'general',
    is911Transfer: index % 7 === 0, phase, agentId, onHold: false, transfer: null,
    disposition: phase === 'ended' ? 'information_given' : null, caseId: null, timeline: [...timeline],
  };
}

export async function run(): Promise<string> {
  if (!(await postgresReachable())) throw new Error('the wallboard benchmark needs PostgreSQL (TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)');
  const postgres = benchPostgresSchema();
  const dataDir = mkdtempSync(join(tmpdir(), 'fd311-bench-wallboard-'));
  const server = await startServerProcess({
    host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', seed: { callers: 10, cases: 10 },
    databaseUrl: postgres.url, databaseSchema: postgres.schema,
    // The lead signs in once with a password; an authenticator is not what is measured.
    totpRequiredRoles: [],
  });
  const pid = server.child.pid as number;
  const store = await openPgStore({ connectionString: postgres.url, schema: postgres.schema, maxConnections: 4 });
  const bus = await PgLiveBus.start({ store, connectionString: postgres.url, schema: postgres.schema });
  const sockets: WebSocket[] = [];
  try {
    // The roster goes into the database too, so a snapshot after a resync still holds it.
    const roster = Array.from({ length: AGENTS }, (_, i) => agent(i, 'available'));
    await store.query(
      `INSERT INTO agents (id, display_name, role, skills, state, state_since)
       SELECT a.id, a.display_name, 'call_taker', a.skills, 'available', now()
       FROM jsonb_to_recordset($1::jsonb) AS a(id text, display_name text, skills text[])`,
      [JSON.stringify(roster.map((a) => ({ id: a.id, display_name: a.displayName, skills: a.skills })))],
    );
    for (const member of roster) await bus.publish({ kind: 'agent', agent: member });

    const signIn = await fetch(`${server.ready.url}/auth/sign-in`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agentId: 'demo-lead', password: DEMO_SEED_PASSWORD }),
    });
    const { accessToken } = (await signIn.json()) as { accessToken: string };

    const publishedAt = new Map<string, number>();
    const seenBy = new Map<string, { count: number; last: number }>();
    let messages = 0;
    let snapshotAgents = 0;
    await Promise.all(
      Array.from({ length: LEADS }, () => new Promise<void>((resolve, reject) => {
        const socket = new WebSocket(`${server.ready.url.replace(/^http/, 'ws')}${LIVE_WALLBOARD_PATH}?token=${encodeURIComponent(accessToken)}`);
        sockets.push(socket);
        socket.on('message', (data) => {
          const arrived = performance.now();
          messages++;
          const message = JSON.parse(String(data)) as
            | { type: 'snapshot'; board: { agents: unknown[] } }
            | { type: 'delta'; change: { kind: string; call?: { callId: string; phase: string } } }
            | { type: 'alerts' };
          if (message.type === 'snapshot') {
            snapshotAgents = message.board.agents.length;
            resolve();
          } else if (message.type === 'delta' && message.change.call) {
            const key = `${message.change.call.callId}:${message.change.call.phase}`;
            const seen = seenBy.get(key) ?? { count: 0, last: 0 };
            seen.count++;
            seen.last = Math.max(seen.last, arrived);
            seenBy.set(key, seen);
          }
        });
        socket.once('error', reject);
      })),
    );
    console.log(`wallboard: ${LEADS} team leads connected, ${snapshotAgents} agents on the board`);

    messages = 0;
    const cpuBefore = cpuSeconds(pid);
    let peakRss = rssMb(pid);
    const started = performance.now();
    const total = SECONDS * CALL_EVENTS_PER_S;
    const calls: Array<{ id: string; index: number; step: number; timeline: CallTimelineEvent[] }> = [];
    let nextIndex = 0;
    let agentEvents = 0;
    // Publishes run one after another in the background, so a slow one does not slow the schedule.
    let publishing: Promise<void> = Promise.resolve();
    for (let i = 0; i < total; i++) {
      await sleepUntil(started + (i * 1000) / CALL_EVENTS_PER_S);
      if (i % 20 === 0) peakRss = Math.max(peakRss, rssMb(pid));
      // Keep about five calls in flight: start a new one when fewer are going.
      if (calls.length < 5) calls.push({ id: uuidv7(), index: nextIndex++, step: 0, timeline: [] });
      const call = calls[i % calls.length]!;
      const phase = PHASES[call.step] as CallPhase;
      const state = callAt(call.id, call.index, phase, call.timeline);
      const key = `${call.id}:${phase}`;
      publishing = publishing.then(async () => {
        publishedAt.set(key, performance.now());
        await bus.publish({ kind: 'call', call: state });
      });
      if (phase === 'answered' || phase === 'wrap_up' || phase === 'ended') {
        const next = phase === 'answered' ? 'on_call' : phase === 'wrap_up' ? 'wrap_up' : 'available';
        const change = agent(call.index % AGENTS, next);
        publishing = publishing.then(() => bus.publish({ kind: 'agent', agent: change }));
        agentEvents++;
      }
      call.step++;
      if (call.step === PHASES.length) calls.splice(calls.indexOf(call), 1);
    }
    await publishing;
    const publishSeconds = (performance.now() - started) / 1000;
    // Let the last events arrive.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const elapsed = (performance.now() - started) / 1000;
    const cpuPct = ((cpuSeconds(pid) - cpuBefore) / elapsed) * 100;
    peakRss = Math.max(peakRss, rssMb(pid));

    const latencies: number[] = [];
    let incomplete = 0;
    for (const [key, at] of publishedAt) {
      const seen = seenBy.get(key);
      if (!seen || seen.count < LEADS) incomplete++;
      else latencies.push(seen.last - at);
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const perSecond = messages / elapsed;
    console.log(
      `wallboard: ${publishedAt.size} call events + ${agentEvents} agent events published in ${round(publishSeconds, 1)} s; ` +
        `event → all ${LEADS} leads p50 ${round(p50, 1)} ms, p99 ${round(p99, 1)} ms; ${round(perSecond, 0)} messages/s; ` +
        `server CPU ${round(cpuPct, 1)}%, RSS ${round(peakRss, 0)} MB; ${incomplete} events not seen by every lead`,
    );
    return writeBenchResult(
      'wallboard',
      {
        agents: AGENTS, team_leads: LEADS, call_events_per_s: CALL_EVENTS_PER_S, seconds: SECONDS, agent_events: agentEvents,
        publish_seconds: round(publishSeconds, 1), store: 'postgres', path: 'other instance → NOTIFY → server process → sockets',
        note: 'messages/s and CPU are over the publishing time plus a 2 s drain',
      },
      {
        event_to_lead_p50_ms: { value: round(p50, 1), unit: 'ms', better: 'lower' },
        event_to_lead_p99_ms: { value: round(p99, 1), unit: 'ms', target: 250, better: 'lower' },
        messages_per_s: { value: round(perSecond, 0), unit: 'messages/s', better: 'higher' },
        server_cpu_pct: { value: round(cpuPct, 1), unit: '%', better: 'lower' },
        server_rss_mb: { value: round(peakRss, 0), unit: 'MB', better: 'lower' },
        events_not_seen_by_every_lead: { value: incomplete, unit: 'events', target: 0, better: 'lower' },
      },
    );
  } finally {
    for (const socket of sockets) socket.close();
    await bus.close();
    await store.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await postgres.drop();
  }
}
