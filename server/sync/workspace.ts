// What applying a mutation reads and writes, behind one interface with two implementations: a
// direct one (every read and write a statement, used when a batch must be replayed one savepoint
// at a time) and a batch one that prefetches what a run of mutations needs in a few queries,
// keeps their writes in memory and flushes them with one statement per entity before commit.
import type { CaseConflict } from '../../shared/domain/case-history.js';
import type { Mutation } from '../../shared/mutations.js';
import { appendAudit, type AuditEntryInput } from '../audit/audit-log.js';
import { SyncedEntities, syncedRowId, type SyncedEntity } from '../../shared/sync-protocol.js';
import {
  allocateVersions, lockChangeLog, nextValue, putParsedRowsAt, putSyncedRowsAt, setSequence, type LockedSequenceName, type VersionedWrite,
} from '../store/change-log.js';
import type { Store } from '../store/store.js';
import {
  checkReferences, conflictFromRow, loadCase, loadConflict, nextOfficialReference, storedCaseFromRow,
  type CaseRow, type ConflictRow, type ReferenceCheck, type ReferenceFacts, type StoredCase,
} from './case-rows.js';
import type { EditOrigin } from './conflicts.js';

export interface PushWorkspace {
  loadCase(id: string): Promise<StoredCase | null>;
  loadConflict(id: string): Promise<CaseConflict | null>;
  checkReferences(check: ReferenceCheck): Promise<ReferenceFacts>;
  allocateVersions(count: number): Promise<number[]>;
  nextOfficialReference(): Promise<string>;
  put<E extends SyncedEntity>(entity: E, writes: ReadonlyArray<VersionedWrite<E>>): Promise<void>;
  /** Whether a triage record id is taken, and which of the protocol versions it names are unknown. */
  triageFacts(recordId: string, protocolKeys: readonly string[]): Promise<TriageFacts>;
  /** Audit entries committed with the mutation (the audit lock is taken last, after the change log's). */
  audit(entries: readonly AuditEntryInput[]): Promise<void>;
}

export interface TriageFacts {
  recordExists: boolean;
  unknownProtocols: string[];
}

async function readTriageFacts(tx: Store, recordId: string, protocolKeys: readonly string[]): Promise<TriageFacts> {
  const [record] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM triage_records WHERE id = $1', [recordId]);
  const known = await tx.query<{ key: string }>('SELECT key FROM triage_protocols WHERE key = ANY($1::text[])', [[...protocolKeys]]);
  const found = new Set(known.map((row) => row.key));
  return { recordExists: (record?.n ?? 0) > 0, unknownProtocols: protocolKeys.filter((key) => !found.has(key)) };
}

export function directWorkspace(tx: Store): PushWorkspace {
  return {
    loadCase: (id) => loadCase(tx, id),
    loadConflict: (id) => loadConflict(tx, id),
    checkReferences: (check) => checkReferences(tx, check),
    allocateVersions: (count) => allocateVersions(tx, count),
    nextOfficialReference: () => nextOfficialReference(tx),
    put: (entity, writes) => putSyncedRowsAt(tx, entity, writes),
    triageFacts: (recordId, protocolKeys) => readTriageFacts(tx, recordId, protocolKeys),
    audit: async (entries) => {
      for (const entry of entries) await appendAudit(tx, entry);
    },
  };
}

type ServiceTypeFacts = { active: boolean; agency: string } | null;

/** Parent tables first, so foreign keys hold at every statement of the flush. */
const FLUSH_ORDER: SyncedEntity[] = [
  'service_type', 'neighborhood', 'caller', 'service_request', 'case_note', 'case_conflict', 'triage_protocol', 'triage_record',
];

/**
 * A run of mutations in one transaction, holding the change-log lock throughout. Everything it
 * knows is either prefetched, read on a miss, or written by this run, and nothing else writes
 * these tables while the lock is held, so its in-memory view is the database's.
 */
export class BatchWorkspace implements PushWorkspace {
  private readonly cases = new Map<string, StoredCase | null>();
  private readonly conflicts = new Map<string, CaseConflict | null>();
  private readonly callers = new Map<string, boolean>();
  private readonly notes = new Map<string, boolean>();
  private readonly provisional = new Map<string, boolean>();
  private readonly serviceTypes = new Map<string, ServiceTypeFacts>();
  private readonly neighborhoods = new Map<string, boolean>();
  private readonly logged = new Map<SyncedEntity, Array<{ v: number; row: object }>>();
  private readonly tableRows = new Map<SyncedEntity, Map<string, object>>();
  private readonly audits: AuditEntryInput[] = [];
  private readonly versions: LockedSequence;
  private readonly references: LockedSequence;
  private writes = 0;

  private constructor(private readonly tx: Store) {
    this.versions = new LockedSequence(tx, 'change_log_version_seq');
    this.references = new LockedSequence(tx, 'service_request_reference_seq');
  }

  /** Takes the change-log lock and loads, in a few queries, what `mutations` will look at. */
  static async open(tx: Store, mutations: readonly Mutation[]): Promise<BatchWorkspace> {
    await lockChangeLog(tx);
    const ws = new BatchWorkspace(tx);
    await ws.prefetch(mutations);
    return ws;
  }

  /** How many rows this run has written so far; a rejection must not have added any. */
  get writeCount(): number {
    return this.writes;
  }

  private async prefetch(mutations: readonly Mutation[]): Promise<void> {
    const caseIds = new Set<string>();
    const callerIds = new Set<string>();
    const noteIds = new Set<string>();
    const refs = new Set<string>();
    const conflictIds = new Set<string>();
    const typeCodes = new Set<string>();
    const areaIds = new Set<string>();
    for (const m of mutations) {
      switch (m.name) {
        case 'createCaller':
          callerIds.add(m.args.id);
          if (m.args.neighborhoodId !== null) areaIds.add(m.args.neighborhoodId);
          break;
        case 'createCase':
          caseIds.add(m.args.id);
          refs.add(m.args.provisionalReference);
          typeCodes.add(m.args.serviceTypeCode);
          if (m.args.callerId !== null) callerIds.add(m.args.callerId);
          if (m.args.neighborhoodId !== null) areaIds.add(m.args.neighborhoodId);
          break;
        case 'editCase':
          caseIds.add(m.args.caseId);
          if (m.args.changes.serviceTypeCode !== undefined) typeCodes.add(m.args.changes.serviceTypeCode);
          if (typeof m.args.changes.neighborhoodId === 'string') areaIds.add(m.args.changes.neighborhoodId);
          break;
        case 'changeStatus':
          caseIds.add(m.args.caseId);
          break;
        case 'linkCaller':
          caseIds.add(m.args.caseId);
          if (m.args.callerId !== null) callerIds.add(m.args.callerId);
          break;
        case 'addNote':
          caseIds.add(m.args.caseId);
          noteIds.add(m.args.id);
          break;
        case 'resolveConflict':
          conflictIds.add(m.args.conflictId);
          break;
      }
    }
    const tx = this.tx;
    if (conflictIds.size > 0) {
      const rows = await tx.query<ConflictRow>('SELECT * FROM case_conflicts WHERE id = ANY($1::uuid[])', [[...conflictIds]]);
      for (const id of conflictIds) this.conflicts.set(id, null);
      for (const row of rows) {
        const conflict = conflictFromRow(row);
        this.conflicts.set(conflict.id, conflict);
        caseIds.add(conflict.caseId);
      }
    }
    if (caseIds.size > 0) {
      const rows = await tx.query<CaseRow>('SELECT * FROM service_requests WHERE id = ANY($1::uuid[])', [[...caseIds]]);
      for (const id of caseIds) this.cases.set(id, null);
      for (const row of rows) this.cases.set(row.id, storedCaseFromRow(row));
    }
    await this.prefetchKeys(this.callers, callerIds, 'SELECT id AS k FROM callers WHERE id = ANY($1::uuid[])');
    await this.prefetchKeys(this.notes, noteIds, 'SELECT id AS k FROM case_notes WHERE id = ANY($1::uuid[])');
    await this.prefetchKeys(this.neighborhoods, areaIds, 'SELECT id AS k FROM neighborhoods WHERE id = ANY($1::text[])');
    await this.prefetchKeys(
      this.provisional, refs,
      'SELECT provisional_reference AS k FROM service_requests WHERE provisional_reference = ANY($1::text[])',
    );
    if (typeCodes.size > 0) {
      const rows = await tx.query<{ code: string; active: boolean; agency: string }>(
        'SELECT code, active, agency FROM service_types WHERE code = ANY($1::text[])', [[...typeCodes]],
      );
      for (const code of typeCodes) this.serviceTypes.set(code, null);
      for (const row of rows) this.serviceTypes.set(row.code, { active: row.active, agency: row.agency });
    }
  }

  private async prefetchKeys(into: Map<string, boolean>, keys: Set<string>, sql: string): Promise<void> {
    if (keys.size === 0) return;
    const rows = await this.tx.query<{ k: string }>(sql, [[...keys]]);
    for (const key of keys) into.set(key, false);
    for (const row of rows) into.set(row.k, true);
  }

  async loadCase(id: string): Promise<StoredCase | null> {
    if (!this.cases.has(id)) this.cases.set(id, await loadCase(this.tx, id));
    return this.cases.get(id) ?? null;
  }

  async loadConflict(id: string): Promise<CaseConflict | null> {
    if (!this.conflicts.has(id)) this.conflicts.set(id, await loadConflict(this.tx, id));
    return this.conflicts.get(id) ?? null;
  }

  async checkReferences(check: ReferenceCheck): Promise<ReferenceFacts> {
    // Ask the database only for what this run has neither prefetched nor written.
    const missing: ReferenceCheck = {};
    const ask = <K extends keyof ReferenceCheck>(key: K, known: Map<string, unknown>): void => {
      const value = check[key];
      if (value !== undefined && value !== null && !known.has(value)) missing[key] = value;
    };
    ask('caseId', this.cases);
    ask('callerId', this.callers);
    ask('serviceTypeCode', this.serviceTypes);
    ask('neighborhoodId', this.neighborhoods);
    ask('provisionalReference', this.provisional);
    ask('noteId', this.notes);
    if (Object.keys(missing).length > 0) {
      const facts = await checkReferences(this.tx, missing);
      if (missing.caseId) this.cases.set(missing.caseId, facts.caseExists ? await loadCase(this.tx, missing.caseId) : null);
      if (missing.callerId) this.callers.set(missing.callerId, facts.callerExists);
      if (missing.serviceTypeCode) this.serviceTypes.set(missing.serviceTypeCode, facts.serviceType);
      if (missing.neighborhoodId) this.neighborhoods.set(missing.neighborhoodId, facts.neighborhoodExists);
      if (missing.provisionalReference) this.provisional.set(missing.provisionalReference, facts.provisionalReferenceTaken);
      if (missing.noteId) this.notes.set(missing.noteId, facts.noteExists);
    }
    const known = <V>(map: Map<string, V>, key: string | null | undefined): V | undefined =>
      key === undefined || key === null ? undefined : map.get(key);
    return {
      caseExists: (known(this.cases, check.caseId) ?? null) !== null,
      callerExists: known(this.callers, check.callerId) ?? false,
      serviceType: known(this.serviceTypes, check.serviceTypeCode) ?? null,
      neighborhoodExists: known(this.neighborhoods, check.neighborhoodId) ?? false,
      provisionalReferenceTaken: known(this.provisional, check.provisionalReference) ?? false,
      noteExists: known(this.notes, check.noteId) ?? false,
    };
  }

  allocateVersions(count: number): Promise<number[]> {
    return this.versions.take(count);
  }

  async triageFacts(recordId: string, protocolKeys: readonly string[]): Promise<TriageFacts> {
    const facts = await readTriageFacts(this.tx, recordId, protocolKeys);
    // A record this run has written but not flushed yet is taken too.
    return { ...facts, recordExists: facts.recordExists || (this.tableRows.get('triage_record')?.has(recordId) ?? false) };
  }

  async audit(entries: readonly AuditEntryInput[]): Promise<void> {
    this.audits.push(...entries);
  }

  async nextOfficialReference(): Promise<string> {
    const [reference] = await this.references.take(1);
    return String(reference);
  }

  async put<E extends SyncedEntity>(entity: E, writes: ReadonlyArray<VersionedWrite<E>>): Promise<void> {
    const schema = SyncedEntities[entity];
    const logged = this.logged.get(entity) ?? [];
    const table = this.tableRows.get(entity) ?? new Map<string, object>();
    this.logged.set(entity, logged);
    this.tableRows.set(entity, table);
    for (const write of writes) {
      const row = schema.parse(write.row) as object;
      logged.push({ v: write.version, row });
      // The table gets each row's last state: one upsert statement may touch a row only once.
      const id = syncedRowId(row);
      table.delete(id);
      table.set(id, { ...row, ...write.table });
      this.remember(entity, id, row, write.table);
      this.writes += 1;
    }
  }

  private remember(entity: SyncedEntity, id: string, row: object, extra: Record<string, unknown> | undefined): void {
    if (entity === 'caller') this.callers.set(id, true);
    if (entity === 'case_note') this.notes.set(id, true);
    if (entity === 'case_conflict') this.conflicts.set(id, row as CaseConflict);
    if (entity === 'service_request') {
      const request = row as StoredCase['request'];
      const fieldOrigins = (extra?.fieldOrigins as Record<string, EditOrigin> | undefined) ?? this.cases.get(id)?.fieldOrigins ?? {};
      this.cases.set(id, { request, fieldOrigins });
      if (request.provisionalReference !== null) this.provisional.set(request.provisionalReference, true);
    }
  }

  /** Writes everything the run buffered, one statement per entity, and moves the version sequence on. */
  async flush(): Promise<void> {
    for (const entity of FLUSH_ORDER) {
      const logged = this.logged.get(entity);
      if (!logged || logged.length === 0) continue;
      await putParsedRowsAt(this.tx, entity, [...(this.tableRows.get(entity)?.values() ?? [])], logged);
    }
    await this.versions.settle();
    await this.references.settle();
    // Last: the audit lock is held to commit, so other pushes' entries wait as little as possible.
    for (const entry of this.audits) await appendAudit(this.tx, entry);
  }
}

/**
 * A sequence drawn from only under the change-log lock (versions, official references): the run
 * takes its first value from the database and the following ones locally, then moves the
 * sequence past the last one it used, so numbers stay gap-free and in order as with nextval.
 */
class LockedSequence {
  private next: number | null = null;
  private first = 0;

  constructor(private readonly tx: Store, private readonly name: LockedSequenceName) {}

  async take(count: number): Promise<number[]> {
    if (count === 0) return [];
    if (this.next === null) {
      this.first = await nextValue(this.tx, this.name);
      this.next = this.first;
    }
    const start = this.next;
    this.next += count;
    return Array.from({ length: count }, (_, i) => start + i);
  }

  async settle(): Promise<void> {
    if (this.next !== null && this.next - 1 > this.first) await setSequence(this.tx, this.name, this.next - 1);
  }
}
