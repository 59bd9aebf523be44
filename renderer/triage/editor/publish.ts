// Publishing a draft: when it takes effect (now, or a chosen later time), the request the desk API
// takes, and what to show when the server refuses it.
import { z } from 'zod';
import type { DeskParams } from '../../../shared/desk-api.js';
import { toDeskError } from '../../../shared/errors.js';
import type { DraftDocument } from './draft.js';

/** `local` is an `<input type="datetime-local">` value, read in the desk's time zone. */
export type EffectiveChoice = { mode: 'now' } | { mode: 'later'; local: string };

export type PublishRequest = { ok: true; params: DeskParams<'publishTriageProtocol'> } | { ok: false; message: string };

export function publishRequest(document: DraftDocument, choice: EffectiveChoice, now: Date): PublishRequest {
  if (choice.mode === 'now') {
    // The server stamps "now" with its own clock; the document carries ours until then.
    return { ok: true, params: { document: { ...document, effectiveFrom: now.toISOString() }, effectiveFrom: null } };
  }
  const at = new Date(choice.local);
  if (choice.local === '' || Number.isNaN(at.getTime())) return { ok: false, message: 'Pick the date and time it takes effect.' };
  if (at.getTime() <= now.getTime()) return { ok: false, message: 'A later time must be in the future; publish now instead.' };
  const effectiveFrom = at.toISOString();
  return { ok: true, params: { document: { ...document, effectiveFrom }, effectiveFrom } };
}

// The validator's errors plus the server's own (a version that is not the next one): any code.
const RefusalDetailSchema = z.object({ code: z.string(), protocolId: z.string().nullable(), nodeId: z.string().nullable(), message: z.string() });
export type RefusalDetail = z.infer<typeof RefusalDetailSchema>;

export type PublishRefusal = { code: string; message: string; errors: RefusalDetail[] };

/** The server's refusal as the editor shows it: its message, and the validator's errors when it sent them. */
export function publishRefusal(thrown: unknown): PublishRefusal {
  const error = toDeskError(thrown);
  const details = z.array(RefusalDetailSchema).safeParse(error.details);
  return { code: error.code, message: error.message, errors: error.code === 'PROTOCOL_INVALID' && details.success ? details.data : [] };
}
