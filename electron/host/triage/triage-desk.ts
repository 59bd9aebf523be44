// The DeskApi methods of triage: protocols from the cache (every published version, so a run can
// start and finish offline on the version it began with), publishing through the server, and a
// finished run's record as an outbox mutation written with its local effect.
import type { CacheDatabase as Database } from '../cache/open-cache.js';
import { v7 as uuidv7 } from 'uuid';
import type { DeskApi } from '../../../shared/desk-api.js';
import { DeskFailure } from '../../../shared/errors.js';
import { PublishedProtocolSchema, type PublishedProtocol } from '../../../shared/triage/published.js';
import type { Outbox } from '../outbox/outbox.js';
import type { ServerSession } from '../sync/server-session.js';

export type TriageDeskMethods = Pick<DeskApi, 'listTriageProtocols' | 'publishTriageProtocol' | 'recordTriage'>;

export interface TriageDeskParts {
  db: Database;
  outbox: Outbox;
  session: Pick<ServerSession, 'publishTriageProtocol'>;
  now: () => Date;
  /** After a local change or a publication: push or pull soon, tell the renderer. */
  changed(caseIds: string[]): void;
}

export function createTriageDesk(parts: TriageDeskParts): TriageDeskMethods {
  const all = parts.db.prepare('SELECT json FROM triage_protocols ORDER BY id, version');
  const rows = parts.outbox.context.rows;

  return {
    async listTriageProtocols() {
      return (all.all() as Array<{ json: string }>).map((row) => PublishedProtocolSchema.parse(JSON.parse(row.json)) as PublishedProtocol);
    },

    async publishTriageProtocol({ document, effectiveFrom }) {
      const published = await parts.session.publishTriageProtocol(document, effectiveFrom ?? null);
      // The new version reaches this cache with the next pull, like any other desk's.
      parts.changed([]);
      return published;
    },

    async recordTriage({ record, caseId, callId }) {
      if (caseId !== null && !rows.get('service_request', caseId)) throw new DeskFailure('NOT_FOUND', `No case ${caseId} on this desk.`);
      if (record.status === 'asking') throw new DeskFailure('INVALID_INPUT', 'A triage run is recorded once it has ended.');
      const id = uuidv7();
      parts.outbox.record('recordTriage', { id, caseId, callId, record }, parts.now().toISOString());
      parts.changed(caseId ? [caseId] : []);
      const stored = rows.get('triage_record', id);
      if (!stored) throw new DeskFailure('INTERNAL', 'The triage record was not kept locally.');
      return stored;
    },
  };
}
