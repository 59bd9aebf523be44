// What each mutation module provides: its local optimistic effect (used when the agent makes the
// change and again on every rebase replay), the case it concerns, and a line for the outbox list.
import type { CacheDatabase as Database } from '../cache/open-cache.js';
import type { ServiceType } from '../../../shared/domain/service-type.js';
import type { MutationArgsOf, MutationName } from '../../../shared/mutations.js';
import type { MutableEntity, RowStore } from '../cache/row-store.js';

export interface EffectContext {
  db: Database;
  rows: RowStore;
  /** Called before a row is first changed, so its server version is kept for the rebase. */
  touch(entity: MutableEntity, id: string): void;
  serviceType(code: string): ServiceType | null;
  agentId: string;
}

export interface StoredMutation<N extends MutationName = MutationName> {
  id: number;
  name: N;
  args: MutationArgsOf<N>;
  createdAt: string;
}

export interface LocalMutation<N extends MutationName> {
  name: N;
  caseId(args: MutationArgsOf<N>, context: EffectContext): string | null;
  summary(args: MutationArgsOf<N>, context: EffectContext): string;
  /**
   * Changes the local tables as the server is expected to. On replay the rows it needs may be
   * gone (the server deleted them, the case was evicted): it then changes nothing and the
   * server has the last word.
   */
  apply(context: EffectContext, mutation: StoredMutation<N>): void;
}

/** How a case is named to the agent: its official number once known, else the provisional one. */
export function caseLabel(context: EffectContext, caseId: string): string {
  return context.rows.get('service_request', caseId)?.reference ?? 'a case not held on this desk';
}
