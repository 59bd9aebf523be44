// A WebSocket outlives the request that opened it, so the per-request session check alone would
// let a signed-out desk (or a lead's wallboard after "sign out everywhere") keep receiving. Every
// open socket is kept under its session; the open sessions are checked again in one query every
// `recheckMs` (a sign-out on another instance is seen within that) and at once after a sign-out
// on this one, and the sockets of ended sessions are closed.
import type { Store } from '../store/store.js';

/** 4000–4999 is the application's range; 4401 reads as "401 on a socket". */
export const SESSION_ENDED_CLOSE_CODE = 4401;
export const DEFAULT_SOCKET_RECHECK_MS = 30_000;

export interface SessionSocket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

export class SessionSockets {
  private readonly bySession = new Map<string, Set<SessionSocket>>();
  private readonly timer: NodeJS.Timeout;
  private checking: Promise<number> | null = null;

  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    private readonly onError: (error: unknown) => void,
    recheckMs = DEFAULT_SOCKET_RECHECK_MS,
  ) {
    this.timer = setInterval(() => void this.recheck(), recheckMs);
    this.timer.unref();
  }

  /** Keeps `socket` until it closes; it is closed when `sessionId` ends. */
  track(sessionId: string, socket: SessionSocket): void {
    let sockets = this.bySession.get(sessionId);
    if (!sockets) this.bySession.set(sessionId, (sockets = new Set()));
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && this.bySession.get(sessionId) === sockets) this.bySession.delete(sessionId);
    });
  }

  get openSockets(): number {
    let count = 0;
    for (const sockets of this.bySession.values()) count += sockets.size;
    return count;
  }

  /** Closes the sockets of every session that is no longer open; how many it closed. One check at a time. */
  recheck(): Promise<number> {
    this.checking ??= this.closeEnded()
      .catch((error: unknown) => {
        this.onError(error);
        return 0;
      })
      .finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async closeEnded(): Promise<number> {
    const sessionIds = [...this.bySession.keys()];
    if (sessionIds.length === 0) return 0;
    const open = await this.store.query<{ id: string }>(
      'SELECT id::text AS id FROM auth_sessions WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL AND expires_at > $2',
      [sessionIds, this.now().toISOString()],
    );
    const stillOpen = new Set(open.map((row) => row.id));
    let closed = 0;
    for (const sessionId of sessionIds) {
      if (stillOpen.has(sessionId)) continue;
      for (const socket of this.bySession.get(sessionId) ?? []) {
        socket.close(SESSION_ENDED_CLOSE_CODE, 'session ended: sign in again');
        closed += 1;
      }
      this.bySession.delete(sessionId);
    }
    return closed;
  }
}
