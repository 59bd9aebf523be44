// Applies one page of a pull to the cache: every row is checked against its entity's schema as it
// is written (callers and cases by a straight-line check that defers to zod), and all changes, the
// rebase of the outbox and the new cursor go in one transaction, so a bad row rolls the page back
// (it changes nothing) and a crash never leaves rows without the cursor that covers them.
import type { CacheDatabase as Database, CacheStatement as Statement } from '../cache/open-cache.js';
import { z } from 'zod';
import { DeskFailure, formatZodError } from '../../../shared/errors.js';
import { parseSyncedRow, syncedRowId, type PullResponse, type SyncedEntity } from '../../../shared/sync-protocol.js';
import { rowStoreFor, type SyncedRecords } from '../cache/row-store.js';
import { serverRowsFor, trackedKey } from '../outbox/server-rows.js';
import { checkedCaller, checkedServiceRequest } from './bulk-row-checks.js';

type ParsedChange =
  | { [E in SyncedEntity]: { op: 'put'; entity: E; id: string; row: SyncedRecords[E] } }[SyncedEntity]
  | { op: 'del'; entity: SyncedEntity; id: string };

export interface AppliedPage {
  puts: number;
  deletes: number;
  cursor: number;
  headVersion: number;
  /** Cases whose local rows changed (pulled, rebased), for `casesChanged`. */
  caseIds: string[];
}

export interface ApplyPullPageOptions {
  /** Recorded as the last successful exchange; left alone when omitted. */
  syncedAt?: string;
  /** Closed cases closed before this (epoch ms) are not kept on the desk. */
  closedBeforeMs?: number;
  /** Runs inside the page's transaction after its rows are written (the outbox rebase);
   * `touched` says whether the page changed a row the outbox tracks (or a service type, which
   * a replayed createCase reads). */
  afterRows?: (page: { touched: boolean }) => string[];
  /** Runs last in the page's transaction: what else must commit with the rows (a snapshot's position). */
  saveWith?: () => void;
}

export function applyPullPage(db: Database, page: PullResponse, options: ApplyPullPageOptions = {}): AppliedPage {
  const rows = rowStoreFor(db);
  const serverRows = serverRowsFor(db);
  const saveState = saveStateStatement(db);
  const cutoff = options.closedBeforeMs ?? Number.NEGATIVE_INFINITY;
  let puts = 0;
  let deletes = 0;
  const caseIds = new Set<string>();
  db.transaction(() => {
    const tracked = serverRows.trackedKeys();
    let touched = false;
    // Parsed one at a time: each parsed row is garbage as soon as it is written, so a page of
    // ten thousand rows never lives twice in memory.
    for (let index = 0; index < page.changes.length; index += 1) {
      const change = parseChange(page.changes[index] as PullResponse['changes'][number], index);
      const caseId = caseOf(change);
      if (caseId) caseIds.add(caseId);
      const isTracked = tracked.size > 0 && tracked.has(trackedKey(change.entity, change.id));
      if (isTracked || change.entity === 'service_type') touched = true;
      if (change.op === 'del') {
        if (isTracked) serverRows.updateTracked(change.entity, change.id, null);
        rows.del(change.entity, change.id);
        deletes += 1;
        continue;
      }
      if (isTracked) serverRows.updateTracked(change.entity, change.id, change.row);
      if (!isTracked && change.entity === 'service_request' && isOutsideWindow(change.row, cutoff)) {
        // A case closed long ago is not kept on the desk: drop any older copy instead.
        rows.del('service_request', change.id);
      } else {
        rows.put(change.entity, change.row as never);
      }
      puts += 1;
    }
    for (const caseId of options.afterRows?.({ touched }) ?? []) caseIds.add(caseId);
    saveState.run({
      cursor: page.cursor,
      head_version: page.headVersion,
      last_mutation_id: page.lastMutationId,
      last_synced_at: options.syncedAt ?? null,
    });
    options.saveWith?.();
  }).immediate();
  return { puts, deletes, cursor: page.cursor, headVersion: page.headVersion, caseIds: [...caseIds] };
}

function caseOf(change: ParsedChange): string | null {
  if (change.entity === 'service_request') return change.id;
  if (change.op === 'put' && (change.entity === 'case_note' || change.entity === 'case_conflict')) return change.row.caseId;
  if (change.op === 'put' && change.entity === 'triage_record') return change.row.caseId;
  return null;
}

function isOutsideWindow(row: SyncedRecords['service_request'], closedBeforeMs: number): boolean {
  return row.status === 'closed' && row.closedAt !== null && Date.parse(row.closedAt) < closedBeforeMs;
}

function parseChange(change: PullResponse['changes'][number], index: number): ParsedChange {
  if (change.op === 'del') return { op: 'del', entity: change.entity, id: change.id };
  let row: SyncedRecords[SyncedEntity] | null = bulkChecked(change.entity, change.row);
  try {
    row ??= parseSyncedRow(change.entity, change.row);
  } catch (error) {
    const why = error instanceof z.ZodError ? formatZodError(error) : String(error);
    throw new DeskFailure('SERVER_ERROR', `The server sent an invalid ${change.entity} row (change ${index}, id ${change.id}): ${why}`);
  }
  const key = syncedRowId(row);
  if (key !== change.id) {
    throw new DeskFailure('SERVER_ERROR', `The server sent a ${change.entity} change for ${change.id} whose row is ${key}.`);
  }
  return { op: 'put', entity: change.entity, id: change.id, row } as ParsedChange;
}

/** Callers and cases take the straight-line check; what it is unsure of, and every other entity, goes through zod. */
function bulkChecked(entity: SyncedEntity, row: unknown): SyncedRecords[SyncedEntity] | null {
  if (entity === 'service_request') return checkedServiceRequest(row);
  if (entity === 'caller') return checkedCaller(row);
  return null;
}

const saveStateByDb = new WeakMap<Database, Statement>();

function saveStateStatement(db: Database): Statement {
  let statement = saveStateByDb.get(db);
  if (!statement) {
    statement = db.prepare(
      `UPDATE sync_state SET cursor = @cursor, head_version = @head_version, last_mutation_id = @last_mutation_id,
         last_synced_at = coalesce(@last_synced_at, last_synced_at) WHERE id = 1`,
    );
    saveStateByDb.set(db, statement);
  }
  return statement;
}
