// Transfer: pick 911, a department line or an agent (1-9), then consult first (warm, W) or send
// the caller straight there (cold, B). While a warm transfer consults: complete (C) or cancel (X).
import { useDeskController } from '../app/controller-context.js';
import { SHORTCUT_KEYS } from '../app/shortcuts.js';
import { useDesk } from '../stores/desk-store.js';
import { sameChoice, transferChoices } from './call-controls-view.js';

export function TransferDrawer() {
  const controller = useDeskController();
  const targets = useDesk((state) => state.transferTargets);
  const choice = useDesk((state) => state.transferChoice);
  const transfer = useDesk((state) => state.callControl?.transfer ?? null);
  const pending = useDesk((state) => state.controlPending);
  const inProgress = transfer !== null && (transfer.status === 'dialing' || transfer.status === 'consulting');
  if (inProgress) {
    return (
      <div className="transfer" data-testid="transfer-drawer">
        <p data-testid="transfer-status">
          {transfer.status === 'dialing' ? `Calling ${transfer.targetName}…` : `Talking to ${transfer.targetName}; the caller is on hold.`}
        </p>
      </div>
    );
  }
  return (
    <div className="transfer" data-testid="transfer-drawer">
      {targets.status === 'loading' && <p>Loading transfer targets…</p>}
      {targets.status === 'failed' && <p role="alert">{targets.error.message}</p>}
      {targets.status === 'ready' && (
        <ol className="transfer__targets">
          {transferChoices(targets.targets).map((target, index) => (
            <li key={`${target.kind}-${index}`}>
              <button
                type="button"
                className={`button button--quiet${sameChoice(choice, target) ? ' button--pressed' : ''}`}
                data-testid={`transfer-target-${target.kind === 'department' ? target.code : target.kind === 'agent' ? target.agentId : '911'}`}
                aria-pressed={sameChoice(choice, target)}
                title={index < 9 ? `${target.name} (${index + 1})` : target.name}
                onClick={() => controller.calls.chooseTransfer(target)}
              >
                {index < 9 && <kbd>{index + 1}</kbd>} {target.name}
              </button>
            </li>
          ))}
        </ol>
      )}
      {transfer?.status === 'failed' && <p role="alert">Transfer to {transfer.targetName} failed{transfer.failure ? `: ${transfer.failure}` : ''}.</p>}
      <div className="transfer__actions">
        <button type="button" className="button button--primary" data-testid="transfer-warm" disabled={!choice || pending !== null}
          title={`Talk to them first, then complete (${SHORTCUT_KEYS.warmTransfer})`} onClick={() => void controller.calls.transfer('warm')}>
          Consult first <kbd>{SHORTCUT_KEYS.warmTransfer}</kbd>
        </button>
        <button type="button" className="button button--quiet" data-testid="transfer-cold" disabled={!choice || pending !== null}
          title={`Send the caller straight there (${SHORTCUT_KEYS.coldTransfer})`} onClick={() => void controller.calls.transfer('cold')}>
          Transfer now <kbd>{SHORTCUT_KEYS.coldTransfer}</kbd>
        </button>
      </div>
    </div>
  );
}
