// Case intake end to end in web mode: a call from an unknown number becomes a caller and a case
// with a reference; with the server out of reach a case still gets a provisional reference the
// agent can read out, and once the desk is back the official number replaces it.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.js';
import { itLeavesACleanTrail } from './trail.js';

const PROVISIONAL = /^P-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
const OFFICIAL = /^\d{8}$/;

async function agentState(stack: Stack): Promise<string | undefined> {
  const rows = await stack.server.store.query<{ state: string }>("SELECT state FROM agents WHERE id = 'demo-calltaker'");
  return rows[0]?.state;
}

async function text(stack: Stack, testId: string): Promise<string> {
  return ((await stack.page.getByTestId(testId).first().textContent()) ?? '').trim();
}

/** Picks the first service type offered and fills the rest of the new-case form. */
async function fillNewCase(stack: Stack, description: string, address?: string): Promise<void> {
  const { page } = stack;
  const form = page.getByTestId('new-case-form');
  await form.waitFor();
  await expect.poll(() => form.getByTestId('service-type-select').locator('option').count()).toBeGreaterThan(0);
  await form.getByTestId('service-type-select').selectOption({ index: 0 });
  await form.getByTestId('new-case-description').fill(description);
  if (address !== undefined) await form.getByTestId('new-case-address').fill(address);
  await form.getByTestId('new-case-submit').click();
}

describe('cases in web mode', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ proxy: true });
    await stack.waitForAppEvent('softphone-registered');
    await stack.host.syncOnce();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('turns a call from an unknown number into a caller and a case with a reference', async () => {
    const { page } = stack;
    await expect.poll(() => agentState(stack), { timeout: 20_000 }).toBe('available');
    const popsBefore = await stack.appEventCount('screen-pop-rendered');
    await stack.placeCall('(267) 555-0188');
    await stack.waitForAppEvent('screen-pop-rendered', popsBefore);
    await page.getByTestId('accept-call').click();
    await expect.poll(() => page.getByTestId('call-state').textContent()).toBe('in_call');

    await page.getByTestId('new-caller-name').fill('Rosa Delgado');
    await page.getByTestId('new-caller-address').fill('2100 S Broad St');
    await page.getByTestId('new-caller-submit').click();
    await expect.poll(() => text(stack, 'caller-saved')).toContain('2100 S Broad St');
    // The case's address starts as the caller's.
    expect(await page.getByTestId('new-case-address').inputValue()).toBe('2100 S Broad St');
    await fillNewCase(stack, 'Streetlight out in front of the house');

    await page.getByTestId('created-case-reference').waitFor();
    const first = await text(stack, 'created-case-reference');
    expect(PROVISIONAL.test(first) || OFFICIAL.test(first)).toBe(true);
    // Online, the server's number follows within a sync or two.
    await expect.poll(() => text(stack, 'created-case-reference'), { timeout: 20_000 }).toMatch(OFFICIAL);
    const official = await text(stack, 'created-case-reference');
    const rows = await stack.server.store.query<{ description: string; provisional_reference: string | null }>(
      'SELECT description, provisional_reference FROM service_requests WHERE reference = $1',
      [official],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.description).toBe('Streetlight out in front of the house');
    expect(rows[0]?.provisional_reference).toMatch(PROVISIONAL);
    expect(await text(stack, 'created-case-provisional')).toBe(rows[0]?.provisional_reference);

    await page.getByTestId('hangup-call').click();
    await expect.poll(() => page.getByTestId('call-state').textContent()).not.toBe('in_call');
    await page.getByTestId('intake-done').click();
  });

  it('gives a case made offline a provisional reference, then the official number once back online', async () => {
    const { page } = stack;
    const proxy = stack.proxy!;
    await expect.poll(() => text(stack, 'pending-count'), { timeout: 20_000 }).toBe('0');

    proxy.cut();
    await expect.poll(() => text(stack, 'sync-status'), { timeout: 20_000 }).toMatch(/^Offline since \d\d:\d\d$/);

    await page.getByTestId('new-case-standalone').click();
    await fillNewCase(stack, 'Abandoned car on the corner, offline intake', '1500 Market St');
    await page.getByTestId('created-case-reference').waitFor();
    const provisional = await text(stack, 'created-case-reference');
    expect(provisional).toMatch(PROVISIONAL);
    await expect.poll(() => text(stack, 'pending-count')).toBe('1');
    expect(await text(stack, 'sync-status')).toMatch(/^Offline since/);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/case-offline.png', fullPage: true });

    // The provisional reference finds the case on the desk while offline.
    await page.getByTestId('case-search').fill(provisional.toLowerCase());
    await expect.poll(() => page.getByTestId('case-search-result').count()).toBe(1);
    await page.getByTestId('case-search-result').first().click();
    await expect.poll(() => text(stack, 'case-detail-reference')).toBe(provisional);
    expect(await page.getByTestId('case-pending').count()).toBe(1);
    await page.screenshot({ path: 'test-results/case-detail-offline.png', fullPage: true });
    await page.getByTestId('case-detail-close').click();

    // The outbox lists the change as waiting, in words.
    await page.getByTestId('outbox-button').click();
    await expect.poll(() => page.getByTestId('outbox-pending').count()).toBe(1);
    expect(await text(stack, 'outbox-pending')).toContain(provisional);
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('outbox-panel').count()).toBe(0);

    proxy.restore();
    await expect.poll(() => text(stack, 'created-case-reference'), { timeout: 45_000 }).toMatch(OFFICIAL);
    await expect.poll(() => text(stack, 'pending-count'), { timeout: 20_000 }).toBe('0');
    expect(await text(stack, 'created-case-provisional')).toBe(provisional);
    expect(await text(stack, 'sync-status')).not.toMatch(/Offline/);
    const official = await text(stack, 'created-case-reference');
    const rows = await stack.server.store.query<{ reference: string }>('SELECT reference FROM service_requests WHERE provisional_reference = $1', [provisional]);
    expect(rows).toEqual([{ reference: official }]);
    await page.screenshot({ path: 'test-results/case-back-online.png', fullPage: true });
  }, 120_000);

  itLeavesACleanTrail(() => stack);
});
