// Every change a desk makes is a named mutation. The host writes it to its outbox in the same
// transaction as its optimistic effect; the server applies each exactly once, in order per
// client, and answers applied (possibly with conflicts) or rejected with a reason.
import { z } from 'zod';
import { E164Schema, IsoTimeSchema, UuidSchema } from './domain/ids.js';
import { CasePrioritySchema, ServiceRequestChannelSchema, ServiceRequestStatusSchema, EDITABLE_CASE_FIELDS } from './domain/service-request.js';
import { DeskErrorSchema } from './errors.js';
import { TriageRecordSchema } from './triage/record.js';

const Lat = z.number().min(-90).max(90).nullable();
const Lon = z.number().min(-180).max(180).nullable();
const Zip = z.string().regex(/^\d{5}$/).nullable();

/** "P-7K3Q-9XH2": 40 random bits in Crockford base32 (no I, L, O, U), easy to read over the phone. */
export const ProvisionalReferenceSchema = z.string().regex(/^P-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export function makeProvisionalReference(random: Uint8Array): string {
  if (random.length < 5) throw new Error('a provisional reference needs 5 random bytes');
  let bits = 0n;
  for (let i = 0; i < 5; i += 1) bits = (bits << 8n) | BigInt(random[i]!);
  let text = '';
  for (let i = 0; i < 8; i += 1) {
    text = CROCKFORD[Number(bits & 31n)]! + text;
    bits >>= 5n;
  }
  return `P-${text.slice(0, 4)}-${text.slice(4)}`;
}

export const CaseEditChangesSchema = z
  .object({
    description: z.string().max(4000),
    address: z.string().max(300).nullable(),
    zipcode: Zip,
    neighborhoodId: z.string().nullable(),
    lat: Lat,
    lon: Lon,
    serviceTypeCode: z.string().min(1),
  })
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, 'an edit must change at least one field');

/** Where the desk showed a resident's data. */
export const RecordViewContextSchema = z.enum(['screen_pop', 'case_detail', 'case_search']);
/** Case ids a view lists: the search limit, and a screen pop's open cases nearby. */
const ShownCaseIds = z.array(UuidSchema).max(200);

/**
 * One view of residents' data on a desk, at the desk's time. Records are named by id only: a
 * search made of words keeps no text (it may be a name or an address), only what it showed.
 */
export const RecordViewSchema = z.discriminatedUnion('entity', [
  z.object({
    entity: z.literal('caller'), id: UuidSchema, context: RecordViewContextSchema, at: IsoTimeSchema,
    /** Open cases of other callers shown beside the record. */
    nearbyCaseIds: ShownCaseIds,
  }).strict(),
  z.object({ entity: z.literal('case'), id: UuidSchema, context: RecordViewContextSchema, at: IsoTimeSchema }).strict(),
  z.object({
    entity: z.literal('case_search'), context: RecordViewContextSchema, at: IsoTimeSchema,
    /** The official or provisional reference searched for; null for a search by words. */
    reference: z.string().min(1).max(200).nullable(),
    resultCount: z.number().int().nonnegative(),
    caseIds: ShownCaseIds,
  }).strict(),
]);
export type RecordView = z.infer<typeof RecordViewSchema>;
/** Views per recordViews mutation. */
export const VIEWS_PER_MUTATION = 200;

export const MutationArgs = {
  createCaller: z.object({
    id: UuidSchema,
    name: z.string().min(1).max(200),
    phones: z.array(E164Schema).min(1).max(10),
    email: z.email().nullable(),
    address: z.string().max(300).nullable(),
    zipcode: Zip,
    neighborhoodId: z.string().nullable(),
    lat: Lat,
    lon: Lon,
    preferredLanguage: z.string().min(2).max(35),
  }).strict(),
  createCase: z.object({
    id: UuidSchema,
    provisionalReference: ProvisionalReferenceSchema,
    callerId: UuidSchema.nullable(),
    serviceTypeCode: z.string().min(1),
    channel: ServiceRequestChannelSchema,
    description: z.string().max(4000),
    address: z.string().max(300).nullable(),
    zipcode: Zip,
    neighborhoodId: z.string().nullable(),
    lat: Lat,
    lon: Lon,
    requestedAt: IsoTimeSchema,
    priority: CasePrioritySchema.default('standard'),
  }).strict(),
  editCase: z.object({
    caseId: UuidSchema,
    changes: CaseEditChangesSchema,
    /** The fieldVersions of the case as the agent saw it, for each changed field (0 = never set on the server). */
    baseVersions: z.partialRecord(z.enum(EDITABLE_CASE_FIELDS), z.number().int().nonnegative()),
  }).strict(),
  changeStatus: z.object({
    caseId: UuidSchema,
    status: ServiceRequestStatusSchema,
    baseVersion: z.number().int().nonnegative(),
  }).strict(),
  linkCaller: z.object({
    caseId: UuidSchema,
    callerId: UuidSchema.nullable(),
    baseVersion: z.number().int().nonnegative(),
  }).strict(),
  addNote: z.object({
    id: UuidSchema,
    caseId: UuidSchema,
    text: z.string().min(1).max(4000),
  }).strict(),
  resolveConflict: z.object({
    conflictId: UuidSchema,
    resolution: z.enum(['keep', 'take_losing']),
  }).strict(),
  /** A finished triage run, kept for audit: never changed once recorded. */
  recordTriage: z.object({
    id: UuidSchema,
    caseId: UuidSchema.nullable(),
    callId: UuidSchema.nullable(),
    record: TriageRecordSchema,
  }).strict(),
  /** Views of callers and cases on the desk, for the audit log: every role's, never refused when well-formed. */
  recordViews: z.object({
    views: z.array(RecordViewSchema).min(1).max(VIEWS_PER_MUTATION),
  }).strict(),
} as const;

export type MutationName = keyof typeof MutationArgs;
export const MUTATION_NAMES = Object.keys(MutationArgs) as MutationName[];
/** Mutations the desk makes by itself, not the agent's work: never listed in the outbox panel nor counted in the status bar. */
export const BACKGROUND_MUTATIONS: readonly MutationName[] = ['recordViews'];
export type MutationArgsOf<N extends MutationName> = z.infer<(typeof MutationArgs)[N]>;

const mutationOf = <N extends MutationName>(name: N) =>
  z.object({
    /** Per-client, strictly increasing, starting at 1. */
    id: z.number().int().positive(),
    name: z.literal(name),
    args: MutationArgs[name],
    /** When the agent made the change (desk clock). */
    createdAt: IsoTimeSchema,
  });

export const MutationSchema = z.discriminatedUnion('name', [
  mutationOf('createCaller'),
  mutationOf('createCase'),
  mutationOf('editCase'),
  mutationOf('changeStatus'),
  mutationOf('linkCaller'),
  mutationOf('addNote'),
  mutationOf('resolveConflict'),
  mutationOf('recordTriage'),
  mutationOf('recordViews'),
]);
export type Mutation = z.infer<typeof MutationSchema>;

export const MutationResultSchema = z.discriminatedUnion('status', [
  z.object({
    id: z.number().int().positive(),
    status: z.literal('applied'),
    /** Conflicts this mutation raised (its value lost to an earlier concurrent edit). */
    conflictIds: z.array(UuidSchema).default([]),
  }),
  z.object({
    id: z.number().int().positive(),
    status: z.literal('rejected'),
    /** Why, for the agent: kept in the outbox and shown, never dropped silently. */
    error: DeskErrorSchema,
  }),
]);
export type MutationResult = z.infer<typeof MutationResultSchema>;
