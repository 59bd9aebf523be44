// The app's frame rendered to markup (no DOM) for each role: team leads and admins get the
// Calls / Floor switch and, on the floor, the wallboard with its method help in place of the
// call view; a call-taker gets neither, even if the store was told to show the floor.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AgentRole } from '../../../shared/domain/agent.js';
import { App } from '../../../renderer/app/App.js';
import { DeskController } from '../../../renderer/app/controller.js';
import { createMilestoneRecorder } from '../../../renderer/app/milestones.js';
import { createDeskStore, DeskStoreContext } from '../../../renderer/stores/desk-store.js';
import { createFakeDesk } from './fake-desk.js';
import { session, unlockedAuthState } from './fixtures.js';

function render(role: AgentRole, view: 'calls' | 'floor'): string {
  const store = createDeskStore();
  const controller = new DeskController({
    desk: createFakeDesk().desk,
    store,
    milestone: createMilestoneRecorder({}),
    createSoftphone: async () => {
      throw new Error('no softphone here');
    },
  });
  store.getState().authStateReceived(unlockedAuthState);
  store.getState().sessionLoaded({ ...session, agent: { ...session.agent, role } });
  store.getState().deskViewChosen(view);
  // A store told to show the floor for a call-taker (a stale view after a role change, say).
  if (view === 'floor') store.setState({ deskView: 'floor' });
  // Server rendering reads zustand's initial state; make it the state set up here.
  const current = store.getState();
  store.getInitialState = () => current;
  return renderToStaticMarkup(createElement(DeskStoreContext.Provider, { value: store }, createElement(App, { controller })));
}

describe('the floor view', () => {
  it.each(['team_lead', 'admin'] as const)('lets a %s switch between the calls and the floor', (role) => {
    const calls = render(role, 'calls');
    expect(calls).toContain('data-testid="view-switch"');
    expect(calls).not.toContain('data-testid="wallboard"');

    const floor = render(role, 'floor');
    expect(floor).toContain('data-testid="view-floor"');
    expect(floor).toContain('data-testid="wallboard"');
    expect(floor).toContain('data-testid="method-help"');
    expect(floor).toContain('workspace--floor');
  });

  it.each(['call_taker', 'triage_call_taker'] as const)('never shows a %s the switch or the wallboard', (role) => {
    for (const view of ['calls', 'floor'] as const) {
      const html = render(role, view);
      expect(html).not.toContain('data-testid="view-switch"');
      expect(html).not.toContain('data-testid="wallboard"');
      expect(html).not.toContain('workspace--floor');
    }
  });
});
