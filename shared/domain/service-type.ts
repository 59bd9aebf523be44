// A kind of request the city handles ("Illegal Dumping"), and the department it is routed to.
import { z } from 'zod';

export const ServiceTypeSchema = z.object({
  code: z.string().regex(/^[a-z0-9-]+$/).max(80),
  name: z.string().min(1).max(120),
  agency: z.string().min(1).max(120),
  /** False for service types that no longer take new requests but still label old cases. */
  active: z.boolean(),
  /** Needs a location to be routed (most do; an information request does not). */
  needsLocation: z.boolean(),
});
export type ServiceType = z.infer<typeof ServiceTypeSchema>;

/** "Rubbish/Recyclable Material Collection" → "rubbish-recyclable-material-collection". */
export function serviceTypeCode(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
