// What a desk that is not unlocked shows instead of the workspace: the sign-in form (with the
// code field once the server asks for it), the second factor's enrollment, or the lock screen
// (with a ringing call and "Unlock to answer"). No resident's data is rendered here. Every field
// is labelled, the first one has the focus, and the message line keeps its height.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useDeskController } from '../app/controller-context.js';
import { useDesk } from '../stores/desk-store.js';
import { authErrorText, authReasonText, cleanTotpCode, formatClockTime, groupSecret } from './auth-view.js';

/** The refusal (or nothing), in a line that is always there, so the form does not jump. */
function AuthMessage() {
  const error = useDesk((state) => state.authError);
  return (
    <p className="auth__message form-error" role="alert" data-testid="auth-error" data-code={error?.code ?? ''}>
      {error ? authErrorText(error) : ' '}
    </p>
  );
}

function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

function SignInForm() {
  const controller = useDeskController();
  const auth = useDesk((state) => state.auth);
  const pending = useDesk((state) => state.authPending);
  const totpAsked = useDesk((state) => state.totpAsked);
  const agentFieldId = useId();
  const passwordId = useId();
  const codeId = useId();
  const [agentId, setAgentId] = useState(auth?.agentId ?? '');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const passwordRef = useFocusOnMount<HTMLInputElement>();
  const codeRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (totpAsked) codeRef.current?.focus();
  }, [totpAsked]);
  if (!auth) return null;
  const reason = authReasonText(auth);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending || !password || (totpAsked && code.length !== 6)) return;
    await controller.auth.signIn(agentId.trim(), password, totpAsked ? code : undefined);
    // Nothing of the password stays in the page once the host has answered, right or wrong.
    setPassword('');
    setCode('');
  };
  return (
    <form className="auth__form" data-testid="sign-in-form" onSubmit={(event) => void submit(event)} aria-busy={pending}>
      <h1 className="auth__title">Sign in to Frontdesk311</h1>
      <p className="status-muted auth__reason" data-testid="auth-reason">{reason ?? 'This desk is set up for one agent.'}</p>
      <div className="form-row">
        <label htmlFor={agentFieldId}>Agent id</label>
        <input id={agentFieldId} type="text" autoComplete="username" data-testid="sign-in-agent" required value={agentId}
          disabled={pending} onChange={(event) => setAgentId(event.target.value)} />
      </div>
      <div className="form-row">
        <label htmlFor={passwordId}>Password</label>
        <input id={passwordId} ref={passwordRef} type="password" autoComplete="current-password" data-testid="sign-in-password" required
          maxLength={256} value={password} disabled={pending} onChange={(event) => setPassword(event.target.value)} />
      </div>
      {totpAsked && (
        <div className="form-row">
          <label htmlFor={codeId}>6-digit code from your authenticator app</label>
          <input id={codeId} ref={codeRef} type="text" inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" data-testid="sign-in-code"
            required value={code} disabled={pending} onChange={(event) => setCode(cleanTotpCode(event.target.value))} />
        </div>
      )}
      <AuthMessage />
      <div className="form-actions">
        <button type="submit" className="button button--primary" data-testid="sign-in-submit" disabled={pending || !password || !agentId.trim()}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </div>
    </form>
  );
}

function EnrollmentForm() {
  const controller = useDeskController();
  const enrollment = useDesk((state) => state.auth?.enrollment ?? null);
  const pending = useDesk((state) => state.authPending);
  const codeId = useId();
  const [code, setCode] = useState('');
  const codeRef = useFocusOnMount<HTMLInputElement>();
  if (!enrollment) return null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending || code.length !== 6) return;
    await controller.auth.completeEnrollment(code);
    setCode('');
  };
  return (
    <form className="auth__form" data-testid="enrollment-form" onSubmit={(event) => void submit(event)} aria-busy={pending}>
      <h1 className="auth__title">Set up your second factor</h1>
      <p>
        Your role signs in with a code from an authenticator app as well as the password. Add this account to the app,
        then type the 6-digit code it shows.
      </p>
      <div className="auth__secret">
        <span className="status-muted">Secret key (type it into the app):</span>
        <code data-testid="enrollment-secret" data-secret={enrollment.secret}>{groupSecret(enrollment.secret)}</code>
        <span className="status-muted">or open the setup link on this computer:</span>
        <a href={enrollment.otpauthUri} data-testid="enrollment-uri" className="auth__uri">{enrollment.otpauthUri}</a>
        <span className="status-muted">The secret is good until {formatClockTime(enrollment.expiresAt)}.</span>
      </div>
      <div className="form-row">
        <label htmlFor={codeId}>6-digit code</label>
        <input id={codeId} ref={codeRef} type="text" inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" data-testid="enrollment-code"
          required value={code} disabled={pending} onChange={(event) => setCode(cleanTotpCode(event.target.value))} />
      </div>
      <AuthMessage />
      <div className="form-actions">
        <button type="submit" className="button button--primary" data-testid="enrollment-submit" disabled={pending || code.length !== 6}>
          {pending ? 'Checking…' : 'Finish and sign in'}
        </button>
      </div>
    </form>
  );
}

/** The call that rings while the desk is locked: the number only, and the way to answer it. */
function LockedCall() {
  const ringing = useDesk((state) => (state.callState === 'ringing' ? state.currentCall : null));
  if (!ringing) return <p className="auth__call auth__call--none" aria-hidden="true"> </p>;
  return (
    <p className={ringing.is911Transfer ? 'auth__call auth__call--911' : 'auth__call'} role="status" data-testid="locked-call">
      {ringing.is911Transfer ? '911 transfer ringing' : 'Call ringing'}: unlock to answer.
    </p>
  );
}

function LockForm() {
  const controller = useDeskController();
  const auth = useDesk((state) => state.auth);
  const pending = useDesk((state) => state.authPending);
  const passwordId = useId();
  const [password, setPassword] = useState('');
  const passwordRef = useFocusOnMount<HTMLInputElement>();
  if (!auth) return null;
  const reason = authReasonText(auth);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending || !password) return;
    await controller.auth.unlock(password);
    setPassword('');
  };
  return (
    <form className="auth__form" data-testid="lock-form" onSubmit={(event) => void submit(event)} aria-busy={pending}>
      <h1 className="auth__title">Desk locked</h1>
      <p className="auth__name" data-testid="lock-name">{auth.displayName ?? auth.agentId}</p>
      <p className="status-muted auth__reason" data-testid="auth-reason">{reason ?? ' '}</p>
      <LockedCall />
      <div className="form-row">
        <label htmlFor={passwordId}>Password</label>
        <input id={passwordId} ref={passwordRef} type="password" autoComplete="current-password" data-testid="unlock-password" required
          maxLength={256} value={password} disabled={pending} onChange={(event) => setPassword(event.target.value)} />
      </div>
      <AuthMessage />
      <div className="form-actions">
        <button type="submit" className="button button--primary" data-testid="unlock-submit" disabled={pending || !password}>
          {pending ? 'Unlocking…' : 'Unlock'}
        </button>
        <button type="button" className="button button--quiet" data-testid="lock-sign-out" disabled={pending} onClick={() => void controller.signOut(false)}>
          Sign out
        </button>
      </div>
    </form>
  );
}

/** The screen for the current auth state; nothing while the desk is unlocked. */
export function AuthScreen() {
  const state = useDesk((s) => s.auth?.state ?? null);
  const offline = useDesk((s) => s.syncStatus?.connection === 'offline');
  if (state === null || state === 'unlocked') return null;
  return (
    <main className="auth" data-testid="auth-screen" data-state={state}>
      <div className="auth__card">
        <div className="brand auth__brand">
          Frontdesk<span>311</span>
        </div>
        {state === 'signed_out' && <SignInForm />}
        {state === 'totp_enrollment' && <EnrollmentForm />}
        {state === 'locked' && <LockForm />}
        <p className="status-muted auth__link" data-testid="auth-server-link">
          {offline ? 'The central server is unreachable: unlocking works offline while this desk allows it.' : ' '}
        </p>
      </div>
    </main>
  );
}

/** After a sign-in checked on this desk because the server was unreachable, for as long as it still is. */
export function OfflineSignInNotice() {
  const offline = useDesk((state) => state.signedInOffline && state.auth?.state === 'unlocked' && state.syncStatus?.connection !== 'online');
  const until = useDesk((state) => state.auth?.offlineUnlockUntil ?? null);
  if (!offline) return null;
  return (
    <div className="notice" role="status" data-testid="offline-sign-in">
      <span>
        Signed in offline: the central server is unreachable, so the password was checked on this desk
        {until ? ` (allowed until ${formatClockTime(until)})` : ''}. Changes are kept here and sent when it is back.
      </span>
    </div>
  );
}
