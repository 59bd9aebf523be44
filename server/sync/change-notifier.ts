// Tells whoever listens that the change log grew (a push committed). In-process for one server
// (PGlite); `PgChangeNotifier` fans the same signal out across instances over LISTEN/NOTIFY.
export interface ChangeNotifier {
  /** Call after a transaction that appended to the change log has committed. */
  changed(): void;
  /** Runs `listener` on every change (here or, for shared notifiers, on another instance). */
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}

export class InProcessChangeNotifier implements ChangeNotifier {
  private readonly listeners = new Set<() => void>();

  changed(): void {
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
