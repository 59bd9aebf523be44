// Admins' view of the audit log: search (newest first, a page at a time) and a CSV export of
// everything matching, in chain order with the hashes so a copy can be checked later. The export
// is itself audited before the first byte goes out.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import { signedInAgentId } from '../routes/auth.js';
import { AUDIT_PAGE_LIMIT_MAX, AuditFiltersSchema, type AuditEntry } from '../../shared/audit-api.js';
import { appendAudit, auditEntriesInOrder, searchAudit } from './audit-log.js';
import { auditSource } from './source.js';

const SearchQuerySchema = AuditFiltersSchema.extend({
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_LIMIT_MAX).default(100),
  cursor: z.coerce.number().int().min(1).optional(),
}).strict();
const ExportQuerySchema = AuditFiltersSchema.strict();

const AUDIT_ACCESS = { config: { access: 'audit.read' } } as const;

export const AUDIT_CSV_COLUMNS = ['seq', 'at', 'recorded_at', 'agent_id', 'action', 'object_type', 'object_id', 'details', 'client_id', 'ip', 'prev_hash', 'hash'] as const;

/**
 * One CSV cell (RFC 4180 quoting). A cell a spreadsheet would run as a formula gets a leading
 * apostrophe, so an id typed by someone cannot become a formula in an admin's spreadsheet.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(entry: AuditEntry): string {
  const cells = [entry.seq, entry.at, entry.recordedAt, entry.agentId, entry.action, entry.objectType, entry.objectId,
    entry.details, entry.clientId, entry.ip, entry.prevHash, entry.hash];
  return `${cells.map((cell) => csvCell(typeof cell === 'number' ? String(cell) : cell)).join(',')}\r\n`;
}

export function registerAuditRoutes(scope: FastifyInstance, context: ServerContext): void {
  scope.get('/audit', AUDIT_ACCESS, async (request) => {
    const { limit, cursor, ...filters } = parseInput(SearchQuerySchema, request.query);
    return searchAudit(context.store, filters, { limit, ...(cursor === undefined ? {} : { cursor }) });
  });

  scope.get('/audit/export.csv', AUDIT_ACCESS, async (request, reply) => {
    const adminId = signedInAgentId(request);
    const filters = parseInput(ExportQuerySchema, request.query);
    await appendAudit(context.store, { agentId: adminId, action: 'audit.export', details: { filters }, ...auditSource(request) });
    async function* lines(): AsyncGenerator<string> {
      yield `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
      for await (const entry of auditEntriesInOrder(context.store, filters)) yield csvRow(entry);
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="frontdesk311-audit-${stamp}.csv"`)
      .send(Readable.from(lines()));
  });
}
