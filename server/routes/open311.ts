// Open311 GeoReport v2 under /open311/v2 (services, service definitions, requests; .json and
// .xml) and the public transparency page at /public. Every route is public: GETs show cases with
// the caller left out and places generalized (server/open311/privacy.ts); POST requests needs a
// partner's api key instead of an agent's token. Errors take the spec's form, [{code, description}].
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpFailure, parseInput } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import { OPEN311_KEY_RATE_LIMIT } from '../http/security.js';
import { findActiveApiKey, type Open311ApiKey } from '../open311/api-keys.js';
import { listServices, serviceDefinition } from '../open311/catalogue.js';
import { createOpen311Request, PostRequestSchema, withoutBlankFields } from '../open311/create-request.js';
import { formatOfUrl, OPEN311_FORMATS, renderList, renderObject, sendOpen311, sendOpen311Error } from '../open311/format.js';
import { findPublicRequest, RequestIdSchema, RequestsQuerySchema, searchPublicRequests } from '../open311/requests.js';
import { renderTransparencyPage, TRANSPARENCY_CSP, transparencyReport } from '../open311/transparency.js';
import type { Store } from '../store/store.js';

export const OPEN311_PREFIX = '/open311/v2';

const PUBLIC = { config: { access: 'public' } } as const;

/** Queries of routes with no filters: the spec's jurisdiction_id (one jurisdiction here, so any); other keys are ignored. */
const PlainQuerySchema = z.object({ jurisdiction_id: z.string().max(100).optional() });
const ServiceCodeParamsSchema = z.object({ service_code: z.string().regex(/^[a-z0-9-]{1,80}$/, 'not a service code') });
const RequestParamsSchema = z.object({ service_request_id: RequestIdSchema });

/** 403 in the spec's form unless the body names a key that is known and not revoked. */
async function requireApiKey(store: Store, body: unknown): Promise<Open311ApiKey> {
  const key = (body as { api_key?: unknown } | null | undefined)?.api_key;
  if (typeof key !== 'string' || key === '') throw new HttpFailure(403, 'FORBIDDEN', 'api_key is required to post a service request');
  const found = await findActiveApiKey(store, key);
  if (!found) throw new HttpFailure(403, 'FORBIDDEN', 'api_key is not valid (unknown or revoked)');
  return found;
}

function registerApi(scope: FastifyInstance, context: ServerContext): void {
  const { store } = context;
  scope.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const format = formatOfUrl(request.url);
    if (error instanceof HttpFailure) return sendOpen311Error(reply, format, error.statusCode, error.message);
    const status = (error as FastifyError).statusCode;
    // Fastify's own 4xx: unparseable JSON, an unsupported content type, a body too large.
    if (typeof status === 'number' && status >= 400 && status < 500) return sendOpen311Error(reply, format, status, error.message);
    request.log.error({ err: error }, 'unhandled error');
    return sendOpen311Error(reply, format, 500, 'an unexpected error happened');
  });
  scope.setNotFoundHandler((request, reply) =>
    sendOpen311Error(reply, formatOfUrl(request.url), 404, `no resource ${request.url.split('?')[0] ?? ''}: see ${OPEN311_PREFIX}/services.json`),
  );

  // Counted per address by the `open311-post` policy before the body is read; per key here, once the key is known.
  const keyIds = new WeakMap<FastifyRequest, string>();
  const perKeyLimit = scope.createRateLimit({
    max: OPEN311_KEY_RATE_LIMIT.max,
    timeWindow: OPEN311_KEY_RATE_LIMIT.windowMs,
    keyGenerator: (request) => `${OPEN311_KEY_RATE_LIMIT.name}|${keyIds.get(request) ?? ''}`,
  });

  for (const format of OPEN311_FORMATS) {
    scope.get(`/services.${format}`, PUBLIC, async (request, reply) => {
      parseInput(PlainQuerySchema, request.query);
      return sendOpen311(reply, format, 200, renderList(format, 'services', 'service', await listServices(store)));
    });

    scope.get(`/services/:service_code.${format}`, PUBLIC, async (request, reply) => {
      parseInput(PlainQuerySchema, request.query);
      const { service_code: code } = parseInput(ServiceCodeParamsSchema, request.params);
      const definition = await serviceDefinition(store, code);
      if (!definition) throw new HttpFailure(404, 'NOT_FOUND', `service_code "${code}" was not found`);
      return sendOpen311(reply, format, 200, renderObject(format, 'service_definition', definition));
    });

    scope.get(`/requests.${format}`, PUBLIC, async (request, reply) => {
      const query = parseInput(RequestsQuerySchema, request.query);
      return sendOpen311(reply, format, 200, renderList(format, 'service_requests', 'request', await searchPublicRequests(store, query)));
    });

    scope.get(`/requests/:service_request_id.${format}`, PUBLIC, async (request, reply) => {
      parseInput(PlainQuerySchema, request.query);
      const { service_request_id: id } = parseInput(RequestParamsSchema, request.params);
      const found = await findPublicRequest(store, id);
      if (!found) throw new HttpFailure(404, 'NOT_FOUND', `service_request_id "${id}" was not found`);
      return sendOpen311(reply, format, 200, renderList(format, 'service_requests', 'request', [found]));
    });

    // Form-encoded as the spec says, or JSON. Answered with the official number at once (no tokens).
    scope.post(`/requests.${format}`, PUBLIC, async (request, reply) => {
      const key = await requireApiKey(store, request.body);
      keyIds.set(request, key.id);
      const limit = await perKeyLimit(request);
      if (!limit.isAllowed && limit.isExceeded) {
        reply.header('retry-after', limit.ttlInSeconds);
        throw new HttpFailure(429, 'RATE_LIMITED', `too many requests for this api_key: at most ${limit.max} a minute; try again in ${limit.ttlInSeconds} s`);
      }
      const body = parseInput(PostRequestSchema, withoutBlankFields(request.body));
      const created = await createOpen311Request(store, key, body, { ip: request.ip });
      // Committed: desks pull the new case now rather than at their next poll.
      context.notifier.changed();
      const answer = { service_request_id: created.serviceRequestId, service_notice: null, account_id: body.account_id ?? null };
      return sendOpen311(reply, format, 201, renderList(format, 'service_requests', 'request', [answer]));
    });
  }
}

export async function registerOpen311Routes(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.get('/public', PUBLIC, async (_request, reply) => {
    const page = renderTransparencyPage(await transparencyReport(context.store), OPEN311_PREFIX);
    return reply.header('content-security-policy', TRANSPARENCY_CSP).type('text/html; charset=utf-8').send(page);
  });
  await app.register(async (scope) => registerApi(scope, context), { prefix: OPEN311_PREFIX });
}
