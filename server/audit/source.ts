// Where a request came from, as the audit log records it: the desktop install and the address.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

/** Desktops name their install with this header (their sync client id) so entries say which desk. */
export const AUDIT_CLIENT_HEADER = 'x-frontdesk-client';
const ClientIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/);

export function auditSource(request: FastifyRequest): { clientId: string | null; ip: string } {
  const clientId = ClientIdSchema.safeParse(request.headers[AUDIT_CLIENT_HEADER]);
  return { clientId: clientId.success ? clientId.data : null, ip: request.ip };
}
