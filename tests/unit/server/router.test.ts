// Call routing: which queue a call belongs to and which agent it is offered to.
import { describe, expect, it } from 'vitest';
import { chooseAgent, classifyInboundCall, compareWaitingCalls, matchWaitingCalls, type WaitingCall } from '../../../server/telephony/router.js';
import type { Agent } from '../../../shared/domain/agent.js';

const agent = (id: string, skills: string[], state: Agent['state'], stateSince: string) => ({ id, skills, state, stateSince });

const AGENTS = [
  agent('jordan', ['general'], 'available', '2026-11-25T10:05:00Z'),
  agent('sam', ['general', 'triage'], 'available', '2026-11-25T10:10:00Z'),
  agent('pat', ['general'], 'available', '2026-11-25T09:00:00Z'),
  agent('alex', [], 'available', '2026-11-25T08:00:00Z'),
  agent('robin', ['general', 'triage'], 'on_call', '2026-11-25T07:00:00Z'),
  agent('kim', ['general'], 'away', '2026-11-25T06:00:00Z'),
];

describe('chooseAgent', () => {
  it('offers a general call to the longest-idle available agent with the general skill', () => {
    expect(chooseAgent(AGENTS, 'general')).toEqual({ kind: 'dial', agentId: 'pat' });
  });

  it('offers a triage call only to an available agent with the triage skill', () => {
    expect(chooseAgent(AGENTS, 'triage')).toEqual({ kind: 'dial', agentId: 'sam' });
  });

  it('skips agents a ringing call is already reserved for', () => {
    expect(chooseAgent(AGENTS, 'general', new Set(['pat']))).toEqual({ kind: 'dial', agentId: 'jordan' });
    expect(chooseAgent(AGENTS, 'triage', new Set(['sam']))).toEqual({ kind: 'enqueue', queue: 'triage' });
  });

  it('enqueues when nobody can take the call', () => {
    expect(chooseAgent([], 'general')).toEqual({ kind: 'enqueue', queue: 'general' });
    expect(chooseAgent(AGENTS.filter((a) => a.state !== 'available'), 'general')).toEqual({ kind: 'enqueue', queue: 'general' });
  });

  it('breaks ties on idle time by agent id, so the choice is stable', () => {
    const tied = [agent('b-agent', ['general'], 'available', '2026-11-25T10:00:00Z'), agent('a-agent', ['general'], 'available', '2026-11-25T10:00:00Z')];
    expect(chooseAgent(tied, 'general')).toEqual({ kind: 'dial', agentId: 'a-agent' });
  });
});

describe('classifyInboundCall', () => {
  const transfer911Numbers = ['+12155550911'];

  it('sends calls to the 911 transfer line to triage', () => {
    expect(classifyInboundCall({ to: '+12155550911', params: {}, transfer911Numbers })).toEqual({ queue: 'triage', is911Transfer: true });
  });

  it('honours the transfer SIP header on any number', () => {
    expect(
      classifyInboundCall({ to: '+12155550311', params: { 'SipHeader_X-Frontdesk-Transfer': '911' }, transfer911Numbers }),
    ).toEqual({ queue: 'triage', is911Transfer: true });
  });

  it('sends everything else to the general queue', () => {
    expect(classifyInboundCall({ to: '+12155550311', params: { 'SipHeader_X-Frontdesk-Transfer': 'other' }, transfer911Numbers })).toEqual({
      queue: 'general',
      is911Transfer: false,
    });
  });
});

describe('chooseAgent after refusals', () => {
  it('offers the call to the next eligible agent, never to one who declined or missed it', () => {
    expect(chooseAgent(AGENTS, 'general', new Set(), new Set(['pat']))).toEqual({ kind: 'dial', agentId: 'jordan' });
    expect(chooseAgent(AGENTS, 'general', new Set(['jordan']), new Set(['pat']))).toEqual({ kind: 'dial', agentId: 'sam' });
    expect(chooseAgent(AGENTS, 'triage', new Set(), new Set(['sam']))).toEqual({ kind: 'enqueue', queue: 'triage' });
  });
});

describe('matchWaitingCalls', () => {
  const waiting = (id: string, queue: 'general' | 'triage', receivedAt: string, refusedBy: string[] = []): WaitingCall => ({
    id, queue, is911Transfer: queue === 'triage', receivedAt, refusedBy,
  });

  it('orders 911 transfers first, then the longest waiting', () => {
    const calls = [
      waiting('c-late', 'general', '2026-11-25T10:02:00Z'),
      waiting('c-911', 'triage', '2026-11-25T10:03:00Z'),
      waiting('c-early', 'general', '2026-11-25T10:00:00Z'),
    ];
    expect([...calls].sort(compareWaitingCalls).map((call) => call.id)).toEqual(['c-911', 'c-early', 'c-late']);
  });

  it('gives the one free agent the best waiting call: a 911 transfer before an older regular call', () => {
    const free = [agent('sam', ['general', 'triage'], 'available', '2026-11-25T10:10:00Z')];
    const calls = [waiting('c-old', 'general', '2026-11-25T09:00:00Z'), waiting('c-911', 'triage', '2026-11-25T10:05:00Z')];
    expect(matchWaitingCalls(calls, free)).toEqual([{ callId: 'c-911', agentId: 'sam' }]);
  });

  it('never offers one call twice or one agent two calls, and skips reserved agents and refusals', () => {
    const calls = [
      waiting('c1', 'general', '2026-11-25T10:00:00Z'),
      waiting('c2', 'general', '2026-11-25T10:01:00Z', ['jordan']),
      waiting('c3', 'general', '2026-11-25T10:02:00Z'),
      waiting('c4', 'triage', '2026-11-25T10:03:00Z', ['sam']),
    ];
    const offers = matchWaitingCalls(calls, AGENTS, new Set(['sam']));
    // pat idles longest and takes c1; c2 was refused by jordan, so it waits; jordan takes c3.
    expect(offers).toEqual([
      { callId: 'c1', agentId: 'pat' },
      { callId: 'c3', agentId: 'jordan' },
    ]);
    expect(new Set(offers.map((offer) => offer.agentId)).size).toBe(offers.length);
    expect(new Set(offers.map((offer) => offer.callId)).size).toBe(offers.length);
  });

  it('offers nothing when nobody is free', () => {
    expect(matchWaitingCalls([waiting('c1', 'general', '2026-11-25T10:00:00Z')], AGENTS.filter((a) => a.state !== 'available'))).toEqual([]);
  });
});
