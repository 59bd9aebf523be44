// The scenario runner against a real server with the real router: simulated agents (created by
// the sim-only route when the demo roster is too small) answer arriving calls, and callers who
// wait past their patience hang up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, seededRandom, percentile, DEFAULT_SCENARIO } from '../../../scripts/call-scenario.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';
import { postJson, startTestServer, type TestServer } from './helpers.js';

describe('call scenario runner', () => {
  let test: TestServer;

  beforeAll(async () => {
    test = await startTestServer({ kind: 'pglite' }, { ringTimeoutSeconds: 5 });
  });
  afterAll(async () => {
    await test?.dispose();
  });

  it('replays the same random sequence for a seed, and picks percentiles from sorted values', () => {
    const first = seededRandom(7);
    const second = seededRandom(7);
    const values = Array.from({ length: 5 }, () => first());
    expect(Array.from({ length: 5 }, () => second())).toEqual(values);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 90)).toBe(40);
  });

  it('creates simulated agents only through the sim route, and they can sign in', async () => {
    const created = await postJson(`${test.url}/sim/agents`, { count: 3 });
    expect(await created.json()).toEqual({ agentIds: ['sim-agent-001', 'sim-agent-002', 'sim-agent-003'] });
    expect((await postJson(`${test.url}/auth/sign-in`, { agentId: 'sim-agent-003', password: DEMO_SEED_PASSWORD })).status).toBe(200);
    expect((await postJson(`${test.url}/sim/agents`, { count: 0 })).status).toBe(400);
  });

  it('answers every call with enough agents, and callers hang up when the only agent is busy', async () => {
    const base = { ...DEFAULT_SCENARIO, server: test.url, patienceMs: { min: 600, max: 600 }, wrapUpMs: 50, maxDurationMs: 20_000 };
    const staffed = await runScenario({
      ...base,
      calls: 4,
      arrivalsPerMinute: 600,
      transfer911Share: 0.5,
      abandonShare: 0,
      agents: 3,
      acceptDelayMs: { min: 50, max: 100 },
      talkMs: { min: 200, max: 300 },
    });
    expect(staffed).toMatchObject({ placed: 4, answered: 4, abandoned: 0, unanswered: 0 });
    expect(Object.keys(staffed.callsPerAgent).every((agentId) => agentId.startsWith('sim-agent-'))).toBe(true);
    expect(staffed.answerWaitMs?.max).toBeGreaterThanOrEqual(50);

    // One agent on a long call: the callers behind wait past their patience and hang up.
    const understaffed = await runScenario({
      ...base,
      calls: 3,
      arrivalsPerMinute: 6_000,
      transfer911Share: 0,
      abandonShare: 1,
      agents: 1,
      acceptDelayMs: { min: 50, max: 50 },
      talkMs: { min: 2_000, max: 2_000 },
      seed: 5,
    });
    expect(understaffed.placed).toBe(3);
    expect(understaffed.answered).toBe(1);
    expect(understaffed.abandoned).toBe(2);
  }, 40_000);
});
