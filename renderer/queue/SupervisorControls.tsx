// The team lead's controls in the wallboard's rows: an agent's state and skills, a waiting call's
// priority and assignment, and listen / coach / barge / leave on a live call. What each offers is
// computed in supervisor-view.ts; these only lay it out and pass clicks to the controller.
import type { AwayReason } from '../../shared/domain/agent.js';
import type { AgentControlsView, LiveCallControlsView, SupervisorController, WaitingCallControlsView } from './supervisor-view.js';

function Refusal({ error }: { error: string | null }) {
  return error ? <span className="wb-error" role="alert" data-testid="supervisor-error">{error}</span> : null;
}

export function AgentControls({ view, controller }: { view: AgentControlsView; controller: SupervisorController }) {
  const { agentId } = view;
  return (
    <div className="wb-actions" data-testid={`agent-actions-${agentId}`} aria-busy={view.pending}>
      {view.blocked && <span className="wb-muted">{view.blocked}</span>}
      <select
        aria-label="Away reason"
        data-testid="away-reason"
        value={view.awayReason}
        disabled={view.blocked !== null}
        onChange={(event) => controller.dispatch({ type: 'chooseAwayReason', agentId, reason: event.target.value as AwayReason })}
      >
        {view.awayReasons.map((reason) => (
          <option key={reason.value} value={reason.value}>{reason.label}</option>
        ))}
      </select>
      {view.states.map((button) => (
        <button key={button.state} type="button" data-testid={`set-state-${button.state}`} disabled={button.disabled}
          onClick={() => void controller.setAgentState(agentId, button.state)}>
          {button.label}
        </button>
      ))}
      {view.skills.editing ? (
        <fieldset className="wb-skills" data-testid="skills-editor">
          <legend>Skills</legend>
          {view.skills.options.map((option) => (
            <label key={option.skill}>
              <input type="checkbox" data-testid={`skill-${option.skill}`} checked={option.checked}
                onChange={() => controller.dispatch({ type: 'toggleSkill', agentId, skill: option.skill })} />
              {option.label}
            </label>
          ))}
          <button type="button" data-testid="save-skills" disabled={view.pending} onClick={() => void controller.saveSkills(agentId)}>Save</button>
          <button type="button" data-testid="cancel-skills" onClick={() => controller.dispatch({ type: 'closeSkills', agentId })}>Cancel</button>
        </fieldset>
      ) : (
        <button type="button" data-testid="edit-skills"
          onClick={() => controller.dispatch({ type: 'editSkills', agentId, skills: view.skills.options.filter((o) => o.checked).map((o) => o.skill) })}>
          Skills…
        </button>
      )}
      <Refusal error={view.error} />
    </div>
  );
}

export function WaitingCallControls({ view, controller }: { view: WaitingCallControlsView; controller: SupervisorController }) {
  const { callId, assignee } = view;
  return (
    <span className="wb-actions" data-testid={`waiting-call-actions-${callId}`} aria-busy={view.pending}>
      {view.priority === 'high' && <span className="badge badge--small" data-testid="priority-high">High</span>}
      <button type="button" data-testid="toggle-priority" disabled={view.pending}
        onClick={() => void controller.setPriority(callId, view.priorityToggle.to)}>
        {view.priorityToggle.label}
      </button>
      {view.assignees.length > 0 && (
        <>
          <select aria-label="Assign to" data-testid="assignee" value={assignee ?? ''}
            onChange={(event) => controller.dispatch({ type: 'chooseAssignee', callId, agentId: event.target.value })}>
            {view.assignees.map((agent) => (
              <option key={agent.agentId} value={agent.agentId}>{agent.name}</option>
            ))}
          </select>
          <button type="button" data-testid="assign" disabled={view.pending || assignee === null}
            onClick={() => assignee && void controller.assign(callId, assignee)}>
            Assign
          </button>
        </>
      )}
      <Refusal error={view.error} />
    </span>
  );
}

export function LiveCallControls({ view, controller }: { view: LiveCallControlsView; controller: SupervisorController }) {
  const { callId } = view;
  return (
    <span className="wb-actions" data-testid={`live-call-actions-${callId}`} aria-busy={view.pending}>
      {view.modes.map((button) => (
        <button key={button.mode} type="button" data-testid={`monitor-${button.mode}`} aria-pressed={button.active} disabled={button.disabled}
          onClick={() => void controller.monitor(callId, button.mode)}>
          {button.label}
        </button>
      ))}
      {view.canLeave && (
        <button type="button" data-testid="monitor-leave" onClick={() => void controller.leave(callId)}>Leave</button>
      )}
      {view.blocked && <span className="wb-muted">{view.blocked}</span>}
      <Refusal error={view.error} />
    </span>
  );
}
