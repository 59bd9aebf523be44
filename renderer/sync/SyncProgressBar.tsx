// The first sync's progress (and any long catch-up): rows so far, rate and time left. The desk
// stays usable meanwhile; lookups answer from what has already arrived.
import { useDesk } from '../stores/desk-store.js';
import { syncProgressView } from './sync-view.js';

export function SyncProgressBar() {
  const progress = useDesk((state) => state.syncStatus?.progress ?? null);
  if (!progress) return null;
  const view = syncProgressView(progress);
  return (
    <div className="sync-progress" data-testid="sync-progress">
      <div className="sync-progress__text">
        <strong>Loading the city's records</strong>
        <span>{view.rowsText}</span>
        <span>{view.rateText}</span>
        <span>{view.timeLeftText}</span>
        <span className="status-muted">Lookups already work for what has arrived.</span>
      </div>
      <div
        className="sync-progress__track"
        role="progressbar"
        aria-label="Records loaded"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={view.percent}
        aria-valuetext={`${view.rowsText}, ${view.timeLeftText}`}
      >
        <div className="sync-progress__bar" style={{ width: `${view.percent}%` }} />
      </div>
    </div>
  );
}
