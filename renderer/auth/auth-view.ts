// What the sign-in, enrollment and lock screens say, as pure functions: a message for each way a
// sign-in can be refused, the second factor's secret in groups for typing, and the time left.
import type { DeskAuthState } from '../../shared/desk-api.js';
import type { DeskError } from '../../shared/errors.js';

const CLOCK = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY_AND_CLOCK = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/** The ISO time a refusal names (the server's `lockedUntil`, the host's `offlineUnlockUntil`), if any. */
function timeIn(error: DeskError): string | null {
  const details = error.details as Record<string, unknown> | undefined;
  const nested = details?.errors as Record<string, unknown> | undefined;
  for (const value of [details?.lockedUntil, nested?.lockedUntil, details?.offlineUnlockUntil, details?.until, nested?.until]) {
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
  }
  return null;
}

export function formatClockTime(iso: string, now = Date.now()): string {
  const at = new Date(iso);
  return at.getTime() - now < 20 * 3_600_000 && at.getDate() === new Date(now).getDate() ? CLOCK.format(at) : DAY_AND_CLOCK.format(at);
}

/** One sentence for the form, for every refusal the host passes on. */
export function authErrorText(error: DeskError): string {
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return 'That password is not right. Check Caps Lock and try again.';
    case 'ACCOUNT_LOCKED': {
      const until = timeIn(error);
      return until
        ? `Too many failed sign-ins: the account is locked until ${formatClockTime(until)}. A team lead or admin can unlock it sooner.`
        : `Too many failed sign-ins: the account is locked for a while. ${error.message}`;
    }
    case 'TOTP_REQUIRED':
      return 'Enter the 6-digit code from your authenticator app.';
    case 'TOTP_INVALID':
      return 'That code is wrong or has expired. Enter the code your authenticator app shows now.';
    case 'OFFLINE_UNLOCK_EXPIRED':
      return 'The central server cannot be reached, and offline unlock has expired on this desk. Connect to the network and sign in.';
    case 'SERVER_UNREACHABLE':
      return 'The central server cannot be reached. The first sign-in on this desk needs it: check the network and try again.';
    case 'RATE_LIMITED':
      return 'Too many attempts: wait a minute and try again.';
    case 'FORBIDDEN':
      return error.message;
    case 'STATE_CONFLICT':
      return error.message;
    case 'UNAUTHORIZED':
      return 'The server ended this session. Sign in again.';
    default:
      return `${error.message} (${error.code})`;
  }
}

/** Why the lock screen or sign-in screen is shown, in words; null when there is nothing to explain. */
export function authReasonText(auth: DeskAuthState): string | null {
  switch (auth.reason) {
    case 'inactivity':
      return `Locked after ${formatMinutes(auth.lockAfterMinutes)} without input.`;
    case 'manual':
      return 'Locked.';
    case 'start':
      return auth.state === 'locked' ? 'The desk was restarted.' : null;
    case 'signed_out':
      return 'Signed out.';
    case 'signed_out_everywhere':
      return 'Signed out on every desk.';
    case 'session_ended':
      return 'The server ended your session (signed out elsewhere, or the password changed). Sign in again.';
    default:
      return null;
  }
}

function formatMinutes(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} seconds`;
  return minutes === 1 ? '1 minute' : `${Math.round(minutes)} minutes`;
}

/** "JBSW Y3DP EHPK 3PXP": base32 in groups of 4, for typing into an authenticator by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/** Only digits, at most six: what the code fields accept. */
export function cleanTotpCode(value: string): string {
  return value.replace(/\D/g, '').slice(0, 6);
}
