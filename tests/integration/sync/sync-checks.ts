// Checks the sync tests end with: every desk holds exactly the server's cases, notes and
// conflicts, and the server processed each desk's mutations exactly once, ids 1..N with no gap.
import Database from '../../fixtures/host/keyed-database.js';
import { expect } from 'vitest';
import type { DeskClient } from '../../../shared/desk-api.js';
import { requireIso, type Store } from '../../../server/store/store.js';
import { loadCase, loadConflict } from '../../../server/sync/case-rows.js';

/** The last mutation id the desk handed out (0 if none), from its cache's meta table. */
export function lastIssuedMutationId(cachePath: string): number {
  const db = new Database(cachePath, { readonly: true, fileMustExist: true });
  try {
    const value = db.prepare("SELECT value FROM meta WHERE key = 'last_mutation_id_issued'").pluck().get() as string | undefined;
    return Number(value ?? 0);
  } finally {
    db.close();
  }
}

/** Ids of the rows a desk's SQLite cache holds, read through a second, read-only connection. */
export function cachedIds(cachePath: string): { cases: string[]; notes: string[]; conflicts: string[] } {
  const db = new Database(cachePath, { readonly: true, fileMustExist: true });
  try {
    const ids = (table: string) => (db.prepare(`SELECT id FROM ${table} ORDER BY id`).pluck().all() as string[]);
    return { cases: ids('service_requests'), notes: ids('case_notes'), conflicts: ids('case_conflicts') };
  } finally {
    db.close();
  }
}

async function serverIds(store: Store, table: string): Promise<string[]> {
  const rows = await store.query<{ id: string }>(`SELECT id::text AS id FROM ${table} ORDER BY id::text`);
  return rows.map((row) => row.id).sort();
}

/**
 * The desk's cache equals the server's rows: the same case, note and conflict ids, and every
 * synced field of each case (of `deepCases` only, when given, to keep big caches quick).
 */
export async function expectDeskMatchesServer(label: string, desk: DeskClient, cachePath: string, store: Store, deepCases?: string[]): Promise<void> {
  const held = cachedIds(cachePath);
  expect(held.cases.sort(), `${label}: case ids`).toEqual(await serverIds(store, 'service_requests'));
  expect(held.notes.sort(), `${label}: note ids`).toEqual(await serverIds(store, 'case_notes'));
  expect(held.conflicts.sort(), `${label}: conflict ids`).toEqual(await serverIds(store, 'case_conflicts'));

  const notesByCase = new Map<string, unknown[]>();
  const noteRows = await store.query<{ id: string; case_id: string; text: string; author_agent_id: string; created_at: Date | string }>(
    'SELECT id::text AS id, case_id::text AS case_id, text, author_agent_id, created_at FROM case_notes',
  );
  for (const row of noteRows) {
    const list = notesByCase.get(row.case_id) ?? [];
    list.push({ id: row.id, caseId: row.case_id, text: row.text, authorAgentId: row.author_agent_id, createdAt: requireIso(row.created_at) });
    notesByCase.set(row.case_id, list);
  }
  const conflictIds = await store.query<{ id: string; case_id: string }>('SELECT id::text AS id, case_id::text AS case_id FROM case_conflicts');

  for (const caseId of deepCases ?? held.cases) {
    const local = await desk.getCase({ caseId });
    const server = await loadCase(store, caseId);
    const { serviceTypeName: _name, ...localRequest } = local.serviceRequest;
    expect(localRequest, `${label}: case ${caseId}`).toEqual(server!.request);
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect([...local.notes].sort(byId), `${label}: notes of ${caseId}`).toEqual(((notesByCase.get(caseId) ?? []) as Array<{ id: string }>).sort(byId));
    const serverConflicts = [];
    for (const row of conflictIds.filter((c) => c.case_id === caseId)) serverConflicts.push((await loadConflict(store, row.id))!);
    expect([...local.conflicts].sort(byId), `${label}: conflicts of ${caseId}`).toEqual(serverConflicts.sort(byId));
    expect(local.pending, `${label}: pending on ${caseId}`).toEqual([]);
  }
}

export interface ProcessedMutations {
  applied: number;
  rejected: Array<{ mutationId: number; code: string }>;
}

/**
 * The server processed mutations 1..lastIssued of this client, each exactly once (one result row
 * per id by the primary key, so the count and the ends prove there is no gap and nothing extra).
 */
export async function expectProcessedExactlyOnce(store: Store, clientId: string, lastIssued: number): Promise<ProcessedMutations> {
  const rows = await store.query<{ mutation_id: string | number; status: string; result: { error?: { code: string } } }>(
    'SELECT mutation_id, status, result FROM sync_mutation_results WHERE client_id = $1 ORDER BY mutation_id', [clientId],
  );
  expect(rows.map((row) => Number(row.mutation_id)), `mutations of ${clientId}`).toEqual(Array.from({ length: lastIssued }, (_, i) => i + 1));
  const [client] = await store.query<{ last_mutation_id: string | number }>('SELECT last_mutation_id FROM sync_clients WHERE client_id = $1', [clientId]);
  expect(Number(client?.last_mutation_id ?? 0), `last processed id of ${clientId}`).toBe(lastIssued);
  return {
    applied: rows.filter((row) => row.status === 'applied').length,
    rejected: rows.filter((row) => row.status === 'rejected').map((row) => ({ mutationId: Number(row.mutation_id), code: row.result.error?.code ?? '?' })),
  };
}

/** The highest change-log version: a quiet system stops moving it. */
export async function headVersion(store: Store): Promise<number> {
  const [row] = await store.query<{ v: string | number | null }>('SELECT max(version) AS v FROM change_log');
  return Number(row?.v ?? 0);
}

