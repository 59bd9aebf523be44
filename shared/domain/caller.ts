// A resident (or business) who has called 311 before, keyed for the screen pop by phone number.
import { z } from 'zod';
import { E164Schema, IsoTimeSchema, UuidSchema } from './ids.js';

export const CallerSchema = z.object({
  id: UuidSchema,
  name: z.string().min(1).max(200),
  phones: z.array(E164Schema).min(1).max(10),
  email: z.email().nullable(),
  address: z.string().max(300).nullable(),
  zipcode: z.string().regex(/^\d{5}$/).nullable(),
  neighborhoodId: z.string().nullable(),
  lat: z.number().min(-90).max(90).nullable(),
  lon: z.number().min(-180).max(180).nullable(),
  preferredLanguage: z.string().min(2).max(35).default('en'),
  createdAt: IsoTimeSchema,
  updatedAt: IsoTimeSchema,
});
export type Caller = z.infer<typeof CallerSchema>;
