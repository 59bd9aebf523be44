// The DeskApi methods of the admins' audit view: search and export are forwarded to the server,
// which checks the role (FORBIDDEN passes through) and audits each export. Nothing of the audit
// log is cached on the desk, so both need the server: offline, they fail at once.
import {
  AUDIT_EXPORT_MAX_BYTES, AUDIT_PATH, AuditPageSchema, auditQuery,
} from '../../../shared/audit-api.js';
import type { DeskApi } from '../../../shared/desk-api.js';
import { DeskFailure } from '../../../shared/errors.js';
import type { ServerSession } from '../sync/server-session.js';

export type AuditDeskMethods = Pick<DeskApi, 'searchAudit' | 'exportAudit'>;

export interface AuditDeskParts {
  session: Pick<ServerSession, 'forward' | 'forwardText'>;
  /** The sync loop's verdict: when it says offline, a request would only wait for its timeout. */
  offlineSince: () => string | null;
  now?: () => Date;
  /** Above this the export is refused (AUDIT_EXPORT_MAX_BYTES unless a test says otherwise). */
  maxExportBytes?: number;
}

export function createAuditDesk({ session, offlineSince, now = () => new Date(), maxExportBytes = AUDIT_EXPORT_MAX_BYTES }: AuditDeskParts): AuditDeskMethods {
  const online = <T>(what: string, run: () => Promise<T>): Promise<T> => {
    const since = offlineSince();
    if (since !== null) {
      return Promise.reject(
        new DeskFailure('SERVER_UNREACHABLE', `Cannot ${what}: the central server has been unreachable since ${since}. The audit log is only on the server.`, { offlineSince: since }),
      );
    }
    return run();
  };

  return {
    searchAudit: ({ limit, cursor, ...filters }) =>
      online('search the audit log', () =>
        // The server's own default page size applies when `limit` is absent.
        session.forward('GET', AUDIT_PATH + auditQuery(filters, { limit, cursor }), undefined, AuditPageSchema, 'audit page')),
    exportAudit: (filters) =>
      online('export the audit log', async () => {
        const fileName = `frontdesk311-audit-${now().toISOString().replace(/[:.]/g, '-')}.csv`;
        try {
          return { fileName, csv: await session.forwardText(`${AUDIT_PATH}/export.csv${auditQuery(filters)}`, maxExportBytes) };
        } catch (error) {
          if (!(error instanceof DeskFailure) || error.code !== 'EXPORT_TOO_LARGE') throw error;
          throw new DeskFailure('EXPORT_TOO_LARGE', `The export is larger than ${sizeInWords(maxExportBytes)}, too large to bring to this desk: narrow the filters (a shorter period, one agent or one action) and export again.`, { maxBytes: maxExportBytes });
        }
      }),
  };
}

function sizeInWords(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;
}
