// Who may use the desk now (the host's DeskAuthState) and the sign-in form's own state: a request
// in flight, the last refusal, and whether the server asked for the second factor's code. The
// password is never in the store: it goes from the field to the host and is dropped.
import type { StateCreator } from 'zustand/vanilla';
import type { DeskAuthState } from '../../shared/desk-api.js';
import type { DeskError } from '../../shared/errors.js';
import type { DeskState } from './desk-store.js';

export type AuthSlice = {
  /** Null until the host has answered getAuthState. */
  auth: DeskAuthState | null;
  authPending: boolean;
  authError: DeskError | null;
  /** The server answered TOTP_REQUIRED: the sign-in form shows the code field. */
  totpAsked: boolean;
  /** The host answered a sign-in while the server was unreachable (offline unlock). */
  signedInOffline: boolean;

  authStateReceived(state: DeskAuthState): void;
  authRequestStarted(): void;
  authRequestSucceeded(state: DeskAuthState, offline: boolean): void;
  authRequestFailed(error: DeskError): void;
};

export const createAuthSlice: StateCreator<DeskState, [], [], AuthSlice> = (set) => ({
  auth: null,
  authPending: false,
  authError: null,
  totpAsked: false,
  signedInOffline: false,

  authStateReceived: (auth) =>
    set((state) => ({
      auth,
      // A new lock or sign-out starts with a clean form.
      ...(state.auth?.state !== auth.state ? { authError: null, totpAsked: auth.state === 'signed_out' ? false : state.totpAsked } : {}),
    })),
  authRequestStarted: () => set({ authPending: true, authError: null }),
  authRequestSucceeded: (auth, offline) => set({ auth, authPending: false, authError: null, totpAsked: false, signedInOffline: offline }),
  authRequestFailed: (error) =>
    set((state) => ({
      authPending: false,
      authError: error,
      totpAsked: state.totpAsked || error.code === 'TOTP_REQUIRED' || error.code === 'TOTP_INVALID',
    })),
});
