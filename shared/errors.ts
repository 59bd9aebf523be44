// One catalogue of error codes. Errors cross every boundary (IPC, WebSocket, HTTP) as plain
// `{code, message}` objects, so a caller can branch on the code and show the message.
import { z } from 'zod';

export const ERROR_CODES = {
  INVALID_INPUT: 'The request did not match its schema.',
  INVALID_PHONE: 'The phone number could not be understood.',
  UNAUTHORIZED: 'Sign in first.',
  NOT_FOUND: 'The record does not exist.',
  UNKNOWN_METHOD: 'The desk API has no such method.',
  SERVER_UNREACHABLE: 'The central server could not be reached.',
  SERVER_ERROR: 'The central server answered with an error.',
  SYNC_PROTOCOL_MISMATCH: 'The central server speaks another sync protocol version.',
  SYNC_OUT_OF_ORDER: 'A pushed mutation skipped ids the server has not received; push again from the first unconfirmed one.',
  CACHE_TOO_NEW: 'The local cache was written by a newer version of Frontdesk311.',
  CACHE_CORRUPT: 'The local cache file is unreadable.',
  DATABASE_TOO_NEW: 'The central database was migrated by a newer version of Frontdesk311.',
  TWILIO_SIGNATURE_INVALID: 'The webhook signature did not match.',
  AGENT_UNAVAILABLE: 'No agent can take the call.',
  CALL_NOT_FOUND: 'The call is not known.',
  CALL_NOT_YOURS: 'The call is held by another agent.',
  STATE_CONFLICT: 'The agent or call is not in a state that allows this.',
  SOFTPHONE_ERROR: 'The softphone failed.',
  PROTOCOL_INVALID: 'The triage protocol has errors; none of it was published.',
  FORBIDDEN: 'Your role does not allow this.',
  RATE_LIMITED: 'Too many requests; wait a moment and try again.',
  INVALID_CREDENTIALS: 'The user name or password is wrong.',
  ACCOUNT_LOCKED: 'Too many failed sign-ins: the account is locked for a while.',
  TOTP_REQUIRED: 'Enter the 6-digit code from your authenticator app.',
  TOTP_INVALID: 'The authenticator code is wrong or has expired.',
  DESK_LOCKED: 'The desktop is locked: unlock it with your password.',
  OFFLINE_UNLOCK_EXPIRED: 'Offline unlock has expired: connect to the server and sign in.',
  CACHE_KEY_INVALID: 'The local cache could not be opened with its key.',
  EXPORT_TOO_LARGE: 'The export is too large to bring to the desk: narrow the filters.',
  INTERNAL: 'An unexpected error happened.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

export const DeskErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type DeskError = z.infer<typeof DeskErrorSchema>;

export function deskError(code: ErrorCode, message?: string, details?: unknown): DeskError {
  const error: DeskError = { code, message: message ?? ERROR_CODES[code] };
  if (details !== undefined) error.details = details;
  return error;
}

/** An Error subclass that carries a catalogue code, for code that must throw. */
export class DeskFailure extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_CODES[code]);
    this.name = 'DeskFailure';
    this.code = code;
    this.details = details;
  }
  toJSON(): DeskError {
    return deskError(this.code, this.message, this.details);
  }
}

/** Turns anything thrown into a catalogue error, never leaking a stack across a boundary. */
export function toDeskError(thrown: unknown): DeskError {
  if (thrown instanceof DeskFailure) return thrown.toJSON();
  const parsed = DeskErrorSchema.safeParse(thrown);
  if (parsed.success) return parsed.data;
  if (thrown instanceof z.ZodError) {
    return deskError('INVALID_INPUT', formatZodError(thrown), thrown.issues);
  }
  return deskError('INTERNAL', thrown instanceof Error ? thrown.message : String(thrown));
}

/** "phone: Required; cases.0.status: Invalid option" — short enough for a log line or a toast. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
