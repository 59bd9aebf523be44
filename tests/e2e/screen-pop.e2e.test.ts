// A simulated Twilio call rings the agent's desktop in web mode and pops the caller's record from
// the local cache; an unknown number offers a new caller; a 911 transfer is marked.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.js';
import { itLeavesACleanTrail } from './trail.js';

async function agentState(stack: Stack): Promise<string | undefined> {
  const rows = await stack.server.store.query<{ state: string }>("SELECT state FROM agents WHERE id = 'demo-calltaker'");
  return rows[0]?.state;
}

describe('screen pop in web mode', () => {
  let stack: Stack;

  beforeAll(async () => {
    // No wrap-up time: each test waits for the agent to be available for the next call.
    stack = await startStack({ wrapUpSeconds: 0 });
    await stack.waitForAppEvent('softphone-registered');
    // The first pull must have reached the cache before a call can pop a known caller.
    await stack.host.syncOnce();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('rings, pops a known caller with a prior case before accept, and connects on accept', async () => {
    const { page } = stack;
    const popsBefore = await stack.appEventCount('screen-pop-rendered');
    const call = await stack.placeCall('+1 215 555 0142');
    expect(call.routedTo).toBe('demo-calltaker');

    await expect.poll(() => page.getByTestId('call-state').textContent()).toBe('ringing');
    await expect.poll(() => page.getByTestId('incoming-banner').isVisible()).toBe(true);
    await stack.waitForAppEvent('screen-pop-rendered', popsBefore);
    await expect.poll(() => page.getByTestId('caller-name').first().textContent()).toContain('Denise Whitfield');
    const references = await page.getByTestId('case-reference').allTextContents();
    expect(references.length).toBeGreaterThanOrEqual(3);
    expect(references.every((reference) => /^\d{8}$/.test(reference.trim()))).toBe(true);
    expect(await page.getByTestId('transfer-911-badge').count()).toBe(0);

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/screen-pop.png', fullPage: true });

    await page.getByTestId('accept-call').click();
    await expect.poll(() => page.getByTestId('call-state').textContent()).toBe('in_call');
    expect(await page.getByTestId('agent-state').textContent()).toBe('On a call');
    await expect.poll(async () => {
      const rows = await stack.server.store.query<{ status: string }>('SELECT status FROM calls WHERE call_sid = $1', [call.callSid]);
      return rows[0]?.status;
    }).toBe('answered');

    await page.getByTestId('hangup-call').click();
    await expect.poll(() => page.getByTestId('call-state').textContent()).not.toBe('in_call');
  });

  it('shows "new caller" with the number filled in for an unknown number', async () => {
    const { page } = stack;
    await expect.poll(() => agentState(stack), { timeout: 20_000 }).toBe('available');
    const popsBefore = await stack.appEventCount('screen-pop-rendered');
    await stack.placeCall('(267) 555-0177');
    await stack.waitForAppEvent('screen-pop-rendered', popsBefore);
    await expect.poll(() => page.getByTestId('new-caller').isVisible()).toBe(true);
    expect(await page.getByTestId('new-caller').textContent()).toContain('(267) 555-0177');
    expect(await page.getByTestId('caller-card').count()).toBe(0);
    await page.getByTestId('decline-call').click();
    await expect.poll(() => page.getByTestId('call-state').textContent()).not.toBe('ringing');
  });

  it('marks a 911 transfer', async () => {
    const { page } = stack;
    await expect.poll(() => agentState(stack), { timeout: 20_000 }).toBe('available');
    const popsBefore = await stack.appEventCount('screen-pop-rendered');
    await stack.placeCall('+1 215 555 0142', { transfer911: true });
    await stack.waitForAppEvent('screen-pop-rendered', popsBefore);
    await expect.poll(() => page.getByTestId('transfer-911-badge').isVisible()).toBe(true);
    await page.screenshot({ path: 'test-results/screen-pop-911.png', fullPage: true });
    await page.getByTestId('decline-call').click();
  });

  itLeavesACleanTrail(() => stack);
});
