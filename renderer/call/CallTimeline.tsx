// The call's life as the server recorded it: ring, answer, hold, transfer, end.
import { formatClockSeconds } from '../app/format.js';
import { useDesk } from '../stores/desk-store.js';
import { timelineRows } from './call-controls-view.js';

export function CallTimeline() {
  const timeline = useDesk((state) => state.callControl?.timeline);
  if (!timeline || timeline.length === 0) return null;
  return (
    <ol className="call-timeline" data-testid="call-timeline" aria-label="Call timeline">
      {timelineRows(timeline).map((row) => (
        <li key={row.key} className={`call-timeline__item call-timeline__item--${row.kind}`} data-testid="timeline-event" data-kind={row.kind}>
          <time dateTime={row.at}>{formatClockSeconds(row.at)}</time> {row.label}
          {row.detail && <span className="status-muted"> · {row.detail}</span>}
        </li>
      ))}
    </ol>
  );
}
