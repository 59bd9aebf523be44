// Messages between Electron's main process and the desk host in its utility process, besides
// the DeskApi call/reply/event envelopes from shared/desk-api.ts.
import { z } from 'zod';
import { DeskErrorSchema } from '../../shared/errors.js';

export const HostStartOptionsSchema = z.object({
  serverUrl: z.url(),
  dataDir: z.string().min(1),
  agentId: z.string().min(1),
  clientId: z.string().optional(),
  sqliteNativeBinding: z.string().optional(),
  /** The cache key in hex: in this first message only, never on the command line or in the environment. */
  cacheKey: z.string().regex(/^[0-9a-f]{64}$/, 'a 256-bit key in hex'),
  pullIntervalMs: z.number().int().positive().optional(),
  closedCaseDays: z.number().int().nonnegative().optional(),
  telephony: z.enum(['simulated', 'twilio']).optional(),
});

/** Main → host. */
export const HostControlMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start'), options: HostStartOptionsSchema }),
  z.object({ kind: z.literal('stop') }),
]);
export type HostControlMessage = z.infer<typeof HostControlMessageSchema>;

/** Host → main, besides replies and events. */
export const HostLifecycleMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('started'), cachePath: z.string(), cacheMovedAside: z.string().nullable() }),
  z.object({ kind: z.literal('start-failed'), error: DeskErrorSchema }),
  z.object({ kind: z.literal('stopped') }),
]);
export type HostLifecycleMessage = z.infer<typeof HostLifecycleMessageSchema>;
