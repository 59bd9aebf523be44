// Reads the wallboard's board from the database: every agent, the calls not yet over, and the
// calls that arrived today. Used at start-up and whenever an instance may have missed events.
import type { CallPhase, Transfer } from '../../shared/call-control.js';
import type { WallboardBoard, WallboardCall } from '../../shared/live-protocol.js';
import { compareAgents, compareCalls } from '../../shared/queue/board.js';
import { listAgents } from '../store/agents.js';
import { requireIso, toIso, type Store } from '../store/store.js';

interface CallRow {
  id: string;
  queue: string;
  is_911_transfer: boolean;
  status: string;
  agent_id: string | null;
  on_hold: boolean;
  abandoned: boolean;
  received_at: Date | string;
  answered_at: Date | string | null;
  ended_at: Date | string | null;
  wrapped_up_at: Date | string | null;
  talk_seconds: number | null;
  hold_seconds: number | null;
  wrap_up_seconds: number | null;
  disposition: string | null;
  transfer: Pick<Transfer, 'target' | 'status'> | null;
}

/** The calls table keeps status queued/ringing/answered/ended; wrap-up is an answered call that ended and is not wrapped up. */
function phaseOf(row: CallRow): CallPhase {
  if (row.status === 'queued' || row.status === 'ringing' || row.status === 'answered') return row.status;
  return row.answered_at !== null && row.wrapped_up_at === null ? 'wrap_up' : 'ended';
}

export function wallboardCallFromRow(row: CallRow): WallboardCall {
  const answeredAt = toIso(row.answered_at);
  const endedAt = toIso(row.ended_at);
  const abandoned = answeredAt === null && endedAt !== null && (row.abandoned || row.status === 'ended');
  const ended = answeredAt !== null && endedAt !== null;
  return {
    callId: row.id,
    queue: row.queue,
    is911Transfer: row.is_911_transfer,
    phase: phaseOf(row),
    agentId: row.agent_id,
    onHold: row.on_hold,
    receivedAt: requireIso(row.received_at),
    answeredAt,
    abandonedAt: abandoned ? endedAt : null,
    endedAt,
    talkSeconds: ended ? (row.talk_seconds ?? Math.max(0, (Date.parse(endedAt) - Date.parse(answeredAt)) / 1000)) : null,
    holdSeconds: ended ? (row.hold_seconds ?? 0) : null,
    wrapUpSeconds: ended ? row.wrap_up_seconds : null,
    returnedTo911:
      row.disposition === 'returned_to_911' || (row.transfer?.target?.kind === 'emergency_911' && row.transfer.status === 'completed'),
  };
}

export async function loadBoard(store: Store, dayStart: Date): Promise<WallboardBoard> {
  const agents = await listAgents(store);
  const calls = await store.query<CallRow>(
    `SELECT id, queue, is_911_transfer, status, agent_id, on_hold, abandoned, received_at, answered_at, ended_at,
            wrapped_up_at, talk_seconds, hold_seconds, wrap_up_seconds, disposition, transfer
     FROM calls
     WHERE received_at >= $1 OR status <> 'ended'
        OR (answered_at IS NOT NULL AND wrapped_up_at IS NULL AND ended_at > now() - interval '1 day')`,
    [dayStart.toISOString()],
  );
  return {
    dayStart: dayStart.toISOString(),
    // Sorted here as the board sorts them, so a snapshot and a rebuilt board compare equal.
    agents: agents.sort(compareAgents),
    calls: calls.map(wallboardCallFromRow).sort(compareCalls),
  };
}
