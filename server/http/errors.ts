// HTTP errors as `{ error: { code, message } }` with a code from shared/errors.ts, for every
// route, unknown paths and failures Fastify itself raises (bad JSON, wrong content type).
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { DeskFailure, formatZodError, toDeskError, type ErrorCode } from '../../shared/errors.js';

/** A catalogue error that also says which HTTP status to answer with. */
export class HttpFailure extends DeskFailure {
  constructor(
    readonly statusCode: number,
    code: ErrorCode,
    message?: string,
  ) {
    super(code, message);
  }
}

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  INVALID_PHONE: 400,
  SYNC_PROTOCOL_MISMATCH: 400,
  NOT_FOUND: 404,
  CALL_NOT_FOUND: 404,
  CALL_NOT_YOURS: 403,
  STATE_CONFLICT: 409,
  TWILIO_SIGNATURE_INVALID: 403,
  AGENT_UNAVAILABLE: 409,
  SERVER_ERROR: 502,
};

export function sendError(reply: FastifyReply, statusCode: number, code: ErrorCode, message: string): FastifyReply {
  return reply.code(statusCode).type('application/json').send({ error: { code, message } });
}

/** Parses a body or query with its schema, or fails with 400 INVALID_INPUT. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpFailure(400, 'INVALID_INPUT', formatZodError(parsed.error));
  return parsed.data;
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | DeskFailure | Error, request, reply) => {
    if (error instanceof HttpFailure) return sendError(reply, error.statusCode, error.code, error.message);
    if (error instanceof DeskFailure) return sendError(reply, STATUS_BY_CODE[error.code] ?? 500, error.code, error.message);
    const status = (error as FastifyError).statusCode;
    // Fastify's own 4xx: unparseable JSON, unsupported content type, body too large.
    if (typeof status === 'number' && status >= 400 && status < 500) return sendError(reply, status, 'INVALID_INPUT', error.message);
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 500, 'INTERNAL', toDeskError(error).message);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
}
