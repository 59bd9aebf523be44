// Queue metrics against examples worked out by hand (the sums are in the comments).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  computeQueueMetrics, DEFAULT_METRICS_CONFIG, factsReceivedBetween, METRICS_METHOD, type CallFact,
} from '../../../../shared/queue/metrics.js';

const T0 = Date.parse('2026-12-01T14:00:00.000Z');
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

function fact(received: number, over: Partial<CallFact> = {}): CallFact {
  return {
    receivedAt: at(received), queue: 'general', is911Transfer: false, answeredAt: null, abandonedAt: null, endedAt: null,
    talkSeconds: null, holdSeconds: null, wrapUpSeconds: null, returnedTo911: false, ...over,
  };
}

// A: waits 10 s, handle 100 + 20 + 30 = 150.   B: waits 30 s (misses T), handle 200 + 0 + 40 = 240.
// C: hangs up after 3 s (short).  D: after exactly 5 s (not short).  E: after 60 s.
// F: 911 transfer, waits exactly 20 s (meets T), returned to 911, handle 50 (no hold or wrap-up yet).
// G: 911 transfer, still waiting.  H: waits 1 s, still talking (no handle time yet).
const interval: CallFact[] = [
  fact(0, { answeredAt: at(10), endedAt: at(130), talkSeconds: 100, holdSeconds: 20, wrapUpSeconds: 30 }),
  fact(5, { answeredAt: at(35), endedAt: at(235), talkSeconds: 200, holdSeconds: 0, wrapUpSeconds: 40 }),
  fact(10, { abandonedAt: at(13), endedAt: at(13) }),
  fact(20, { abandonedAt: at(25), endedAt: at(25) }),
  fact(30, { abandonedAt: at(90), endedAt: at(90) }),
  fact(40, { is911Transfer: true, answeredAt: at(60), endedAt: at(110), talkSeconds: 50, returnedTo911: true }),
  fact(50, { is911Transfer: true }),
  fact(55, { answeredAt: at(56) }),
];

describe('computeQueueMetrics', () => {
  it('counts a worked interval with the default rules (80% in 20 s, 5 s short abandon)', () => {
    const metrics = computeQueueMetrics(interval);
    expect(metrics).toEqual({
      received: 8,
      handled: 4, // A B F H
      abandoned: 2, // D E
      shortAbandoned: 1, // C
      waiting: 1, // G
      answeredWithinThreshold: 3, // A F H
      serviceLevel: 3 / 6, // (A F H) / (4 handled + 2 abandoned)
      meetsTarget: false,
      averageSpeedOfAnswerSeconds: (10 + 30 + 20 + 1) / 4,
      abandonmentRate: 2 / 6,
      averageHandleSeconds: (150 + 240 + 50) / 3,
      handleTimeCalls: 3,
      transfers911: 2,
      transfer911Share: 2 / 8,
      returnedTo911: 1,
    });
  });

  it('counts a hang-up just under the short threshold nowhere, and one at the threshold as a failure', () => {
    const under = computeQueueMetrics([fact(0, { answeredAt: at(5) }), fact(0, { abandonedAt: at(4.999) })]);
    expect(under).toMatchObject({ shortAbandoned: 1, abandoned: 0, serviceLevel: 1, abandonmentRate: 0 });
    const atThreshold = computeQueueMetrics([fact(0, { answeredAt: at(5) }), fact(0, { abandonedAt: at(5) })]);
    expect(atThreshold).toMatchObject({ shortAbandoned: 0, abandoned: 1, serviceLevel: 0.5, abandonmentRate: 0.5 });
  });

  it('follows a configured threshold, target and T', () => {
    // No short abandons: C joins D and E as failures, 3 / (4 + 3).
    const strict = computeQueueMetrics(interval, { ...DEFAULT_METRICS_CONFIG, shortAbandonSeconds: 0 });
    expect(strict).toMatchObject({ abandoned: 3, shortAbandoned: 0, serviceLevel: 3 / 7, abandonmentRate: 3 / 7 });
    // T = 30 s lets B in: 4 / 6, and a 60% target is met.
    const lenient = computeQueueMetrics(interval, { serviceLevelSeconds: 30, serviceLevelTarget: 0.6, shortAbandonSeconds: 5 });
    expect(lenient).toMatchObject({ answeredWithinThreshold: 4, serviceLevel: 4 / 6, meetsTarget: true });
    // T = 19 s loses F, who waited exactly 20 s.
    expect(computeQueueMetrics(interval, { ...DEFAULT_METRICS_CONFIG, serviceLevelSeconds: 19 }).answeredWithinThreshold).toBe(2);
  });

  it('gives no ratios for an empty interval', () => {
    expect(computeQueueMetrics([])).toEqual({
      received: 0, handled: 0, abandoned: 0, shortAbandoned: 0, waiting: 0, answeredWithinThreshold: 0,
      serviceLevel: null, meetsTarget: null, averageSpeedOfAnswerSeconds: null, abandonmentRate: null,
      averageHandleSeconds: null, handleTimeCalls: 0, transfers911: 0, transfer911Share: null, returnedTo911: 0,
    });
  });

  it('gives no service level when only short abandons and waiting calls arrived', () => {
    const metrics = computeQueueMetrics([fact(0, { abandonedAt: at(2) }), fact(1, { is911Transfer: true })]);
    expect(metrics).toMatchObject({
      received: 2, shortAbandoned: 1, waiting: 1, serviceLevel: null, meetsTarget: null,
      abandonmentRate: null, averageSpeedOfAnswerSeconds: null, transfer911Share: 0.5,
    });
  });

  it('counts an answered call as answered even if a hang-up time was also recorded', () => {
    const metrics = computeQueueMetrics([fact(0, { answeredAt: at(3), abandonedAt: at(50), endedAt: at(50), talkSeconds: 47 })]);
    expect(metrics).toMatchObject({ handled: 1, abandoned: 0, serviceLevel: 1, averageHandleSeconds: 47 });
  });
});

describe('factsReceivedBetween', () => {
  it('takes calls from the start of the interval up to, not including, its end', () => {
    const chosen = factsReceivedBetween(interval, new Date(at(5)), new Date(at(40)));
    expect(chosen.map((call) => call.receivedAt)).toEqual([at(5), at(10), at(20), at(30)]);
  });
});

describe('the method in words', () => {
  it('is the README section "Team lead metrics", word for word', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const section = readme.split(/^## Team lead metrics$/m)[1]?.split(/^## /m)[0] ?? '';
    expect(section).not.toBe('');
    for (const { term, text } of METRICS_METHOD) expect(section).toContain(`**${term}.** ${text}`);
  });
});
