// Phone numbers are normalized to E.164 once, here, so the screen pop, the server and the demo
// data all key callers the same way. US numbers without a country code are assumed.
import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';

export type PhoneParse =
  | { ok: true; e164: string; extension?: string; national: string }
  | { ok: false; reason: string };

/** The number as libphonenumber reads it, if it is a valid one; the reason otherwise. */
function parseValid(input: string, defaultCountry: 'US'): { ok: true; number: PhoneNumber } | { ok: false; reason: string } {
  const raw = input.trim();
  if (raw === '') return { ok: false, reason: 'empty phone number' };
  if (raw.length > 64) return { ok: false, reason: 'phone number too long' };
  // Twilio sends client legs as "client:agent-7" and withheld numbers as "anonymous".
  if (/^(client:|sip:)/i.test(raw) || /^(anonymous|restricted|unknown|private)$/i.test(raw)) {
    return { ok: false, reason: `not a dialable number: ${raw}` };
  }
  const parsed = parsePhoneNumberFromString(raw, defaultCountry);
  if (!parsed || !parsed.isValid()) return { ok: false, reason: `not a valid phone number: ${raw}` };
  return { ok: true, number: parsed };
}

export function normalizePhone(input: string, defaultCountry: 'US' = 'US'): PhoneParse {
  const parsed = parseValid(input, defaultCountry);
  if (!parsed.ok) return parsed;
  const result: PhoneParse = { ok: true, e164: parsed.number.number, national: parsed.number.formatNational() };
  if (parsed.number.ext) result.extension = parsed.number.ext;
  return result;
}

/**
 * E.164 or null, for places where an unparseable number simply means "unknown caller". The
 * screen pop's path: it skips the national formatting, a quarter of what normalizing costs.
 */
export function toE164(input: string): string | null {
  const parsed = parseValid(input, 'US');
  return parsed.ok ? parsed.number.number : null;
}

/** Display forms already worked out: a ringing call shows its number in several places at once. */
const displayForms = new Map<string, string>();
const DISPLAY_FORMS_KEPT = 256;

/** "(215) 555-0142" for display; falls back to the input when it cannot be parsed. */
export function formatPhoneForDisplay(e164: string): string {
  const known = displayForms.get(e164);
  if (known !== undefined) return known;
  const parsed = normalizePhone(e164);
  const shown = parsed.ok ? parsed.national : e164;
  if (displayForms.size >= DISPLAY_FORMS_KEPT) displayForms.clear();
  displayForms.set(e164, shown);
  return shown;
}
