// Applies one page of a pull to the cache: every row is parsed with its entity's schema first,
// then all changes and the new cursor are written in one transaction, so a bad page changes
// nothing and a crash never leaves rows without the cursor that covers them.
import type { Database, Statement } from 'better-sqlite3';
import { DeskFailure, formatZodError } from '../../../shared/errors.js';
import type { Caller } from '../../../shared/domain/caller.js';
import type { Neighborhood } from '../../../shared/domain/neighborhood.js';
import type { ServiceRequest } from '../../../shared/domain/service-request.js';
import type { ServiceType } from '../../../shared/domain/service-type.js';
import { parseSyncedRow, type PullResponse, type SyncedEntity } from '../../../shared/sync-protocol.js';
import { z } from 'zod';
import { callerToColumns, neighborhoodToColumns, serviceRequestToColumns, serviceTypeToColumns } from '../cache/rows.js';

type ParsedChange =
  | { op: 'put'; entity: 'service_type'; row: ServiceType }
  | { op: 'put'; entity: 'neighborhood'; row: Neighborhood }
  | { op: 'put'; entity: 'caller'; row: Caller }
  | { op: 'put'; entity: 'service_request'; row: ServiceRequest }
  | { op: 'del'; entity: SyncedEntity; id: string };

export interface AppliedPage {
  puts: number;
  deletes: number;
  cursor: number;
  headVersion: number;
}

export interface ApplyPullPageOptions {
  /** Recorded as the last successful exchange; left alone when omitted. */
  syncedAt?: string;
}

export function applyPullPage(db: Database, page: PullResponse, options: ApplyPullPageOptions = {}): AppliedPage {
  const parsed = page.changes.map(parseChange);
  const statements = statementsFor(db);
  let puts = 0;
  let deletes = 0;
  db.transaction(() => {
    for (const change of parsed) {
      if (change.op === 'del') {
        statements.delete[change.entity].run(change.id);
        deletes += 1;
      } else {
        writeRow(statements, change);
        puts += 1;
      }
    }
    statements.saveState.run({
      cursor: page.cursor,
      head_version: page.headVersion,
      last_mutation_id: page.lastMutationId,
      last_synced_at: options.syncedAt ?? null,
    });
  }).immediate();
  return { puts, deletes, cursor: page.cursor, headVersion: page.headVersion };
}

function parseChange(change: PullResponse['changes'][number], index: number): ParsedChange {
  if (change.op === 'del') return { op: 'del', entity: change.entity, id: change.id };
  let row: ServiceType | Neighborhood | Caller | ServiceRequest;
  try {
    row = parseSyncedRow(change.entity, change.row);
  } catch (error) {
    const why = error instanceof z.ZodError ? formatZodError(error) : String(error);
    throw new DeskFailure('SERVER_ERROR', `The server sent an invalid ${change.entity} row (change ${index}, id ${change.id}): ${why}`);
  }
  const key = 'code' in row ? row.code : row.id;
  if (key !== change.id) {
    throw new DeskFailure('SERVER_ERROR', `The server sent a ${change.entity} change for ${change.id} whose row is ${key}.`);
  }
  return { op: 'put', entity: change.entity, row } as ParsedChange;
}

function writeRow(statements: PageStatements, change: Exclude<ParsedChange, { op: 'del' }>): void {
  switch (change.entity) {
    case 'service_type':
      statements.putServiceType.run(serviceTypeToColumns(change.row));
      return;
    case 'neighborhood':
      statements.putNeighborhood.run(neighborhoodToColumns(change.row));
      return;
    case 'caller': {
      statements.putCaller.run(callerToColumns(change.row));
      statements.clearPhones.run(change.row.id);
      change.row.phones.forEach((e164, position) => statements.putPhone.run(change.row.id, position, e164));
      return;
    }
    case 'service_request':
      statements.putServiceRequest.run(serviceRequestToColumns(change.row));
      return;
  }
}

interface PageStatements {
  putServiceType: Statement;
  putNeighborhood: Statement;
  putCaller: Statement;
  clearPhones: Statement;
  putPhone: Statement;
  putServiceRequest: Statement;
  delete: Record<SyncedEntity, Statement>;
  saveState: Statement;
}

// Prepared once per connection; a first sync applies hundreds of pages.
const preparedByDb = new WeakMap<Database, PageStatements>();

function statementsFor(db: Database): PageStatements {
  const cached = preparedByDb.get(db);
  if (cached) return cached;
  const upsert = (table: string, key: string, columns: string[]) =>
    db.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})
       ON CONFLICT (${key}) DO UPDATE SET ${columns.filter((c) => c !== key).map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
  const statements: PageStatements = {
    putServiceType: upsert('service_types', 'code', ['code', 'name', 'agency', 'active', 'needs_location']),
    putNeighborhood: upsert('neighborhoods', 'id', ['id', 'name', 'label_lat', 'label_lon']),
    putCaller: upsert('callers', 'id', [
      'id', 'name', 'email', 'address', 'zipcode', 'neighborhood_id', 'lat', 'lon', 'preferred_language', 'created_at', 'updated_at',
    ]),
    clearPhones: db.prepare('DELETE FROM caller_phones WHERE caller_id = ?'),
    putPhone: db.prepare('INSERT INTO caller_phones (caller_id, position, e164) VALUES (?, ?, ?)'),
    putServiceRequest: upsert('service_requests', 'id', [
      'id', 'reference', 'caller_id', 'service_type_code', 'status', 'channel', 'description', 'address', 'zipcode',
      'neighborhood_id', 'lat', 'lon', 'agency', 'requested_at', 'requested_ms', 'updated_at', 'closed_at',
    ]),
    delete: {
      service_type: db.prepare('DELETE FROM service_types WHERE code = ?'),
      neighborhood: db.prepare('DELETE FROM neighborhoods WHERE id = ?'),
      // caller_phones follow through ON DELETE CASCADE.
      caller: db.prepare('DELETE FROM callers WHERE id = ?'),
      service_request: db.prepare('DELETE FROM service_requests WHERE id = ?'),
    },
    saveState: db.prepare(
      `UPDATE sync_state SET cursor = @cursor, head_version = @head_version, last_mutation_id = @last_mutation_id,
         last_synced_at = coalesce(@last_synced_at, last_synced_at) WHERE id = 1`,
    ),
  };
  preparedByDb.set(db, statements);
  return statements;
}
