// The call-taker's call controls in web mode against the real server and its Twilio simulator:
// a call rings, the agent accepts, holds and resumes, warm-transfers to a department line and
// completes, the call ends, wrap-up with a disposition, and the panel's timeline shows it all.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.js';
import { itLeavesACleanTrail } from './trail.js';

describe('call controls in web mode', () => {
  let stack: Stack;

  beforeAll(async () => {
    // Long enough that the agent is still in wrap-up when the form is sent.
    stack = await startStack({ wrapUpSeconds: 600 });
    await stack.waitForAppEvent('softphone-registered');
    await stack.host.syncOnce();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const callState = () => stack.page.getByTestId('call-state').textContent();
  const timelineKinds = () =>
    stack.page.getByTestId('timeline-event').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')));

  it('accepts, holds, resumes, warm-transfers to a department, ends and wraps up', async () => {
    const { page } = stack;
    const call = await stack.placeCall('+1 215 555 0142');
    expect(call.routedTo).toBe('demo-calltaker');
    await expect.poll(callState).toBe('ringing');
    await expect.poll(() => page.getByTestId('silence-ringtone').isEnabled()).toBe(true);
    // Shortcuts are on the buttons' titles.
    expect(await page.getByTestId('accept-call').getAttribute('title')).toBe('Answer the call (A)');

    await page.keyboard.press('a');
    await expect.poll(callState).toBe('in_call');
    await expect.poll(() => page.getByTestId('control-hold').isEnabled(), { timeout: 10_000 }).toBe(true);

    await page.getByTestId('control-hold').click();
    await expect.poll(() => page.getByTestId('on-hold').isVisible()).toBe(true);
    expect(await page.getByTestId('control-hold').textContent()).toContain('Resume');
    await page.keyboard.press('p');
    await expect.poll(() => page.getByTestId('on-hold').count()).toBe(0);

    await page.getByTestId('control-transfer').click();
    await page.getByTestId('transfer-target-streets').click();
    await page.getByTestId('transfer-warm').click();
    // The simulated Streets Department line answers; the agent consults, then completes.
    await expect.poll(() => page.getByTestId('control-completeTransfer').isEnabled(), { timeout: 15_000 }).toBe(true);
    await page.getByTestId('control-completeTransfer').click();
    const callId = await serverCallId(stack, call.callSid);
    await expect.poll(async () => (await stack.host.desk.getCallState({ callId })).transfer?.status, { timeout: 15_000 }).toBe('completed');

    // Completing the transfer takes the agent's leg out of the call.
    await expect.poll(callState, { timeout: 10_000 }).not.toBe('in_call');
    await expect.poll(() => page.getByTestId('wrap-up').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByTestId('disposition-transferred').isChecked()).toBe(true);

    // The caller finishes with the Streets Department and hangs up: the call ends.
    await stack.hangUpCaller(call.callSid);
    await expect.poll(async () => (await stack.host.desk.getCallState({ callId })).timeline.map((event) => event.kind), { timeout: 10_000 })
      .toContain('ended');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/call-controls-wrap-up.png', fullPage: true });

    await page.getByTestId('wrap-up-done').click();
    await expect.poll(() => page.getByTestId('wrap-up').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('agent-state').getAttribute('data-state')).toBe('available');

    await expect.poll(timelineKinds, { timeout: 10_000 }).toEqual(expect.arrayContaining(['offered', 'answered', 'hold', 'resume', 'transfer_started', 'transfer_completed', 'ended']));
    const kinds = (await timelineKinds()) as string[];
    const order = ['offered', 'answered', 'hold', 'resume', 'transfer_started', 'transfer_completed', 'ended'].map((kind) => kinds.indexOf(kind));
    expect(order).toEqual([...order].sort((a, b) => a - b));

    // An agent who handed the call on records their disposition on the call's timeline (the
    // call's own disposition belongs to whoever held it last).
    const after = await stack.host.desk.getCallState({ callId });
    expect(after.phase).toBe('ended');
    expect(after.timeline.filter((event) => event.kind === 'wrapped_up')).toEqual([
      expect.objectContaining({ agentId: 'demo-calltaker', detail: 'transferred' }),
    ]);
  });

  itLeavesACleanTrail(() => stack);
});

/** The server's call id of a Twilio call. */
async function serverCallId(stack: Stack, callSid: string): Promise<string> {
  const rows = await stack.server.store.query<{ id: string }>('SELECT id FROM calls WHERE call_sid = $1', [callSid]);
  const id = rows[0]?.id;
  if (!id) throw new Error(`no call ${callSid} on the server`);
  return id;
}
