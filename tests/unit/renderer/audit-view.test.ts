// The admin's audit view without a DOM: the filter form turned into the contract's filters (whole
// local days, "to" included, unknown actions and reversed dates refused), paging with the cursor,
// what a row shows, and who gets the Audit tab (admins only, whatever the store was told).
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, type AuditEntry, type AuditPage } from '../../../shared/audit-api.js';
import { DeskMethods } from '../../../shared/desk-api.js';
import type { AgentRole } from '../../../shared/domain/agent.js';
import { App } from '../../../renderer/app/App.js';
import { DeskController } from '../../../renderer/app/controller.js';
import { createMilestoneRecorder } from '../../../renderer/app/milestones.js';
import {
  AUDIT_ACTION_CHOICES, AUDIT_VIEW_PAGE_SIZE, EMPTY_AUDIT_FORM, filtersFromForm, firstPage, nextPageParams, objectLabel,
  summarizeDetails, withNextPage,
} from '../../../renderer/audit/audit-view.js';
import { AuditTable, AuditView } from '../../../renderer/audit/AuditView.js';
import { createDeskStore, DeskStoreContext } from '../../../renderer/stores/desk-store.js';
import { canSeeAudit } from '../../../renderer/stores/view-slice.js';
import { createFakeDesk } from './fake-desk.js';
import { session, unlockedAuthState } from './fixtures.js';

function entry(seq: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    seq, at: `2026-12-01T10:00:${String(seq % 60).padStart(2, '0')}.000Z`, recordedAt: '2026-12-01T10:01:00.000Z', agentId: 'demo-calltaker',
    action: 'case.view', objectType: 'case', objectId: `case-${seq}`, details: {}, clientId: 'desk-1', ip: '127.0.0.1',
    prevHash: '0'.repeat(64), hash: 'f'.repeat(64), ...over,
  };
}

describe('the audit filters', () => {
  it('sends nothing for an empty form, and trims what was typed', () => {
    expect(filtersFromForm(EMPTY_AUDIT_FORM)).toEqual({ ok: true, filters: {} });
    expect(filtersFromForm({ ...EMPTY_AUDIT_FORM, agentId: '  demo-lead ', objectType: 'case', objectId: ' ', clientId: 'desk-7', action: 'auth.sign_in' }))
      .toEqual({ ok: true, filters: { agentId: 'demo-lead', objectType: 'case', clientId: 'desk-7', action: 'auth.sign_in' } });
  });

  it('searches whole local days, the "to" day included, and the contract accepts the result', () => {
    const check = filtersFromForm({ ...EMPTY_AUDIT_FORM, from: '2026-11-30', to: '2026-12-01' });
    expect(check).toEqual({ ok: true, filters: { from: new Date(2026, 10, 30).toISOString(), to: new Date(2026, 11, 2).toISOString() } });
    if (!check.ok) throw new Error('refused');
    expect(DeskMethods.searchAudit.params.parse({ ...check.filters, limit: AUDIT_VIEW_PAGE_SIZE })).toMatchObject(check.filters);
    // One day: from its midnight to the next.
    const oneDay = filtersFromForm({ ...EMPTY_AUDIT_FORM, from: '2026-12-01', to: '2026-12-01' });
    expect(oneDay.ok && Date.parse(oneDay.filters.to!) - Date.parse(oneDay.filters.from!)).toBeGreaterThanOrEqual(23 * 3600_000);
  });

  it('refuses reversed dates, a broken date and an action outside the catalogue', () => {
    expect(filtersFromForm({ ...EMPTY_AUDIT_FORM, from: '2026-12-02', to: '2026-12-01' })).toMatchObject({ ok: false, problem: expect.stringMatching(/after/) });
    expect(filtersFromForm({ ...EMPTY_AUDIT_FORM, from: '12/01/2026' })).toMatchObject({ ok: false });
    expect(filtersFromForm({ ...EMPTY_AUDIT_FORM, action: 'auth.signin' })).toMatchObject({ ok: false, problem: expect.stringMatching(/not an audit action/) });
  });

  it('offers every action of the catalogue', () => {
    expect(AUDIT_ACTION_CHOICES.map((choice) => choice.name)).toEqual(Object.keys(AUDIT_ACTIONS));
  });
});

describe('paging through the results', () => {
  const filters = { action: 'case.view' as const };
  const page1: AuditPage = { entries: [entry(9), entry(8)], nextCursor: 8 };
  const page2: AuditPage = { entries: [entry(8), entry(5)], nextCursor: null };

  it('asks for the next page after the cursor with the same filters, and stops at the last', () => {
    const first = firstPage(filters, page1);
    expect(nextPageParams(first)).toEqual({ action: 'case.view', limit: AUDIT_VIEW_PAGE_SIZE, cursor: 8 });
    const both = withNextPage(first, page2);
    expect(both.entries.map((shown) => shown.seq)).toEqual([9, 8, 5]);
    expect(both.filters).toEqual(filters);
    expect(nextPageParams(both)).toBeNull();
  });

  it('renders a row per entry, "Load more" while there are older ones, and a word when nothing matched', () => {
    const html = renderToStaticMarkup(createElement(AuditTable, { results: firstPage(filters, page1), loadingMore: false, disabled: false, onLoadMore: () => undefined }));
    expect(html.match(/data-testid="audit-entry"/g)).toHaveLength(2);
    expect(html).toContain('data-testid="audit-load-more"');
    expect(html).toContain('case-9');
    const last = renderToStaticMarkup(createElement(AuditTable, { results: withNextPage(firstPage(filters, page1), page2), loadingMore: false, disabled: false, onLoadMore: () => undefined }));
    expect(last).not.toContain('audit-load-more');
    expect(last).toContain('no older entries');
    const empty = renderToStaticMarkup(createElement(AuditTable, { results: firstPage(filters, { entries: [], nextCursor: null }), loadingMore: false, disabled: false, onLoadMore: () => undefined }));
    expect(empty).toContain('data-testid="audit-empty"');
  });

  it('summarises details on one line, cut short, and names the object', () => {
    expect(summarizeDetails({ mutation: 'create_case', resultCount: 3, caseIds: ['a', 'b'] })).toBe('mutation: create_case, resultCount: 3, caseIds: ["a","b"]');
    expect(summarizeDetails({ filters: { agentId: 'x'.repeat(300) } })).toHaveLength(140);
    expect(summarizeDetails({})).toBe('');
    expect(objectLabel({ objectType: 'case', objectId: 'c-1' })).toBe('case c-1');
    expect(objectLabel({ objectType: null, objectId: null })).toBe('');
  });

  it('labels every filter for the keyboard and screen readers', () => {
    const html = renderToStaticMarkup(createElement(AuditView, { desk: createFakeDesk().desk }));
    for (const label of ['Agent id', 'Action', 'Object type', 'Object id', 'Desk (client id)', 'From', 'To (included)']) {
      expect(html).toMatch(new RegExp(`<label class="form-row">${label.replace(/[()]/g, '\\$&')}<(input|select)`));
    }
    expect(html).toContain('<option value="auth.sign_in"');
    expect(html).toMatch(/<button type="submit"[^>]*data-testid="audit-search"/);
  });
});

function renderApp(role: AgentRole, view: 'calls' | 'audit'): string {
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
  const chosen = store.getState().deskView;
  // A store told to show the audit log whatever the role (a stale view after a role change, say).
  store.setState({ deskView: view });
  const current = store.getState();
  store.getInitialState = () => current;
  return `${chosen}|${renderToStaticMarkup(createElement(DeskStoreContext.Provider, { value: store }, createElement(App, { controller })))}`;
}

describe('the Audit tab', () => {
  it('is an admin\'s only', () => {
    expect(canSeeAudit({ agent: { ...session.agent, role: 'admin' } })).toBe(true);
    for (const role of ['call_taker', 'triage_call_taker', 'team_lead', 'department_staff'] as const) {
      expect(canSeeAudit({ agent: { ...session.agent, role } })).toBe(false);
    }
    expect(canSeeAudit({ agent: null })).toBe(false);
  });

  it('shows an admin the tab and the audit view in the wide workspace', () => {
    expect(renderApp('admin', 'calls')).toContain('data-testid="view-audit"');
    const html = renderApp('admin', 'audit');
    expect(html.startsWith('audit|')).toBe(true);
    expect(html).toContain('data-testid="audit-view"');
    expect(html).toContain('workspace--floor');
  });

  it.each(['team_lead', 'call_taker'] as const)('never shows a %s the tab or the view', (role) => {
    const html = renderApp(role, 'audit');
    // The store refused the choice; the frame refuses a stale one.
    expect(html.startsWith('calls|')).toBe(true);
    expect(html).not.toContain('data-testid="view-audit"');
    expect(html).not.toContain('data-testid="audit-view"');
  });
});
