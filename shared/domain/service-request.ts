// A case: one service request, from intake to closure. `reference` is the official number the
// server assigns; a case made on a desk carries a provisional reference until then, and both
// stay searchable.
import { z } from 'zod';
import { IsoTimeSchema, UuidSchema } from './ids.js';

export const ServiceRequestStatusSchema = z.enum(['open', 'in_progress', 'closed']);
export type ServiceRequestStatus = z.infer<typeof ServiceRequestStatusSchema>;

/** How soon the department should act; triage outcomes set it, intake defaults to standard. */
export const CasePrioritySchema = z.enum(['standard', 'high', 'urgent']);
export type CasePriority = z.infer<typeof CasePrioritySchema>;

export const ServiceRequestChannelSchema = z.enum(['phone', 'web', 'app', 'email', 'walk_in', 'transfer_911', 'open311']);

export const ServiceRequestSchema = z.object({
  id: UuidSchema,
  reference: z.string().min(1).max(40),
  callerId: UuidSchema.nullable(),
  serviceTypeCode: z.string(),
  status: ServiceRequestStatusSchema,
  channel: ServiceRequestChannelSchema,
  description: z.string().max(4000),
  address: z.string().max(300).nullable(),
  zipcode: z.string().regex(/^\d{5}$/).nullable(),
  neighborhoodId: z.string().nullable(),
  lat: z.number().min(-90).max(90).nullable(),
  lon: z.number().min(-180).max(180).nullable(),
  agency: z.string(),
  requestedAt: IsoTimeSchema,
  updatedAt: IsoTimeSchema,
  closedAt: IsoTimeSchema.nullable(),
  /** "P-7K3Q-9XH2": given to the caller when the case was made on a desk, kept for good. */
  provisionalReference: z.string().regex(/^P-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/).nullable().default(null),
  /** Change-log version at which each editable field last changed on the server; edits carry
   * the versions they were made against, so concurrent edits of one field are detected. */
  fieldVersions: z.record(z.string(), z.number().int().nonnegative()).default({}),
  priority: CasePrioritySchema.default('standard'),
});
export type ServiceRequest = z.infer<typeof ServiceRequestSchema>;

export function isOpen(request: Pick<ServiceRequest, 'status'>): boolean {
  return request.status !== 'closed';
}

/** Fields an agent edits with `editCase`; status and the caller have mutations of their own. */
export const EDITABLE_CASE_FIELDS = ['description', 'address', 'zipcode', 'neighborhoodId', 'lat', 'lon', 'serviceTypeCode'] as const;
export type EditableCaseField = (typeof EDITABLE_CASE_FIELDS)[number];
/** Every field whose version is tracked for conflicts. */
export const VERSIONED_CASE_FIELDS = [...EDITABLE_CASE_FIELDS, 'status', 'callerId'] as const;
export type VersionedCaseField = (typeof VERSIONED_CASE_FIELDS)[number];

/** Allowed status changes: a closed case can be reopened, nothing jumps back to "open" from closed silently. */
export const STATUS_TRANSITIONS: Record<ServiceRequestStatus, readonly ServiceRequestStatus[]> = {
  open: ['in_progress', 'closed'],
  in_progress: ['open', 'closed'],
  closed: ['open'],
};

export function canChangeStatus(from: ServiceRequestStatus, to: ServiceRequestStatus): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}
