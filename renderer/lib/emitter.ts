// A small typed event emitter for browser code (Node's `events` is not available in the page).
// A listener that throws is reported to `onListenerError` and never stops the others.

export type Listener<T> = (payload: T) => void;

export class TypedEmitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (event: keyof Events, error: unknown) => void = () => undefined) {}

  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    // Copy first, so a listener that unsubscribes while we iterate does not skip its neighbour.
    for (const listener of [...set] as Listener<Events[E]>[]) {
      try {
        listener(payload);
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
