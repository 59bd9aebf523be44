// Live events every server instance must see: a call changed, an agent changed. Publishers do
// not care which instance serves the team lead or the agent's desktop; the bus fans out.
import type { CallControlState } from '../../shared/call-control.js';
import type { Agent } from '../../shared/domain/agent.js';

export type LiveEvent =
  | { kind: 'call'; call: CallControlState }
  | { kind: 'agent'; agent: Agent };

export interface LiveBus {
  /** Delivered to every subscriber on every instance, including this one, in publish order per instance. */
  publish(event: LiveEvent): Promise<void>;
  subscribe(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

/** One instance only (PGlite, tests): delivers in-process, synchronously after publish. */
export class InProcessLiveBus implements LiveBus {
  private readonly listeners = new Set<(event: LiveEvent) => void>();

  async publish(event: LiveEvent): Promise<void> {
    for (const listener of [...this.listeners]) listener(event);
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
