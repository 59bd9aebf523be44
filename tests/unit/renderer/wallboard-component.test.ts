// The thin WallboardView rendered to markup (no DOM): before the feed says anything it already
// lays out every card with its test id, says it is connecting, and carries the method as help.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { WALLBOARD_CARDS, type WallboardPreferences } from '../../../shared/live-protocol.js';
import { METRICS_METHOD } from '../../../shared/queue/metrics.js';
import { WallboardView } from '../../../renderer/queue/WallboardView.js';

describe('WallboardView', () => {
  it('renders every card, the connecting status and the method help', () => {
    const html = renderToStaticMarkup(
      createElement(WallboardView, {
        source: { open: () => ({ send: () => undefined, close: () => undefined }) },
        preferences: { load: () => new Promise<WallboardPreferences>(() => undefined), save: async () => undefined },
      }),
    );
    for (const card of WALLBOARD_CARDS) {
      const testId = card === 'agents' ? 'agents-card' : card === 'alerts' ? 'alerts-card' : card.startsWith('queue:') ? `queue-card-${card.slice(6)}` : `metric-card-${card}`;
      expect(html).toContain(`data-testid="${testId}"`);
    }
    expect(html).toContain('Connecting…');
    expect(html).toContain('data-testid="big-screen-toggle"');
    // React escapes quotes and the like; the plain words of each entry are there.
    for (const entry of METRICS_METHOD) expect(html).toContain(`<dt>${entry.term}</dt>`);
  });
});
