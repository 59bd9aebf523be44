// Philadelphia's neighborhoods (Azavea's 158). Desktops keep the name and a label point; the
// polygons stay on the server, which assigns cases and callers to a neighborhood.
import { z } from 'zod';

export const NeighborhoodSchema = z.object({
  id: z.string().regex(/^[A-Z0-9_]+$/),
  name: z.string().min(1).max(120),
  labelLat: z.number(),
  labelLon: z.number(),
});
export type Neighborhood = z.infer<typeof NeighborhoodSchema>;
