// A number the local cache does not know: the card the agent fills in while the caller talks.
import { useId, useState } from 'react';

export function NewCallerCard({ phone }: { phone: string }) {
  const nameId = useId();
  const phoneId = useId();
  const [name, setName] = useState('');
  const [callbackPhone, setCallbackPhone] = useState(phone);
  return (
    <article className="caller-card caller-card--new" data-testid="new-caller">
      <header className="caller-card__head">
        <h2 className="caller-name">New caller</h2>
        <span className="new-caller__phone">{phone}</span>
      </header>
      <p className="status-muted">No one in the local records uses this number.</p>
      <div className="form-row">
        <label htmlFor={nameId}>Name</label>
        <input id={nameId} type="text" autoComplete="off" value={name} onChange={(event) => setName(event.target.value)} placeholder="Caller's name" />
      </div>
      <div className="form-row">
        <label htmlFor={phoneId}>Phone</label>
        <input id={phoneId} type="tel" autoComplete="off" value={callbackPhone} onChange={(event) => setCallbackPhone(event.target.value)} />
      </div>
    </article>
  );
}
