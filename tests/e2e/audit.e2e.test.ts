// An admin searches and exports the audit log in web mode against the real server: the Audit tab,
// a search by action that finds their own sign-in, and "Export CSV" saved as a download with the
// server's header and that sign-in in it; the export itself is then in the log.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_CSV_COLUMNS } from '../../server/audit/routes.js';
import { startStack, type Stack } from './stack.js';
import { itLeavesACleanTrail } from './trail.js';

describe('audit view in web mode', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ agentId: 'demo-admin' });
    await stack.waitForAppEvent('desk-ready');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('finds the admin\'s own sign-in by action and exports it as CSV', async () => {
    const { page } = stack;
    await page.getByTestId('view-audit').click();
    await expect.poll(() => page.getByTestId('audit-view').isVisible(), { timeout: 10_000 }).toBe(true);

    await page.getByLabel('Action').selectOption('auth.sign_in');
    await page.getByLabel('Agent id').fill('demo-admin');
    // Enter in a field searches.
    await page.getByLabel('Agent id').press('Enter');
    const rows = page.locator('[data-testid="audit-entry"][data-action="auth.sign_in"]');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('audit-entry').count()).toBe(await rows.count());
    expect(await rows.first().textContent()).toContain('demo-admin');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^frontdesk311-audit-.*\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    const cells = lines.slice(1).map((line) => line.split(','));
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.every((row) => row[3] === 'demo-admin' && row[4] === 'auth.sign_in')).toBe(true);
    await expect.poll(() => page.getByTestId('audit-notice').textContent()).toContain(download.suggestedFilename());

    // The export is audited: it is the newest entry of the admin's.
    await page.getByLabel('Action').selectOption('audit.export');
    await page.getByTestId('audit-search').click();
    await expect.poll(() => page.locator('[data-testid="audit-entry"][data-action="audit.export"]').count(), { timeout: 10_000 }).toBe(1);
  });

  itLeavesACleanTrail(() => stack);
});
