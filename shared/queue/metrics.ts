// Team-lead queue metrics, computed from call facts: service level, speed of answer, abandonment,
// handle time, 911 transfers. Pure, so the server's alerts and the wallboard count the same way.

/** What a metric needs to know about one call; times are ISO strings. */
export interface CallFact {
  receivedAt: string;
  queue: string;
  is911Transfer: boolean;
  answeredAt: string | null;
  abandonedAt: string | null;
  endedAt: string | null;
  /** Null until the call has ended. */
  talkSeconds: number | null;
  holdSeconds: number | null;
  wrapUpSeconds: number | null;
  returnedTo911: boolean;
}

export interface MetricsConfig {
  /** T: a call answered within this many seconds of arriving meets the service level. */
  serviceLevelSeconds: number;
  /** The share of calls that should meet it (0–1). */
  serviceLevelTarget: number;
  /** Callers who hang up within this many seconds are left out of service level and abandonment. */
  shortAbandonSeconds: number;
}

export const DEFAULT_METRICS_CONFIG: MetricsConfig = {
  serviceLevelSeconds: 20,
  serviceLevelTarget: 0.8,
  shortAbandonSeconds: 5,
};

export interface QueueMetrics {
  /** Every call that arrived in the interval, still waiting or not. */
  received: number;
  /** Answered by an agent. */
  handled: number;
  /** Hung up while waiting, after the short-abandon threshold. */
  abandoned: number;
  /** Hung up within the short-abandon threshold; counted nowhere else. */
  shortAbandoned: number;
  /** Neither answered nor abandoned yet. */
  waiting: number;
  answeredWithinThreshold: number;
  /** 0–1, or null when no call has an outcome that counts. */
  serviceLevel: number | null;
  meetsTarget: boolean | null;
  averageSpeedOfAnswerSeconds: number | null;
  /** 0–1 of handled + abandoned; null when both are zero. */
  abandonmentRate: number | null;
  averageHandleSeconds: number | null;
  /** Calls whose handle time is known (answered and ended). */
  handleTimeCalls: number;
  transfers911: number;
  /** 0–1 of received; null when nothing arrived. */
  transfer911Share: number | null;
  returnedTo911: number;
}

/** The method in words: the README's "Team lead metrics" section and the wallboard's help say exactly this. */
export const METRICS_METHOD: ReadonlyArray<{ term: string; text: string }> = [
  {
    term: 'Interval',
    text: 'A call belongs to the interval in which it arrived (the current half hour, or today since midnight), whatever happened to it later.',
  },
  {
    term: 'Service level',
    text: 'Calls answered within T seconds of arriving, divided by calls answered plus calls abandoned. A caller who hangs up sooner than the short-abandon threshold is left out of both; any later hang-up counts as a call that missed the service level. Calls still waiting count once they are answered or abandoned. Defaults: 80% of calls within T = 20 seconds, short-abandon threshold 5 seconds; all three are configurable.',
  },
  {
    term: 'Average speed of answer',
    text: 'The mean time from arrival to answer, over the calls answered.',
  },
  {
    term: 'Abandonment rate',
    text: 'Calls abandoned after the short-abandon threshold, divided by calls answered plus those abandoned calls.',
  },
  {
    term: 'Average handle time',
    text: 'The mean of talk + hold + wrap-up time, over answered calls that have ended (a missing wrap-up counts as zero).',
  },
  {
    term: '911 transfers',
    text: 'The share of arriving calls that came from a 911 center, and how many calls were handed back to 911.',
  },
];

const secondsBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 1000;

const mean = (values: number[]): number | null =>
  values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/** The calls that arrived in [from, to). */
export function factsReceivedBetween<T extends Pick<CallFact, 'receivedAt'>>(facts: readonly T[], from: Date, to: Date): T[] {
  const start = from.getTime();
  const end = to.getTime();
  return facts.filter((fact) => {
    const at = Date.parse(fact.receivedAt);
    return at >= start && at < end;
  });
}

/** Metrics over the facts given (already chosen for one interval and, if wanted, one queue). */
export function computeQueueMetrics(facts: readonly CallFact[], config: MetricsConfig = DEFAULT_METRICS_CONFIG): QueueMetrics {
  const answerWaits: number[] = [];
  const handleTimes: number[] = [];
  let abandoned = 0;
  let shortAbandoned = 0;
  let waiting = 0;
  let transfers911 = 0;
  let returnedTo911 = 0;

  for (const fact of facts) {
    if (fact.is911Transfer) transfers911++;
    if (fact.returnedTo911) returnedTo911++;
    if (fact.answeredAt !== null) {
      answerWaits.push(secondsBetween(fact.receivedAt, fact.answeredAt));
      if (fact.talkSeconds !== null) handleTimes.push(fact.talkSeconds + (fact.holdSeconds ?? 0) + (fact.wrapUpSeconds ?? 0));
    } else if (fact.abandonedAt !== null) {
      if (secondsBetween(fact.receivedAt, fact.abandonedAt) < config.shortAbandonSeconds) shortAbandoned++;
      else abandoned++;
    } else {
      waiting++;
    }
  }

  const handled = answerWaits.length;
  const answeredWithinThreshold = answerWaits.filter((wait) => wait <= config.serviceLevelSeconds).length;
  const serviceLevel = ratio(answeredWithinThreshold, handled + abandoned);
  return {
    received: facts.length,
    handled,
    abandoned,
    shortAbandoned,
    waiting,
    answeredWithinThreshold,
    serviceLevel,
    meetsTarget: serviceLevel === null ? null : serviceLevel >= config.serviceLevelTarget,
    averageSpeedOfAnswerSeconds: mean(answerWaits),
    abandonmentRate: ratio(abandoned, handled + abandoned),
    averageHandleSeconds: mean(handleTimes),
    handleTimeCalls: handleTimes.length,
    transfers911,
    transfer911Share: ratio(transfers911, facts.length),
    returnedTo911,
  };
}

/** Start of the half-hour interval holding `now` (local time; half hours line up in every zone we serve). */
export function intervalStart(now: Date, minutes = 30): Date {
  const start = new Date(now);
  start.setSeconds(0, 0);
  start.setMinutes(Math.floor(start.getMinutes() / minutes) * minutes);
  return start;
}

/** Local midnight before `now`. */
export function dayStart(now: Date): Date {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  return start;
}
