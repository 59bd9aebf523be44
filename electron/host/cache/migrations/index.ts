// The ordered list of cache migrations. To add one: create `NNNN-name.ts` with the next
// version (a multiple of ten above the last), export it, and append it here.
import { initialSchema } from './0010-initial.js';
import { openCaseLocations } from './0020-open-case-locations.js';
import { outbox } from './0030-outbox.js';
import { dropStatusIndex } from './0040-drop-status-index.js';
import { firstSyncPhase } from './0050-first-sync-phase.js';
import { triage } from './0060-triage.js';
import { casePriority } from './0070-case-priority.js';
import { rowCounts } from './0080-row-counts.js';
import { snapshotPosition } from './0090-snapshot-position.js';
import type { CacheMigration } from './types.js';

export type { CacheMigration } from './types.js';

export const CACHE_MIGRATIONS: readonly CacheMigration[] = [initialSchema, openCaseLocations, outbox, dropStatusIndex, firstSyncPhase, triage, casePriority, rowCounts, snapshotPosition];

export function latestCacheVersion(migrations: readonly CacheMigration[] = CACHE_MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0;
}
