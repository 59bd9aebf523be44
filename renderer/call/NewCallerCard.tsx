// A number the local cache does not know: a small form the agent fills in while the caller talks
// (name, address; the number is already there). Saving it makes the caller, then opens a new case.
import { useId, useState, type FormEvent } from 'react';
import { useDeskController } from '../app/controller-context.js';
import { useDesk } from '../stores/desk-store.js';

export function NewCallerCard({ phone, callSid }: { phone: string; callSid: string }) {
  const controller = useDeskController();
  const form = useDesk((state) => (state.callerForm?.callSid === callSid ? state.callerForm : null));
  const nameId = useId();
  const phoneId = useId();
  const addressId = useId();
  const [name, setName] = useState('');
  const [callbackPhone, setCallbackPhone] = useState(phone);
  const [address, setAddress] = useState('');
  const saving = form?.saving === true;

  if (form?.saved) {
    return (
      <article className="caller-card caller-card--new" data-testid="new-caller">
        <header className="caller-card__head">
          <h2 className="caller-name" data-testid="caller-name">
            {form.saved.name}
          </h2>
          <span className="new-caller__phone">{phone}</span>
        </header>
        <p className="status-muted" data-testid="caller-saved">
          Caller saved on this desk{form.saved.address ? ` · ${form.saved.address}` : ''}.
        </p>
      </article>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim() || !callbackPhone.trim() || saving) return;
    void controller.cases.saveCaller(callSid, { name, phone: callbackPhone, address });
  };
  return (
    <article className="caller-card caller-card--new" data-testid="new-caller">
      <header className="caller-card__head">
        <h2 className="caller-name">New caller</h2>
        <span className="new-caller__phone">{phone}</span>
      </header>
      <p className="status-muted">No one in the local records uses this number.</p>
      <form className="new-caller-form" data-testid="new-caller-form" onSubmit={submit} aria-busy={saving}>
        <div className="form-row">
          <label htmlFor={nameId}>Name</label>
          <input
            id={nameId}
            type="text"
            autoComplete="off"
            data-testid="new-caller-name"
            required
            maxLength={200}
            value={name}
            disabled={saving}
            onChange={(event) => setName(event.target.value)}
            placeholder="Caller's name"
          />
        </div>
        <div className="form-row">
          <label htmlFor={phoneId}>Phone</label>
          <input id={phoneId} type="tel" autoComplete="off" required value={callbackPhone} disabled={saving} onChange={(event) => setCallbackPhone(event.target.value)} />
        </div>
        <div className="form-row">
          <label htmlFor={addressId}>Address</label>
          <input
            id={addressId}
            type="text"
            autoComplete="off"
            data-testid="new-caller-address"
            maxLength={300}
            value={address}
            disabled={saving}
            onChange={(event) => setAddress(event.target.value)}
            placeholder="Street address, if given"
          />
        </div>
        {form?.error && (
          <p className="form-error" role="alert">
            The caller was not saved: {form.error.message} <code>{form.error.code}</code>
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button button--primary" data-testid="new-caller-submit" disabled={saving || !name.trim()}>
            {saving ? 'Saving…' : 'Save caller and start a case'}
          </button>
        </div>
      </form>
    </article>
  );
}
