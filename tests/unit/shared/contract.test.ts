import { describe, expect, it } from 'vitest';
import { DESK_METHOD_NAMES, DeskMethods, DeskReplyMessageSchema } from '../../../shared/desk-api.js';
import { CallerSchema } from '../../../shared/domain/caller.js';
import { ServiceRequestSchema } from '../../../shared/domain/service-request.js';
import { serviceTypeCode } from '../../../shared/domain/service-type.js';
import { deskError, DeskFailure, formatZodError, toDeskError } from '../../../shared/errors.js';
import { PullRequestSchema, PullResponseSchema, parseSyncedRow } from '../../../shared/sync-protocol.js';

const caller = {
  id: '0190f5a4-6c1e-7a2b-8c3d-4e5f6a7b8c9d',
  name: 'Denise Whitfield',
  phones: ['+12155550142'],
  email: null,
  address: '1400 John F Kennedy Blvd',
  zipcode: '19107',
  neighborhoodId: 'LOGAN_SQUARE',
  lat: 39.9526,
  lon: -75.1652,
  preferredLanguage: 'en',
  createdAt: '2025-01-02T10:00:00.000Z',
  updatedAt: '2025-01-02T10:00:00.000Z',
};

describe('domain schemas', () => {
  it('accepts a well-formed caller', () => {
    expect(CallerSchema.parse(caller)).toEqual(caller);
  });

  it('names every field that is wrong, with its path', () => {
    const result = CallerSchema.safeParse({ ...caller, phones: ['215-555-0142'], lat: 123, name: '' });
    expect(result.success).toBe(false);
    if (result.success) return;
    const message = formatZodError(result.error);
    expect(message).toContain('phones.0: must be an E.164 phone number');
    expect(message).toMatch(/lat: /);
    expect(message).toMatch(/name: /);
  });

  it('refuses a case with an unknown status', () => {
    const result = ServiceRequestSchema.safeParse({ status: 'pending' });
    expect(result.success).toBe(false);
    if (!result.success) expect(formatZodError(result.error)).toMatch(/status: /);
  });

  it('makes service type codes from names', () => {
    expect(serviceTypeCode('Rubbish/Recyclable Material Collection')).toBe('rubbish-recyclable-material-collection');
    expect(serviceTypeCode('Parks & Rec Safety and Maintenance')).toBe('parks-and-rec-safety-and-maintenance');
    expect(serviceTypeCode('No Heat (Residential)')).toBe('no-heat-residential');
  });
});

describe('sync protocol', () => {
  it('fills the default page size and refuses another protocol version', () => {
    expect(PullRequestSchema.parse({ protocolVersion: 1, schemaVersion: 1, clientId: 'client-0001', cursor: 0 }).limit).toBe(2000);
    expect(PullRequestSchema.safeParse({ protocolVersion: 2, schemaVersion: 1, clientId: 'client-0001', cursor: 0 }).success).toBe(false);
    expect(PullRequestSchema.safeParse({ protocolVersion: 1, schemaVersion: 1, clientId: 'x', cursor: -1 }).success).toBe(false);
  });

  it('parses change rows with their entity schema', () => {
    const response = PullResponseSchema.parse({
      protocolVersion: 1, cursor: 7, lastMutationId: 0, hasMore: false, headVersion: 7,
      changes: [{ op: 'put', entity: 'caller', id: caller.id, version: 7, row: caller }],
    });
    const change = response.changes[0]!;
    expect(change.op).toBe('put');
    if (change.op === 'put') expect(parseSyncedRow(change.entity, change.row)).toEqual(caller);
    expect(() => parseSyncedRow('caller', { ...caller, phones: [] })).toThrow();
  });
});

describe('DeskApi contract and errors', () => {
  it('has params and result schemas for every method', () => {
    expect(DESK_METHOD_NAMES).toContain('lookupCaller');
    for (const name of DESK_METHOD_NAMES) {
      expect(DeskMethods[name].params.safeParse).toBeTypeOf('function');
      expect(DeskMethods[name].result.safeParse).toBeTypeOf('function');
    }
    expect(DeskMethods.lookupCaller.params.safeParse({ phone: '' }).success).toBe(false);
    expect(DeskMethods.lookupCaller.params.safeParse({ phone: '1', extra: true }).success).toBe(false);
  });

  it('carries errors as plain {code, message} objects', () => {
    expect(toDeskError(new DeskFailure('NOT_FOUND', 'no such case'))).toEqual({ code: 'NOT_FOUND', message: 'no such case' });
    expect(toDeskError(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(toDeskError('text')).toEqual({ code: 'INTERNAL', message: 'text' });
    expect(toDeskError(deskError('SERVER_UNREACHABLE')).message).toMatch(/could not be reached/);
    expect(DeskReplyMessageSchema.safeParse({ kind: 'reply', id: 1, ok: false, error: { code: 'NOPE', message: 'x' } }).success).toBe(false);
  });
});

describe('provisional references', () => {
  it('spell 40 random bits in Crockford base32, readable over the phone', async () => {
    const { makeProvisionalReference, ProvisionalReferenceSchema } = await import('../../../shared/mutations.js');
    expect(makeProvisionalReference(new Uint8Array([0, 0, 0, 0, 0]))).toBe('P-0000-0000');
    expect(makeProvisionalReference(new Uint8Array([255, 255, 255, 255, 255]))).toBe('P-ZZZZ-ZZZZ');
    expect(makeProvisionalReference(new Uint8Array([0, 0, 0, 0, 33]))).toBe('P-0000-0011');
    const reference = makeProvisionalReference(new Uint8Array([0x12, 0x34, 0x56, 0x78, 0x9a]));
    expect(ProvisionalReferenceSchema.safeParse(reference).success).toBe(true);
    expect(reference).not.toMatch(/[ILOU]/);
    expect(() => makeProvisionalReference(new Uint8Array(4))).toThrow();
  });
});
