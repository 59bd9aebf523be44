// Reads and writes synced records in their cache tables, one prepared statement per operation.
// The pull, the mutations' local effects and the rebase all go through here, so a record is
// stored the same way whoever writes it.
import type { CacheDatabase as Database, CacheStatement as Statement } from './open-cache.js';
import type { CaseConflict, CaseNote } from '../../../shared/domain/case-history.js';
import type { Caller } from '../../../shared/domain/caller.js';
import type { Neighborhood } from '../../../shared/domain/neighborhood.js';
import type { ServiceRequest } from '../../../shared/domain/service-request.js';
import type { ServiceType } from '../../../shared/domain/service-type.js';
import type { SyncedEntity } from '../../../shared/sync-protocol.js';
import { TriageRecordRowSchema, type PublishedProtocol, type TriageRecordRow } from '../../../shared/triage/published.js';
import {
  callerFromColumns, callerToValues, caseConflictFromColumns, caseConflictToColumns, caseNoteFromColumns, caseNoteToColumns,
  neighborhoodToColumns, serviceRequestFromColumns, serviceRequestToValues, serviceTypeToColumns,
  CALLER_COLUMNS, SERVICE_REQUEST_COLUMNS,
  type CallerColumns, type CaseConflictColumns, type CaseNoteColumns, type ServiceRequestColumns,
} from './rows.js';

export interface SyncedRecords {
  service_type: ServiceType;
  neighborhood: Neighborhood;
  caller: Caller;
  service_request: ServiceRequest;
  case_note: CaseNote;
  case_conflict: CaseConflict;
  triage_protocol: PublishedProtocol;
  triage_record: TriageRecordRow;
}

/** The entities a desk mutation can touch, and so the ones the rebase tracks. */
export type MutableEntity = 'caller' | 'service_request' | 'case_note' | 'case_conflict' | 'triage_record';

export interface RowStore {
  put<E extends SyncedEntity>(entity: E, row: SyncedRecords[E]): void;
  del(entity: SyncedEntity, id: string): void;
  get<E extends MutableEntity>(entity: E, id: string): SyncedRecords[E] | null;
}

interface Statements {
  put: Record<SyncedEntity, Statement>;
  del: Record<SyncedEntity, Statement>;
  clearPhones: Statement;
  putPhone: Statement;
  getCaller: Statement;
  phonesOf: Statement;
  getServiceRequest: Statement;
  getNote: Statement;
  getConflict: Statement;
  getTriageRecord: Statement;
}

// Prepared once per connection; a first sync writes millions of rows through these.
const preparedByDb = new WeakMap<Database, RowStore>();

export function rowStoreFor(db: Database): RowStore {
  const cached = preparedByDb.get(db);
  if (cached) return cached;
  const s = prepare(db);
  const store: RowStore = {
    put(entity, row) {
      switch (entity) {
        case 'service_type':
          s.put.service_type.run(serviceTypeToColumns(row as ServiceType));
          return;
        case 'neighborhood':
          s.put.neighborhood.run(neighborhoodToColumns(row as Neighborhood));
          return;
        case 'caller': {
          const caller = row as Caller;
          s.put.caller.run(callerToValues(caller));
          s.clearPhones.run(caller.id);
          caller.phones.forEach((e164, position) => s.putPhone.run(caller.id, position, e164));
          return;
        }
        case 'service_request':
          s.put.service_request.run(serviceRequestToValues(row as ServiceRequest));
          return;
        case 'case_note':
          s.put.case_note.run(caseNoteToColumns(row as CaseNote));
          return;
        case 'case_conflict':
          s.put.case_conflict.run(caseConflictToColumns(row as CaseConflict));
          return;
        case 'triage_protocol': {
          const published = row as PublishedProtocol;
          s.put.triage_protocol.run({
            key: published.key, id: published.id, version: published.version, effective_from: published.effectiveFrom,
            json: JSON.stringify(published),
          });
          return;
        }
        case 'triage_record': {
          const record = row as TriageRecordRow;
          s.put.triage_record.run({
            id: record.id, case_id: record.caseId, call_id: record.callId, started_at: record.startedAt, json: JSON.stringify(record),
          });
          return;
        }
      }
    },
    del(entity, id) {
      s.del[entity].run(id);
    },
    get(entity, id) {
      switch (entity) {
        case 'caller': {
          const row = s.getCaller.get(id) as CallerColumns | undefined;
          if (!row) return null;
          const phones = (s.phonesOf.all(id) as { e164: string }[]).map((phone) => phone.e164);
          return callerFromColumns(row, phones) as SyncedRecords[typeof entity];
        }
        case 'service_request': {
          const row = s.getServiceRequest.get(id) as ServiceRequestColumns | undefined;
          return (row ? serviceRequestFromColumns(row) : null) as SyncedRecords[typeof entity] | null;
        }
        case 'case_note': {
          const row = s.getNote.get(id) as CaseNoteColumns | undefined;
          return (row ? caseNoteFromColumns(row) : null) as SyncedRecords[typeof entity] | null;
        }
        case 'triage_record': {
          const row = s.getTriageRecord.get(id) as { json: string } | undefined;
          return (row ? TriageRecordRowSchema.parse(JSON.parse(row.json)) : null) as SyncedRecords[typeof entity] | null;
        }
        default: {
          const row = s.getConflict.get(id) as CaseConflictColumns | undefined;
          return (row ? caseConflictFromColumns(row) : null) as SyncedRecords[typeof entity] | null;
        }
      }
    },
  };
  preparedByDb.set(db, store);
  return store;
}

function prepare(db: Database): Statements {
  // `byPosition`: values bound in column order (the bulk entities), else by name.
  const upsert = (table: string, key: string, columns: readonly string[], byPosition = false) =>
    db.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => (byPosition ? '?' : `@${c}`)).join(', ')})
       ON CONFLICT (${key}) DO UPDATE SET ${columns.filter((c) => c !== key).map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
  return {
    put: {
      service_type: upsert('service_types', 'code', ['code', 'name', 'agency', 'active', 'needs_location']),
      neighborhood: upsert('neighborhoods', 'id', ['id', 'name', 'label_lat', 'label_lon']),
      caller: upsert('callers', 'id', CALLER_COLUMNS, true),
      service_request: upsert('service_requests', 'id', SERVICE_REQUEST_COLUMNS, true),
      case_note: upsert('case_notes', 'id', ['id', 'case_id', 'text', 'author_agent_id', 'created_at']),
      case_conflict: upsert('case_conflicts', 'id', ['id', 'case_id', 'resolved_at', 'record']),
      triage_protocol: upsert('triage_protocols', 'key', ['key', 'id', 'version', 'effective_from', 'json']),
      triage_record: upsert('triage_records', 'id', ['id', 'case_id', 'call_id', 'started_at', 'json']),
    },
    del: {
      service_type: db.prepare('DELETE FROM service_types WHERE code = ?'),
      neighborhood: db.prepare('DELETE FROM neighborhoods WHERE id = ?'),
      // caller_phones follow through ON DELETE CASCADE.
      caller: db.prepare('DELETE FROM callers WHERE id = ?'),
      service_request: db.prepare('DELETE FROM service_requests WHERE id = ?'),
      case_note: db.prepare('DELETE FROM case_notes WHERE id = ?'),
      case_conflict: db.prepare('DELETE FROM case_conflicts WHERE id = ?'),
      triage_protocol: db.prepare('DELETE FROM triage_protocols WHERE key = ?'),
      triage_record: db.prepare('DELETE FROM triage_records WHERE id = ?'),
    },
    clearPhones: db.prepare('DELETE FROM caller_phones WHERE caller_id = ?'),
    putPhone: db.prepare('INSERT INTO caller_phones (caller_id, position, e164) VALUES (?, ?, ?)'),
    getCaller: db.prepare('SELECT * FROM callers WHERE id = ?'),
    phonesOf: db.prepare('SELECT e164 FROM caller_phones WHERE caller_id = ? ORDER BY position'),
    getServiceRequest: db.prepare(`SELECT ${SERVICE_REQUEST_COLUMNS.join(', ')} FROM service_requests WHERE id = ?`),
    getNote: db.prepare('SELECT * FROM case_notes WHERE id = ?'),
    getConflict: db.prepare('SELECT * FROM case_conflicts WHERE id = ?'),
    getTriageRecord: db.prepare('SELECT json FROM triage_records WHERE id = ?'),
  };
}
