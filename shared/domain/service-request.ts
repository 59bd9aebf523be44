// A case: one service request, from intake to closure. `reference` is the official number the
// server assigns; cases made offline (a later issue) carry a provisional one until then.
import { z } from 'zod';
import { IsoTimeSchema, UuidSchema } from './ids.js';

export const ServiceRequestStatusSchema = z.enum(['open', 'in_progress', 'closed']);
export type ServiceRequestStatus = z.infer<typeof ServiceRequestStatusSchema>;

export const ServiceRequestChannelSchema = z.enum(['phone', 'web', 'app', 'email', 'walk_in', 'transfer_911']);

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
});
export type ServiceRequest = z.infer<typeof ServiceRequestSchema>;

export function isOpen(request: Pick<ServiceRequest, 'status'>): boolean {
  return request.status !== 'closed';
}
