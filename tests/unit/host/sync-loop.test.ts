// SyncLoop timing with a hand-driven clock: interval when online, capped backoff while the
// server is away, reset on recovery, coalesced pokes, and nothing after close.
import { describe, expect, it } from 'vitest';
import { SyncLoop, type SyncProgress, type SyncWork } from '../../fixtures/host/desk-host.js';
import type { SyncStatus } from '../../../shared/desk-api.js';
import { DeskFailure } from '../../../shared/errors.js';
import { ManualTimers } from '../../fixtures/host/manual-timers.js';

const initial: SyncStatus = {
  connection: 'syncing', lastSyncedAt: null, offlineSince: null, cursor: 0, headVersion: 0,
  rowsInCache: { callers: 0, serviceRequests: 0 }, lastError: null, pendingMutations: 0, rejectedMutations: 0, openConflicts: 0, progress: null,
};
const done = (cursor: number): SyncProgress => ({ cursor, headVersion: cursor, rowsInCache: { callers: cursor, serviceRequests: 0 }, caughtUp: true });

/** Work whose outcome the test sets; counts its runs. */
function scriptedWork() {
  const work = {
    runs: 0,
    serverUp: true,
    cursor: 0,
    gate: null as Promise<void> | null,
    async run(_progress: (update: SyncProgress) => void, isClosed: () => boolean): Promise<SyncProgress | null> {
      work.runs += 1;
      if (work.gate) await work.gate;
      if (isClosed()) return null;
      if (!work.serverUp) throw new DeskFailure('SERVER_UNREACHABLE', 'connection refused');
      work.cursor += 1;
      return done(work.cursor);
    },
  };
  return work satisfies SyncWork;
}

function newLoop(work: SyncWork, timers: ManualTimers) {
  const loop = new SyncLoop(work, initial, { pullIntervalMs: 5_000, retryBaseMs: 1_000, retryCeilingMs: 8_000, debounceMs: 50, timers });
  const events: SyncStatus[] = [];
  loop.onStatus((status) => events.push(status));
  return { loop, events };
}

describe('SyncLoop', () => {
  it('pulls at start and then on the interval while online', async () => {
    const timers = new ManualTimers();
    const work = scriptedWork();
    const { loop, events } = newLoop(work, timers);
    loop.start();
    await timers.advance(0);
    expect(work.runs).toBe(1);
    expect(loop.getStatus()).toMatchObject({ connection: 'online', cursor: 1, lastSyncedAt: '2025-06-01T12:00:00.000Z', lastError: null });
    expect(timers.armed()).toEqual([5_000]);
    await timers.advance(4_999);
    expect(work.runs).toBe(1);
    await timers.advance(1);
    expect(work.runs).toBe(2);
    expect(events.at(-1)?.cursor).toBe(2);
    await loop.close();
  });

  it('backs off exponentially up to the ceiling while offline, then resets on recovery', async () => {
    const timers = new ManualTimers();
    const work = scriptedWork();
    work.serverUp = false;
    const { loop, events } = newLoop(work, timers);
    loop.start();
    await timers.advance(0);
    expect(loop.getStatus()).toMatchObject({ connection: 'offline', offlineSince: '2025-06-01T12:00:00.000Z', lastError: { code: 'SERVER_UNREACHABLE' } });

    const delays: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const [delay] = timers.armed();
      delays.push(delay as number);
      await timers.advance(delay as number);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    // offlineSince stays at the first failure.
    expect(loop.getStatus().offlineSince).toBe('2025-06-01T12:00:00.000Z');

    work.serverUp = true;
    await timers.advance(timers.armed()[0] as number);
    expect(loop.getStatus()).toMatchObject({ connection: 'online', offlineSince: null, lastError: null });
    expect(timers.armed()).toEqual([5_000]);

    work.serverUp = false;
    await timers.advance(5_000);
    expect(timers.armed()).toEqual([1_000]);
    expect(events.map((status) => status.connection)).toEqual(['offline', 'online', 'offline']);
    await loop.close();
  });

  it('spreads retries with jitter between half and the full delay', async () => {
    const timers = new ManualTimers();
    timers.randomValue = 0;
    const work = scriptedWork();
    work.serverUp = false;
    const { loop } = newLoop(work, timers);
    loop.start();
    await timers.advance(0);
    expect(timers.armed()).toEqual([500]);
    await loop.close();
  });

  it('keeps the server connection online but reports a server error, and backs off', async () => {
    const timers = new ManualTimers();
    const work: SyncWork = {
      run: async () => {
        throw new DeskFailure('SERVER_ERROR', 'bad row');
      },
    };
    const { loop } = newLoop(work, timers);
    loop.start();
    await timers.advance(0);
    expect(loop.getStatus()).toMatchObject({ connection: 'online', lastError: { code: 'SERVER_ERROR', message: 'bad row' } });
    expect(timers.armed()).toEqual([1_000]);
    await loop.close();
  });

  it('coalesces a burst of pokes into one pull after the debounce', async () => {
    const timers = new ManualTimers();
    const work = scriptedWork();
    const { loop } = newLoop(work, timers);
    loop.start();
    await timers.advance(0);
    loop.poke();
    await timers.advance(20);
    loop.poke();
    loop.poke();
    await timers.advance(29);
    expect(work.runs).toBe(1);
    await timers.advance(1);
    expect(work.runs).toBe(2);
    expect(timers.armed()).toEqual([5_000]);
    await loop.close();
  });

  it('runs syncNow after a cycle already in flight and shares it among callers', async () => {
    const timers = new ManualTimers();
    const work = scriptedWork();
    let release = (): void => undefined;
    work.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { loop } = newLoop(work, timers);
    loop.start();
    await timers.advance(0);
    expect(work.runs).toBe(1);
    const first = loop.syncNow();
    const second = loop.syncNow();
    work.gate = null;
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(work.runs).toBe(2);
    expect(a.cursor).toBe(2);
    expect(b.cursor).toBe(2);
    await loop.close();
  });

  it('stops after close: the cycle in flight writes nothing and no timer stays armed', async () => {
    const timers = new ManualTimers();
    const work = scriptedWork();
    let release = (): void => undefined;
    work.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { loop, events } = newLoop(work, timers);
    loop.start();
    await timers.advance(0);
    const closing = loop.close();
    release();
    await closing;
    await timers.advance(60_000);
    expect(work.cursor).toBe(0);
    expect(events).toEqual([]);
    expect(timers.armed()).toEqual([]);
    expect(await loop.syncNow()).toEqual(initial);
  });
});
