// The wallboard's state and the one way it changes: a call or an agent replaced whole. The server's
// live state and every team lead's client apply changes with this same function, so a client that
// took a snapshot and then every delta holds exactly what the server holds.
import type { CallControlState } from '../call-control.js';
import type { WallboardBoard, WallboardCall, WallboardChange } from '../live-protocol.js';

/** Calls that have left the queue and the agent, kept only for today's counts. */
const isFinished = (call: WallboardCall): boolean => call.phase === 'ended';

/** True when the call still belongs on a board whose day began at `dayStart`. */
export function callBelongsToDay(call: WallboardCall, dayStart: string): boolean {
  return !isFinished(call) || Date.parse(call.receivedAt) >= Date.parse(dayStart);
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The one order of calls on a board: by arrival, then id. */
export const compareCalls = (a: WallboardCall, b: WallboardCall): number =>
  Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || byText(a.callId, b.callId);

export const compareAgents = (a: { id: string }, b: { id: string }): number => byText(a.id, b.id);

/** Returns a new board with the change applied; changes carry whole rows, so applying one twice is harmless. */
export function applyBoardChange(board: WallboardBoard, change: WallboardChange): WallboardBoard {
  if (change.kind === 'agent') {
    const agents = board.agents.filter((agent) => agent.id !== change.agent.id);
    agents.push(change.agent);
    agents.sort(compareAgents);
    return { ...board, agents };
  }
  const calls = board.calls.filter((call) => call.callId !== change.call.callId);
  if (callBelongsToDay(change.call, board.dayStart)) calls.push(change.call);
  calls.sort(compareCalls);
  return { ...board, calls };
}

/** Moves the board to a new day: yesterday's finished calls drop out. */
export function startBoardDay(board: WallboardBoard, dayStart: string): WallboardBoard {
  return { ...board, dayStart, calls: board.calls.filter((call) => callBelongsToDay(call, dayStart)) };
}

const secondsBetween = (from: string, to: string): number => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/**
 * The wallboard's view of a call from the router's `CallControlState`: times come from the
 * timeline (the first of each kind), hold time is the sum of hold–resume spans, talk time is
 * answer to end less hold, wrap-up is end to wrapped-up.
 */
export function wallboardCallFromControl(call: CallControlState, fallbackReceivedAt: string): WallboardCall {
  const first = (kind: CallControlState['timeline'][number]['kind']): string | null => {
    const at = call.timeline.find((event) => event.kind === kind)?.at;
    return at === undefined ? null : new Date(at).toISOString();
  };
  const startedAt = call.timeline[0]?.at;
  const receivedAt = first('received') ?? first('queued') ?? (startedAt ? new Date(startedAt).toISOString() : fallbackReceivedAt);
  const answeredAt = first('answered');
  const abandonedAt = answeredAt === null ? first('abandoned') : null;
  const endedAt = first('ended') ?? abandonedAt;

  let holdSeconds = 0;
  let heldSince: string | null = null;
  for (const event of call.timeline) {
    if (event.kind === 'hold' && heldSince === null) heldSince = event.at;
    if (event.kind === 'resume' && heldSince !== null) {
      holdSeconds += secondsBetween(heldSince, event.at);
      heldSince = null;
    }
  }
  if (heldSince !== null && endedAt !== null) holdSeconds += secondsBetween(heldSince, endedAt);

  const wrappedUpAt = first('wrapped_up');
  const ended = answeredAt !== null && endedAt !== null;
  const returnedTo911 =
    call.disposition === 'returned_to_911' ||
    (call.transfer?.target.kind === 'emergency_911' && call.transfer.status === 'completed');
  return {
    callId: call.callId,
    queue: call.queue,
    is911Transfer: call.is911Transfer,
    phase: call.phase,
    agentId: call.agentId,
    onHold: call.onHold,
    receivedAt,
    answeredAt,
    abandonedAt,
    endedAt,
    talkSeconds: ended ? Math.max(0, secondsBetween(answeredAt, endedAt) - holdSeconds) : null,
    holdSeconds: ended ? holdSeconds : null,
    wrapUpSeconds: ended && wrappedUpAt !== null ? secondsBetween(endedAt, wrappedUpAt) : null,
    returnedTo911,
  };
}
