// A call-center scenario against a running server in simulated telephony: callers arrive at a
// given rate (a share of them 911 transfers, some hanging up if they wait too long), simulated
// agents register softphones, accept after a delay, talk, hang up and become available again.
// `npm run call -- --scenario` runs it; queue tests and benchmarks import runScenario.
import WebSocket from 'ws';
import { SimAgentsResponseSchema, SimCallResponseSchema } from '../shared/server-api.js';
import { DEMO_SEED_PASSWORD } from '../server/config.js';
import { SIM_VOICE_PATH, SimServerMessageSchema, type SimServerMessage } from '../shared/softphone-protocol.js';

/** Simulated agents get the server's seed password (server/routes/sim.ts). */
const SEED_PASSWORD = process.env.FRONTDESK_SEED_PASSWORD || DEMO_SEED_PASSWORD;

export interface Range {
  min: number;
  max: number;
}

export interface ScenarioOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8311. */
  server: string;
  calls: number;
  /** Mean arrivals per minute (exponential gaps, so arrivals bunch up as real ones do). */
  arrivalsPerMinute: number;
  /** 0..1: the share of calls that are 911 transfers. */
  transfer911Share: number;
  /** 0..1: the share of callers who hang up if not answered by their patience. */
  abandonShare: number;
  patienceMs: Range;
  agents: number;
  acceptDelayMs: Range;
  talkMs: Range;
  /** Pause between hanging up and becoming available again. */
  wrapUpMs: number;
  /** Gives up waiting for calls to finish after this long (they are hung up and counted unanswered). */
  maxDurationMs: number;
  seed: number;
  log?: (line: string) => void;
}

export const DEFAULT_SCENARIO: Omit<ScenarioOptions, 'server'> = {
  calls: 20,
  arrivalsPerMinute: 30,
  transfer911Share: 0.2,
  abandonShare: 0.2,
  patienceMs: { min: 5_000, max: 30_000 },
  agents: 3,
  acceptDelayMs: { min: 500, max: 2_000 },
  talkMs: { min: 3_000, max: 10_000 },
  wrapUpMs: 500,
  maxDurationMs: 5 * 60_000,
  seed: 311,
};

export interface ScenarioCall {
  callSid: string;
  transfer911: boolean;
  placedAt: number;
  answeredAt: number | null;
  answeredBy: string | null;
  abandonedAt: number | null;
  outcome: 'answered' | 'abandoned' | 'unanswered';
}

export interface ScenarioReport {
  placed: number;
  answered: number;
  abandoned: number;
  unanswered: number;
  transfers911: number;
  /** Milliseconds from arrival to an agent accepting, over answered calls. */
  answerWaitMs: { p50: number; p90: number; max: number } | null;
  callsPerAgent: Record<string, number>;
  calls: ScenarioCall[];
}

/** A small seeded generator (mulberry32), so a scenario replays the same way. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const between = (random: () => number, range: Range): number => Math.round(range.min + random() * Math.max(0, range.max - range.min));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

async function request(server: string, path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<Response> {
  const response = await fetch(`${server}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return response;
}

async function json<T>(response: Response, what: string): Promise<T> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The demo roster covers small scenarios; bigger ones get simulated agents from the server. */
async function agentIdsFor(server: string, count: number): Promise<string[]> {
  const demo = ['demo-calltaker', 'demo-triage'];
  if (count <= demo.length) return demo.slice(0, count);
  return SimAgentsResponseSchema.parse(await json(await request(server, '/sim/agents', { body: { count } }), 'creating simulated agents')).agentIds;
}

/** One simulated agent: a softphone that accepts after a delay, talks, hangs up and is available again. */
class SimulatedAgent {
  private socket: WebSocket | null = null;
  private token = '';
  private current: string | null = null;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly agentId: string,
    private readonly options: ScenarioOptions,
    private readonly random: () => number,
    private readonly onAnswer: (callSid: string, agentId: string) => void,
  ) {}

  async start(): Promise<void> {
    const { server } = this.options;
    this.token = (await json<{ accessToken: string }>(await request(server, '/auth/sign-in', { body: { agentId: this.agentId, password: SEED_PASSWORD } }), `signing in ${this.agentId}`)).accessToken;
    const voice = await json<{ token: string }>(await request(server, '/twilio/token', { token: this.token }), `voice token for ${this.agentId}`);
    const socket = new WebSocket(`${server.replace(/^http/, 'ws')}${SIM_VOICE_PATH}`);
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const registered = new Promise<void>((resolve, reject) => {
      socket.on('message', (data) => {
        const message = SimServerMessageSchema.parse(JSON.parse(String(data)));
        if (message.type === 'registered') resolve();
        else if (message.type === 'error' && !this.current) reject(new Error(`${this.agentId}: softphone error ${message.code} ${message.message}`));
        else this.onMessage(message);
      });
    });
    socket.send(JSON.stringify({ type: 'register', identity: this.agentId, token: voice.token }));
    await registered;
    await this.setState('available');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    await this.setState('offline').catch(() => undefined);
    this.socket?.close();
  }

  private onMessage(message: SimServerMessage): void {
    if (message.type === 'invite' && !this.current) {
      const callSid = message.callSid;
      this.current = callSid;
      this.after(between(this.random, this.options.acceptDelayMs), () => {
        if (this.current !== callSid) return;
        this.send({ type: 'accept', callSid });
        this.onAnswer(callSid, this.agentId);
        this.after(between(this.random, this.options.talkMs), () => {
          if (this.current !== callSid) return;
          this.send({ type: 'hangup', callSid });
          this.callOver(callSid);
        });
      });
    } else if ((message.type === 'cancel' || message.type === 'disconnect') && message.callSid === this.current) {
      this.callOver(message.callSid);
    }
  }

  /** Wrap-up, then available again (the server may already have moved the agent on; a refusal is fine). */
  private callOver(callSid: string): void {
    if (this.current !== callSid) return;
    this.current = null;
    this.after(this.options.wrapUpMs, () => void this.setState('available').catch(() => undefined));
  }

  private async setState(state: 'available' | 'offline'): Promise<void> {
    if (this.stopped && state === 'available') return;
    const response = await request(this.options.server, '/agents/me/state', { method: 'PUT', body: { state, reason: null }, token: this.token });
    if (!response.ok && response.status !== 409) throw new Error(`${this.agentId}: set state ${state}: HTTP ${response.status}`);
  }

  private send(message: unknown): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) run();
    }, ms);
    this.timers.add(timer);
  }
}

/** Runs the scenario to the end and reports what happened to every call. */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioReport> {
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const server = options.server.replace(/\/+$/, '');
  const calls = new Map<string, ScenarioCall>();
  // An agent may accept before POST /sim/calls has answered, so answers are kept by call sid.
  const answers = new Map<string, { agentId: string; at: number }>();
  const onAnswer = (callSid: string, agentId: string) => {
    if (answers.has(callSid) || calls.get(callSid)?.abandonedAt) return;
    answers.set(callSid, { agentId, at: Date.now() });
    log(`${callSid} answered by ${agentId}`);
  };

  const agents = (await agentIdsFor(server, options.agents)).map((id) => new SimulatedAgent(id, { ...options, server }, random, onAnswer));
  await Promise.all(agents.map((agent) => agent.start()));
  log(`${agents.length} agents available: ${agents.map((agent) => agent.agentId).join(', ')}`);

  const started = Date.now();
  const abandonments: Array<Promise<void>> = [];
  try {
    for (let index = 0; index < options.calls; index += 1) {
      if (index > 0) await sleep((-Math.log(1 - random()) * 60_000) / options.arrivalsPerMinute);
      const transfer911 = random() < options.transfer911Share;
      const from = `+1215555${String(1000 + Math.floor(random() * 9000))}`;
      const placedAt = Date.now();
      const placed = SimCallResponseSchema.parse(await json(await request(server, '/sim/calls', { body: { from, transfer911 } }), 'placing a call'));
      const call: ScenarioCall = { callSid: placed.callSid, transfer911, placedAt, answeredAt: null, answeredBy: null, abandonedAt: null, outcome: 'unanswered' };
      calls.set(placed.callSid, call);
      log(`${placed.callSid} from ${from}${transfer911 ? ' (911 transfer)' : ''}: ${placed.routedTo ? `ringing ${placed.routedTo}` : 'queued'}`);
      if (random() < options.abandonShare) {
        const patience = between(random, options.patienceMs);
        abandonments.push(
          sleep(patience).then(async () => {
            if (answers.has(call.callSid)) return;
            const hangup = await request(server, `/sim/calls/${call.callSid}/hangup`, { body: {} });
            if (hangup.ok && !answers.has(call.callSid)) {
              call.abandonedAt = Date.now();
              log(`${call.callSid} hung up after waiting ${patience} ms`);
            }
          }),
        );
      }
    }
    await Promise.all(abandonments);
    // Wait for the answered calls to be over (the simulator forgets a call once it has ended).
    for (;;) {
      const live = await Promise.all([...calls.keys()].map(async (callSid) => (await request(server, `/sim/calls/${callSid}`)).ok));
      if (!live.some(Boolean) || Date.now() - started > options.maxDurationMs) break;
      await sleep(250);
    }
  } finally {
    for (const call of calls.values()) if (!answers.has(call.callSid) && call.abandonedAt === null) await request(server, `/sim/calls/${call.callSid}/hangup`, { body: {} });
    await Promise.all(agents.map((agent) => agent.stop()));
  }

  for (const call of calls.values()) {
    const answer = answers.get(call.callSid);
    if (answer && call.abandonedAt === null) {
      call.answeredAt = answer.at;
      call.answeredBy = answer.agentId;
    }
  }
  for (const call of calls.values()) call.outcome = call.answeredAt !== null ? 'answered' : call.abandonedAt !== null ? 'abandoned' : 'unanswered';
  const all = [...calls.values()];
  const waits = all.filter((call) => call.answeredAt !== null).map((call) => (call.answeredAt as number) - call.placedAt).sort((a, b) => a - b);
  const callsPerAgent: Record<string, number> = {};
  for (const call of all) if (call.answeredBy) callsPerAgent[call.answeredBy] = (callsPerAgent[call.answeredBy] ?? 0) + 1;
  return {
    placed: all.length,
    answered: all.filter((call) => call.outcome === 'answered').length,
    abandoned: all.filter((call) => call.outcome === 'abandoned').length,
    unanswered: all.filter((call) => call.outcome === 'unanswered').length,
    transfers911: all.filter((call) => call.transfer911).length,
    answerWaitMs: waits.length > 0 ? { p50: percentile(waits, 50), p90: percentile(waits, 90), max: waits.at(-1) as number } : null,
    callsPerAgent,
    calls: all,
  };
}
