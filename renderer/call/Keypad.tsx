// The DTMF keypad: twelve keys (also typed on the keyboard while it is open) and what was sent.
import { useDeskController } from '../app/controller-context.js';
import { useDesk } from '../stores/desk-store.js';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function Keypad() {
  const controller = useDeskController();
  const sent = useDesk((state) => state.digitsSent);
  return (
    <div className="keypad" data-testid="keypad" aria-label="Keypad">
      <output className="keypad__sent" data-testid="keypad-sent">{sent || ' '}</output>
      <div className="keypad__keys">
        {KEYS.map((key) => (
          <button key={key} type="button" className="button keypad__key" data-testid={`keypad-${key}`} title={`Send ${key} (${key})`} onClick={() => controller.calls.sendDigit(key)}>
            {key}
          </button>
        ))}
      </div>
    </div>
  );
}
