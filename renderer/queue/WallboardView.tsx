// The team lead's wallboard: queue cards, the agent table, metric cards with their method, and
// alerts; a big-screen mode shows the cards the lead chose, saved on the server per lead. The
// numbers come from wallboard-view.ts; these components only lay them out.
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  WALLBOARD_CARDS, WallboardPreferencesSchema,
  type WallboardAlert, type WallboardCard, type WallboardPreferences,
} from '../../shared/live-protocol.js';
import { formatClock } from '../app/format.js';
import { useNow } from '../app/use-now.js';
import { INITIAL_FEED_STATE, type WallboardFeedState } from './wallboard-feed.js';
import { WallboardConnection, type WallboardSource } from './wallboard-connection.js';
import { AgentControls, LiveCallControls, WaitingCallControls } from './SupervisorControls.js';
import type { SupervisorActions } from './supervisor-actions.js';
import { buildSupervisorView, INITIAL_PANEL_STATE, SupervisorController, type SupervisorView } from './supervisor-view.js';
import {
  buildWallboard, CARD_TITLES, toggleBigScreenCard, visibleCards,
  type AgentRowView, type MetricCardView, type QueueCardView, type WallboardViewModel,
} from './wallboard-view.js';

export interface WallboardPreferenceStore {
  load(): Promise<WallboardPreferences>;
  save(preferences: WallboardPreferences): Promise<void>;
}

export interface WallboardViewProps {
  /** How to reach the server's `/live/wallboard` feed; the app uses the host's relay (`deskWallboardSource`). */
  source: WallboardSource;
  /** `GET/PUT /live/preferences` for the signed-in lead. */
  preferences: WallboardPreferenceStore;
  /** Called once per newly raised alert, so the app can raise a desktop notification. */
  notify?: (alert: WallboardAlert) => void;
  /** The team lead's actions (the app's go through the host: `deskSupervisorActions`); without it the wallboard only shows. */
  supervisor?: SupervisorActions;
}

/** The lead's controls in the cards' rows, when the wallboard was given actions. */
interface RowActions {
  view: SupervisorView;
  controller: SupervisorController;
}

const DEFAULT_PREFERENCES = WallboardPreferencesSchema.parse({});

function QueueCard({ view, actions }: { view: QueueCardView; actions: RowActions | null }) {
  return (
    <section className={`wb-card wb-queue${view.alert ? ' wb-card--alert' : ''}`} data-testid={`queue-card-${view.queue}`}>
      <h2>{view.label}</h2>
      <p className="wb-figure">
        <span data-testid="queue-waiting">{view.waiting}</span> waiting
      </p>
      <p>
        Oldest wait <strong data-testid="queue-oldest-wait">{view.oldestWait}</strong>
      </p>
      <p className="wb-muted">
        Today: <span data-testid="queue-handled">{view.handledToday}</span> handled,{' '}
        <span data-testid="queue-abandoned">{view.abandonedToday}</span> abandoned
      </p>
      {view.calls.length > 0 && (
        <ol className="wb-waiting">
          {view.calls.map((call) => (
            <li key={call.callId} data-testid="waiting-call">
              <span>{call.wait}</span>
              {call.is911Transfer && <span className="badge badge--911 badge--small">911</span>}
              {actions?.view.waitingCalls[call.callId] && (
                <WaitingCallControls view={actions.view.waitingCalls[call.callId]!} controller={actions.controller} />
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function AgentTable({ rows, counts, actions }: { rows: AgentRowView[]; counts: WallboardViewModel['stateCounts']; actions: RowActions | null }) {
  return (
    <section className="wb-card wb-agents" data-testid="agents-card">
      <h2>Agents</h2>
      <ul className="wb-state-counts">
        {counts.map((count) => (
          <li key={count.state} data-testid={`state-count-${count.state}`}>
            {count.label} <strong>{count.count}</strong>
          </li>
        ))}
      </ul>
      <table>
        <thead>
          <tr>
            <th>Agent</th><th>State</th><th>For</th><th>Reason</th><th>Call</th><th>Skills</th>{actions && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid={`agent-row-${row.id}`} className={`wb-state--${row.state}${row.alert ? ' wb-row--alert' : ''}`}>
              <td>{row.name}</td>
              <td data-testid="agent-state">{row.stateLabel}</td>
              <td>{row.timeInState}</td>
              <td>{row.reason ?? ''}</td>
              <td>
                {row.currentCall ? row.currentCall.queue : ''}
                {row.currentCall && actions?.view.liveCalls[row.currentCall.callId] && (
                  <LiveCallControls view={actions.view.liveCalls[row.currentCall.callId]!} controller={actions.controller} />
                )}
              </td>
              <td>{row.skills}</td>
              {actions && (
                <td>{actions.view.agents[row.id] && <AgentControls view={actions.view.agents[row.id]!} controller={actions.controller} />}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function MetricCard({ view }: { view: MetricCardView }) {
  return (
    <section className={`wb-card wb-metric wb-metric--${view.tone}`} data-testid={`metric-card-${view.card}`} title={view.help}>
      <h2>{view.title}</h2>
      <p className="wb-figure" data-testid="metric-interval">{view.interval}</p>
      <p>
        Today <strong data-testid="metric-day">{view.day}</strong>
      </p>
      <p className="wb-muted">{view.detail}</p>
    </section>
  );
}

function AlertList({ alerts }: { alerts: WallboardAlert[] }) {
  return (
    <section className="wb-card wb-alerts" data-testid="alerts-card" aria-live="polite">
      <h2>Alerts</h2>
      {alerts.length === 0 ? (
        <p className="wb-muted">None</p>
      ) : (
        <ul>
          {alerts.map((alert) => (
            <li key={alert.id} data-testid={`alert-${alert.id}`} className={`wb-alert wb-alert--${alert.kind}`}>
              {alert.message} <span className="wb-muted">since {formatClock(alert.since)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function MethodHelp({ method }: { method: WallboardViewModel['method'] }) {
  return (
    <details className="wb-help" data-testid="method-help">
      <summary>How these figures are counted</summary>
      <dl>
        {method.map((entry) => (
          <div key={entry.term}>
            <dt>{entry.term}</dt>
            <dd>{entry.text}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function CardChooser({ preferences, onChange }: { preferences: WallboardPreferences; onChange(next: WallboardPreferences): void }) {
  return (
    <fieldset className="wb-chooser" data-testid="card-chooser">
      <legend>Cards on the big screen</legend>
      {WALLBOARD_CARDS.map((card) => (
        <label key={card}>
          <input
            type="checkbox"
            checked={preferences.bigScreenCards.includes(card)}
            onChange={() => onChange(toggleBigScreenCard(preferences, card))}
          />
          {CARD_TITLES[card]}
        </label>
      ))}
    </fieldset>
  );
}

function renderCard(card: WallboardCard, model: WallboardViewModel, actions: RowActions | null) {
  if (card === 'agents') return <AgentTable key={card} rows={model.agents} counts={model.stateCounts} actions={actions} />;
  if (card === 'alerts') return <AlertList key={card} alerts={model.alerts} />;
  const queue = model.queues.find((view) => view.card === card);
  if (queue) return <QueueCard key={card} view={queue} actions={actions} />;
  const metric = model.metrics.find((view) => view.card === card);
  return metric ? <MetricCard key={card} view={metric} /> : null;
}

export function WallboardView({ source, preferences: preferenceStore, notify, supervisor }: WallboardViewProps) {
  const [feed, setFeed] = useState<WallboardFeedState>(INITIAL_FEED_STATE);
  const [preferences, setPreferences] = useState<WallboardPreferences>(DEFAULT_PREFERENCES);
  const notifyRef = useRef(notify);
  notifyRef.current = notify;
  const now = useNow(1_000);

  useEffect(() => {
    const connection = new WallboardConnection(source, { onChange: setFeed, notify: (alert) => notifyRef.current?.(alert) });
    connection.start();
    return () => connection.stop();
  }, [source]);

  useEffect(() => {
    let current = true;
    preferenceStore.load().then((loaded) => current && setPreferences(loaded), () => undefined);
    return () => {
      current = false;
    };
  }, [preferenceStore]);

  const choose = (next: WallboardPreferences) => {
    setPreferences(next);
    void preferenceStore.save(next).catch(() => undefined);
  };

  const model = useMemo(() => buildWallboard(feed, now), [feed, now]);
  const [panel, setPanel] = useState(INITIAL_PANEL_STATE);
  const controller = useMemo(() => (supervisor ? new SupervisorController(supervisor, setPanel) : null), [supervisor]);
  const actions = useMemo<RowActions | null>(
    () => (controller ? { view: buildSupervisorView(feed.board, panel), controller } : null),
    [controller, feed.board, panel],
  );
  // Queues beyond the configured cards (a new queue) still show in the normal view.
  const extraQueues = preferences.bigScreen ? [] : model.queues.filter((view) => view.card === null);

  return (
    <div className={`wallboard${preferences.bigScreen ? ' wallboard--big' : ''}`} data-testid="wallboard">
      <header className="wb-header">
        <h1>Queues and agents</h1>
        <span className={`pill ${model.live ? 'pill--agent-available' : 'pill--open'}`} data-testid="wallboard-status">
          {model.statusText}
        </span>
        <button type="button" data-testid="big-screen-toggle" onClick={() => choose({ ...preferences, bigScreen: !preferences.bigScreen })}>
          {preferences.bigScreen ? 'Leave big screen' : 'Big screen'}
        </button>
      </header>
      <div className="wb-grid">
        {visibleCards(preferences).map((card) => renderCard(card, model, actions))}
        {extraQueues.map((view) => (
          <QueueCard key={view.queue} view={view} actions={actions} />
        ))}
      </div>
      {!preferences.bigScreen && (
        <>
          <MethodHelp method={model.method} />
          <CardChooser preferences={preferences} onChange={choose} />
        </>
      )}
    </div>
  );
}
