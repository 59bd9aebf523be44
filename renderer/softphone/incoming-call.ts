// Builds the desktop's IncomingCall from what the telephony layer hands over: the caller's From
// and To, and the TwiML <Parameter>s the server attached (callId, queue, is911Transfer, receivedAt).
import { IncomingCallSchema, type IncomingCall } from '../../shared/domain/call.js';
import { DeskFailure, formatZodError } from '../../shared/errors.js';

export type CallInvite = {
  callSid: string;
  from: string;
  to: string;
  params: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
};

function param(params: CallInvite['params'], name: string): string | undefined {
  return params instanceof Map ? params.get(name) : (params as Readonly<Record<string, string>>)[name];
}

/** Throws a SOFTPHONE_ERROR DeskFailure when the invite lacks what the screen pop needs. */
export function incomingCallFromInvite(invite: CallInvite): IncomingCall {
  const flag = param(invite.params, 'is911Transfer');
  const parsed = IncomingCallSchema.safeParse({
    callId: param(invite.params, 'callId'),
    callSid: invite.callSid,
    from: invite.from,
    to: invite.to,
    queue: param(invite.params, 'queue'),
    // Only the literal 'true' marks a transfer; anything else is an ordinary 311 call.
    is911Transfer: flag === 'true',
    receivedAt: param(invite.params, 'receivedAt'),
  });
  if (!parsed.success) {
    throw new DeskFailure('SOFTPHONE_ERROR', `the incoming call is missing details: ${formatZodError(parsed.error)}`);
  }
  return parsed.data;
}
