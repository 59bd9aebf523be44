// Request/reply with the desk host over its port: ids match replies, failures come back as reply
// envelopes (never throws), events and lifecycle messages reach their listeners.
import { describe, expect, it, vi } from 'vitest';
import { DeskHostChannel } from '../../../electron/main/host-channel.js';
import { session } from '../renderer/fixtures.js';

function channelWithPort(deliver = true) {
  const posted: Array<{ id: number; method: string; params: unknown }> = [];
  const channel = new DeskHostChannel(
    {
      postMessage(message) {
        posted.push(message as { id: number; method: string; params: unknown });
        return deliver;
      },
    },
    200,
  );
  return { channel, posted };
}

describe('DeskHostChannel', () => {
  it('matches replies to calls by id', async () => {
    const { channel, posted } = channelWithPort();
    const first = channel.call('getSession', {});
    const second = channel.call('getSyncStatus', {});
    expect(posted.map(({ method }) => method)).toEqual(['getSession', 'getSyncStatus']);
    const [a, b] = posted;
    channel.receive({ kind: 'reply', id: b?.id, ok: false, error: { code: 'SERVER_UNREACHABLE', message: 'offline' } });
    channel.receive({ kind: 'reply', id: a?.id, ok: true, value: session });
    await expect(first).resolves.toMatchObject({ ok: true, value: session });
    await expect(second).resolves.toMatchObject({ ok: false, error: { code: 'SERVER_UNREACHABLE' } });
    expect(channel.waiting).toBe(0);
  });

  it('answers at once when no host is running, and on timeout otherwise', async () => {
    await expect(channelWithPort(false).channel.call('getSession', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringContaining('not running') },
    });
    await expect(channelWithPort().channel.call('syncNow', {})).resolves.toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('did not answer') },
    });
  });

  it('fails every waiting call when the host exits', async () => {
    const { channel } = channelWithPort();
    const calls = [channel.call('getSession', {}), channel.call('syncNow', {})];
    channel.failAll({ code: 'INTERNAL', message: 'the desk host exited (code 1)' });
    for (const reply of await Promise.all(calls)) expect(reply).toMatchObject({ ok: false, error: { message: expect.stringContaining('exited') } });
  });

  it('hands events and lifecycle messages to their listeners', () => {
    const { channel } = channelWithPort();
    const events = vi.fn();
    const lifecycle = vi.fn();
    channel.onEvent(events);
    const stop = channel.onLifecycle(lifecycle);
    channel.receive({ kind: 'event', event: 'agentChanged', payload: session.agent });
    channel.receive({ kind: 'started', cachePath: '/data/desk-cache.sqlite', cacheMovedAside: null });
    channel.receive({ kind: 'mystery' });
    expect(events).toHaveBeenCalledWith({ kind: 'event', event: 'agentChanged', payload: session.agent });
    expect(lifecycle).toHaveBeenCalledWith({ kind: 'started', cachePath: '/data/desk-cache.sqlite', cacheMovedAside: null });
    stop();
    channel.receive({ kind: 'stopped' });
    expect(lifecycle).toHaveBeenCalledTimes(1);
  });
});
