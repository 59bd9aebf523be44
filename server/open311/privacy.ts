// What Open311 GET answers and the transparency page may say about a case: no caller, and a place
// no finer than a block. Addresses become "1200 block of Market St"; coordinates are rounded to
// three decimals (about 110 m north-south, 85 m east-west here), so neither points at a house.
// Descriptions are free text: numbers, e-mail addresses, the caller's name and house numbers
// written in them are taken out as well.
import { scrubText } from '../http/security.js';

/** Three decimals: about a city block, coarser than any house. */
export function roundCoordinate(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}

// A unit inside a building says even more than the house number.
const UNIT = /\s*(?:,\s*)?(?:\b(?:apt|apartment|unit|suite|ste|fl|floor|rm|room)\b\.?|#)\s*[\w-]+/gi;
const HOUSE_NUMBER = /^(\d{1,6})[A-Za-z]?(?:\s*[-–]\s*\d{1,6}[A-Za-z]?)?\s+(.+)$/;

function block(houseNumber: string, street: string): string {
  return `${Math.floor(Number(houseNumber) / 100) * 100} block of ${street}`;
}

/**
 * "1234 Market St, Apt 2, Philadelphia, PA 19107" → "1200 block of Market St". Text before the
 * first comma is the street part; with no house number (an intersection, a park) it stays as it is.
 */
export function generalizeAddress(address: string | null): string | null {
  if (address === null) return null;
  const street = (address.split(',')[0] ?? '').replace(UNIT, '').replace(/\s+/g, ' ').trim();
  if (street === '') return null;
  const numbered = HOUSE_NUMBER.exec(street);
  return scrubText(numbered ? block(numbered[1] as string, numbered[2] as string) : street);
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const STREET_SUFFIX = '(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Pl|Place|Ct|Court|Ter|Terrace|Way|Pike|Pkwy|Parkway|Sq|Square|Hwy|Highway)';
// "at 1234 N Broad St" inside a sentence: a number, an optional direction, capitalized words, a suffix.
const STREET_ADDRESS = new RegExp(
  `\\b(\\d{1,6})[A-Za-z]?\\s+((?:[NSEW]\\.?\\s+)?(?:[A-Z0-9][\\w.'-]*\\s+){0,3}${STREET_SUFFIX})\\b\\.?`,
  'g',
);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Personal details the description may repeat, from the case's caller. */
export interface KnownPersonalData {
  name: string | null;
  email: string | null;
  /** The case's and the caller's addresses, as stored. */
  addresses: ReadonlyArray<string | null>;
}

/** A description fit to publish: phone numbers, e-mail addresses, the caller's name and house numbers removed. */
export function publicDescription(description: string, known: KnownPersonalData): string {
  let text = scrubText(description).replace(EMAIL, '[email]');
  if (known.email) text = text.replace(new RegExp(escapeRegExp(known.email), 'gi'), '[email]');
  for (const address of known.addresses) {
    const street = address?.split(',')[0]?.trim();
    if (street) text = text.replace(new RegExp(escapeRegExp(street), 'gi'), generalizeAddress(street) ?? '');
  }
  // The whole name, then each part long enough not to be an ordinary short word.
  const names = known.name ? [known.name, ...known.name.split(/\s+/).filter((part) => part.length >= 3)] : [];
  for (const name of names) text = text.replace(new RegExp(`\\b${escapeRegExp(name)}\\b`, 'gi'), '[name]');
  return text.replace(STREET_ADDRESS, (_match, houseNumber: string, street: string) => block(houseNumber, street));
}
