// Fans DeskEvents out to subscribers (the in-process client, WebSocket sockets, the utility
// port). Payloads are checked against the contract before anyone sees them.
import { DeskEvents, type DeskEventName, type DeskEventPayload } from '../../shared/desk-api.js';

type AnyListener = (payload: never) => void;

export class DeskEventHub {
  private readonly listeners = new Map<DeskEventName, Set<AnyListener>>();

  /** A failing listener (a dead socket, say) must not stop the others or the sync loop. */
  constructor(private readonly onListenerError: (event: DeskEventName, error: unknown) => void = () => undefined) {}

  on<E extends DeskEventName>(event: E, listener: (payload: DeskEventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as AnyListener);
    return () => set.delete(listener as AnyListener);
  }

  emit<E extends DeskEventName>(event: E, payload: DeskEventPayload<E>): void {
    const checked = DeskEvents[event].parse(payload) as DeskEventPayload<E>;
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as (payload: DeskEventPayload<E>) => void)(checked);
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
