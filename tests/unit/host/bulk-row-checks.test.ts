// The first sync's straight-line row checks against the shared zod schemas: on demo rows and on
// rows with a field broken at random, whatever the check accepts, zod accepts with the same result.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallerSchema } from '../../../shared/domain/caller.js';
import { ServiceRequestSchema } from '../../../shared/domain/service-request.js';
import { checkedCaller, checkedServiceRequest } from '../../../electron/host/sync/bulk-row-checks.js';
import { generateDemoData } from '../../../server/demo-data/generate.js';

const demo = [...generateDemoData({ seed: 7, callers: 300, cases: 600, now: new Date('2026-11-25T12:00:00Z') })];
const demoCallers = demo.flatMap((batch) => (batch.entity === 'caller' ? batch.rows : [])) as Record<string, unknown>[];
const demoCases = demo.flatMap((batch) => (batch.entity === 'service_request' ? batch.rows : [])) as Record<string, unknown>[];

const CHECKS = [
  { name: 'caller', schema: CallerSchema, check: checkedCaller, rows: demoCallers },
  { name: 'service_request', schema: ServiceRequestSchema, check: checkedServiceRequest, rows: demoCases },
] as const;

/** Values that sit on either side of the schemas' rules. */
const trickyValue = fc.oneof(
  fc.constantFrom(
    null, undefined, '', 'x', 'en', 'a'.repeat(41), 'a'.repeat(201), 'a'.repeat(301), 'a'.repeat(4001), '19104', '1910', '191045',
    '+12155550100', '+02155550100', '12155550100', 'P-7K3Q-9XH2', 'P-7K3Q-9XI2', 'open', 'closed', 'reopened', 'phone', 'fax',
    'standard', 'urgent', 'lowest', 'a@b.co', 'a@b', 'a..b@c.com', '2026-02-29T10:00:00Z', '2028-02-29T10:00:00Z',
    '2026-11-25T12:00:00.123+01:00', '2026-11-25T12:00:00', '2026-11-25 12:00:00Z', '0193a000-0000-7000-8000-000000000001',
    '0193a000-0000-9000-8000-000000000001', '00000000-0000-0000-0000-000000000000', 90, 90.0001, -180, -180.5, 0, -1, 1.5,
    Number.MAX_SAFE_INTEGER, 2 ** 53, true, [], ['+12155550100'], [''], {}, { status: 3 }, { status: -1 }, { status: 1.5 },
    Array.from({ length: 11 }, () => '+12155550100'),
  ),
  fc.jsonValue(),
);

describe('bulk row checks', () => {
  for (const { name, schema, check, rows } of CHECKS) {
    it(`answer every demo ${name} exactly as zod does`, () => {
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(check(row)).toEqual(schema.parse(row));
    });

    it(`never accept a broken ${name} that zod refuses, and agree with it on what they accept`, () => {
      const keys = Object.keys(schema.shape);
      fc.assert(
        fc.property(fc.nat(rows.length - 1), fc.array(fc.tuple(fc.constantFrom(...keys, 'extra'), trickyValue), { minLength: 1, maxLength: 3 }), (index, edits) => {
          const row: Record<string, unknown> = { ...rows[index] };
          for (const [key, value] of edits) {
            if (value === undefined) delete row[key];
            else row[key] = value;
          }
          const checked = check(row);
          const parsed = schema.safeParse(row);
          if (checked !== null) {
            expect(parsed.success).toBe(true);
            expect(checked).toEqual(parsed.data);
          }
        }),
        { numRuns: 3_000 },
      );
    });
  }

  it('drop keys the schema does not know and fill in its defaults', () => {
    const { provisionalReference: _p, fieldVersions: _f, priority: _q, ...bare } = demoCases[0] as Record<string, unknown>;
    const checked = checkedServiceRequest({ ...bare, serverOnly: 1 });
    expect(checked).toEqual(ServiceRequestSchema.parse(bare));
    expect(checked).toMatchObject({ provisionalReference: null, fieldVersions: {}, priority: 'standard' });
    expect(checked).not.toHaveProperty('serverOnly');
  });
});
