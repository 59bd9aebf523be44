// The desk host's call control: hold, transfers, wrap-up and the transfer targets, forwarded to the
// central server, which drives Twilio. A call is live now or never, so nothing here is queued in
// the outbox: while the desk is offline every method fails at once with SERVER_UNREACHABLE.
import type { DeskApi } from '../../../shared/desk-api.js';
import { DeskFailure } from '../../../shared/errors.js';
import type { ServerSession } from '../sync/server-session.js';

export type CallDeskMethods = Pick<
  DeskApi,
  'getCallState' | 'holdCall' | 'transferCall' | 'completeTransfer' | 'cancelTransfer' | 'wrapUpCall' | 'listTransferTargets'
>;

export interface CallDeskParts {
  session: Pick<ServerSession, 'callState' | 'holdCall' | 'transferCall' | 'completeTransfer' | 'cancelTransfer' | 'wrapUpCall' | 'transferTargets'>;
  /** The sync loop's verdict: when it says offline, a request would only wait for its timeout. */
  offlineSince: () => string | null;
}

export function createCallDesk({ session, offlineSince }: CallDeskParts): CallDeskMethods {
  const online = <T>(what: string, run: () => Promise<T>): Promise<T> => {
    const since = offlineSince();
    if (since !== null) {
      return Promise.reject(
        new DeskFailure('SERVER_UNREACHABLE', `Cannot ${what}: the central server has been unreachable since ${since}, and call control needs it.`, { offlineSince: since }),
      );
    }
    return run();
  };
  return {
    getCallState: ({ callId }) => online('read the call', () => session.callState(callId)),
    holdCall: ({ callId, onHold }) => online(onHold ? 'hold the call' : 'resume the call', () => session.holdCall(callId, onHold)),
    transferCall: ({ callId, ...request }) => online('transfer the call', () => session.transferCall(callId, request)),
    completeTransfer: ({ callId }) => online('complete the transfer', () => session.completeTransfer(callId)),
    cancelTransfer: ({ callId }) => online('cancel the transfer', () => session.cancelTransfer(callId)),
    wrapUpCall: ({ callId, ...request }) => online('wrap up the call', () => session.wrapUpCall(callId, request)),
    // The targets depend on the server's configuration and who is available now; never cached.
    listTransferTargets: () => online('list transfer targets', () => session.transferTargets()),
  };
}
