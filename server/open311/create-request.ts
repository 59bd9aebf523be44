// POST requests: a partner app files a case. It goes through the sync push's own createCase and
// addNote, in one transaction with the audit entry, so desks pull it like any case an agent made
// (channel open311). The resident's contact details go into an internal note for agents; they
// are never part of the public record.
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { makeProvisionalReference, MutationArgs, type MutationArgsOf } from '../../shared/mutations.js';
import { normalizePhone } from '../../shared/phone.js';
import { appendAudit } from '../audit/audit-log.js';
import { findNeighborhood, findZipcode } from '../demo-data/reference-data.js';
import { HttpFailure } from '../http/errors.js';
import type { Store } from '../store/store.js';
import { APPLY_MUTATION, MutationRejected, type MutationContext } from '../sync/apply-mutation.js';
import { directWorkspace } from '../sync/workspace.js';
import type { Open311ApiKey } from './api-keys.js';

/** Who an Open311 write is by, in field origins and note authors: no agent, the API. */
export const OPEN311_AGENT_ID = 'open311';

const Decimal = z.union([z.number(), z.string().trim().regex(/^[-+]?\d{1,3}(\.\d{1,12})?$/, 'must be a decimal number').transform(Number)]);
const Text = (max: number) => z.string().trim().max(max);

/**
 * The spec's POST arguments. Form fields arrive as strings (empty ones are dropped first, as a
 * form that leaves a field blank means "not given"); JSON bodies may send numbers. Fields the
 * spec has and we do not use (attribute[…] of services without attributes) are ignored.
 */
export const PostRequestSchema = z
  .object({
    api_key: z.string().max(200),
    jurisdiction_id: Text(100).optional(),
    service_code: z.string().regex(/^[a-z0-9-]{1,80}$/, 'not a service code'),
    lat: Decimal.pipe(z.number().min(-90).max(90)).optional(),
    long: Decimal.pipe(z.number().min(-180).max(180)).optional(),
    address_string: Text(300).min(1).optional(),
    address_id: Text(100).optional(),
    email: z.email().max(254).optional(),
    device_id: Text(100).optional(),
    account_id: Text(100).optional(),
    first_name: Text(100).optional(),
    last_name: Text(100).optional(),
    phone: Text(40).optional(),
    description: Text(4000).optional(),
    media_url: z.url({ protocol: /^https?$/ }).max(1000).optional(),
  })
  .superRefine((body, issues) => {
    if ((body.lat === undefined) !== (body.long === undefined)) {
      issues.addIssue({ code: 'custom', path: ['lat'], message: 'lat and long go together' });
    }
    if (body.lat === undefined && body.address_string === undefined) {
      issues.addIssue({
        code: 'custom',
        path: ['lat'],
        message: body.address_id === undefined
          ? 'a location is required: lat and long, or address_string'
          : 'address_id is not supported here: send lat and long, or address_string',
      });
    }
    if (body.phone !== undefined && !normalizePhone(body.phone).ok) issues.addIssue({ code: 'custom', path: ['phone'], message: 'not a valid phone number' });
  });
export type PostRequest = z.infer<typeof PostRequestSchema>;

/** A form body with blank fields removed; anything that is not an object is left for the schema to refuse. */
export function withoutBlankFields(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== ''));
}

export interface CreatedRequest {
  caseId: string;
  serviceRequestId: string;
}

async function requireActiveServiceType(store: Store, code: string): Promise<void> {
  const [row] = await store.query<{ active: boolean }>('SELECT active FROM service_types WHERE code = $1', [code]);
  if (!row?.active) throw new HttpFailure(400, 'INVALID_INPUT', `service_code "${code}" is not a service that takes requests (see services.json)`);
}

/** A place in the city: its neighborhood and ZIP code, or a refusal for a point outside it. */
function placeOf(body: PostRequest): { neighborhoodId: string | null; zipcode: string | null } {
  const zipFromAddress = /\b(\d{5})(?:-\d{4})?\s*$/.exec(body.address_string ?? '')?.[1] ?? null;
  if (body.lat === undefined || body.long === undefined) return { neighborhoodId: null, zipcode: zipFromAddress };
  const neighborhood = findNeighborhood(body.lat, body.long);
  if (!neighborhood) throw new HttpFailure(400, 'INVALID_INPUT', 'lat/long is outside the area this jurisdiction serves');
  return { neighborhoodId: neighborhood.id, zipcode: findZipcode(body.lat, body.long) ?? zipFromAddress };
}

/** What agents read on the case: which app filed it and how to reach the resident. */
function intakeNote(key: Open311ApiKey, body: PostRequest): string {
  const phone = body.phone === undefined ? null : normalizePhone(body.phone);
  const name = [body.first_name, body.last_name].filter(Boolean).join(' ');
  const contact = [
    name && `name ${name}`,
    body.email && `email ${body.email}`,
    phone?.ok && `phone ${phone.e164}`,
    body.account_id && `account ${body.account_id}`,
    body.device_id && `device ${body.device_id}`,
  ].filter(Boolean);
  const lines = [`Filed through Open311 by ${key.name}.`];
  if (contact.length > 0) lines.push(`Contact: ${contact.join('; ')}.`);
  if (body.media_url) lines.push(`Photo: ${body.media_url}`);
  return lines.join('\n');
}

/** Files the case, its intake note and the audit entry in one transaction. */
export async function createOpen311Request(
  store: Store,
  key: Open311ApiKey,
  body: PostRequest,
  source: { ip: string },
): Promise<CreatedRequest> {
  await requireActiveServiceType(store, body.service_code);
  const place = placeOf(body);
  const now = new Date().toISOString();
  const args: MutationArgsOf<'createCase'> = MutationArgs.createCase.parse({
    id: randomUUID(),
    // The schema wants one; an Open311 client is given the official number instead, never this.
    provisionalReference: makeProvisionalReference(randomBytes(5)),
    callerId: null,
    serviceTypeCode: body.service_code,
    channel: 'open311',
    description: body.description ?? '',
    address: body.address_string ?? null,
    zipcode: place.zipcode,
    neighborhoodId: place.neighborhoodId,
    lat: body.lat ?? null,
    lon: body.long ?? null,
    requestedAt: now,
    priority: 'standard',
  });
  try {
    return await store.transaction(async (tx) => {
      const [submission] = await tx.query<{ id: number }>("SELECT nextval('open311_submissions_id_seq')::int8 AS id");
      const context: MutationContext = {
        origin: { agentId: OPEN311_AGENT_ID, clientId: `open311:${key.id}`, mutationId: Number(submission?.id), at: now },
        now,
        // Partners file cases as a call-taker does at intake; createCase and addNote ask nothing more of the actor.
        actor: { id: OPEN311_AGENT_ID, role: 'call_taker', departments: null },
      };
      const ws = directWorkspace(tx);
      await APPLY_MUTATION.createCase(ws, context, args);
      await APPLY_MUTATION.addNote(ws, context, { id: randomUUID(), caseId: args.id, text: intakeNote(key, body) });
      await tx.query('INSERT INTO open311_submissions (id, api_key_id, case_id) VALUES ($1, $2, $3)', [submission?.id, key.id, args.id]);
      const [created] = await tx.query<{ reference: string }>('SELECT reference FROM service_requests WHERE id = $1', [args.id]);
      const serviceRequestId = created?.reference as string;
      await appendAudit(tx, {
        agentId: null,
        action: 'open311.request_created',
        objectType: 'service_request',
        objectId: args.id,
        details: { apiKeyId: key.id, serviceCode: body.service_code, serviceRequestId },
        clientId: `open311:${key.id}`,
        ip: source.ip,
      });
      return { caseId: args.id, serviceRequestId };
    });
  } catch (error) {
    if (error instanceof MutationRejected) throw new HttpFailure(400, 'INVALID_INPUT', error.message);
    throw error;
  }
}
