// The live call's buttons (mute, hold, keypad, transfer or complete/cancel, hang up), each with
// its shortcut on the button and in its title; the drawers open below it.
import { useDeskController } from '../app/controller-context.js';
import { useDesk } from '../stores/desk-store.js';
import { liveCallButtons, type ControlButton } from './call-controls-view.js';
import { Keypad } from './Keypad.js';
import { TransferDrawer } from './TransferDrawer.js';

export function CallControlsBar() {
  const controller = useDeskController();
  const callState = useDesk((state) => state.callState);
  const muted = useDesk((state) => state.muted);
  const callControl = useDesk((state) => state.callControl);
  const pending = useDesk((state) => state.controlPending);
  const drawer = useDesk((state) => state.drawer);
  const error = useDesk((state) => state.controlError);
  const buttons = liveCallButtons({ callState, muted, callControl, pending, drawer });
  const press = (id: ControlButton['id']) => {
    const calls = controller.calls;
    if (id === 'mute') calls.toggleMute();
    if (id === 'hold') void calls.toggleHold();
    if (id === 'keypad') calls.toggleKeypad();
    if (id === 'transfer') void calls.toggleTransfer();
    if (id === 'completeTransfer') void calls.completeTransfer();
    if (id === 'cancelTransfer') void calls.cancelTransfer();
    if (id === 'hangup') controller.hangUp();
  };
  return (
    <div className="call-controls" data-testid="call-controls">
      <div className="call-controls__buttons" role="toolbar" aria-label="Call controls">
        {buttons.map((button) => (
          <button
            key={button.id}
            type="button"
            className={`button ${button.id === 'hangup' ? 'button--hangup' : 'button--control'}${button.pressed ? ' button--pressed' : ''}`}
            data-testid={button.id === 'hangup' ? 'hangup-call' : `control-${button.id}`}
            title={button.title}
            aria-keyshortcuts={button.shortcut}
            aria-pressed={button.pressed ?? undefined}
            disabled={!button.enabled}
            onClick={() => press(button.id)}
          >
            {button.label} <kbd>{button.shortcut}</kbd>
          </button>
        ))}
      </div>
      {callControl?.onHold && <p className="call-controls__hold" data-testid="on-hold">The caller is on hold.</p>}
      {error && (
        <p className="call-controls__error" role="alert" data-testid="control-error">
          {error.message} <code>{error.code}</code>
        </p>
      )}
      {drawer === 'keypad' && <Keypad />}
      {(drawer === 'transfer' || (callControl?.transfer && ['dialing', 'consulting'].includes(callControl.transfer.status))) && <TransferDrawer />}
    </div>
  );
}
