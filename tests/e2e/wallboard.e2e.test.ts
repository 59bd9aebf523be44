// The team lead's floor in web mode: the desk signs in as the team lead (demo-lead) and switches
// to the wallboard, which its desk host relays from the server's live feed. A call-taker's desk
// host and a simulated softphone (over /sim/voice) take calls. A call from the simulator shows as
// waiting; the call-taker becomes available and accepts, and the numbers move; the lead changes the
// call-taker's state from the wallboard and the call-taker's desk host hears of it with the
// reason. With the line to the server cut, the wallboard says the feed is down and since when.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHost } from '../../electron/host/host.js';
import type { Agent } from '../../shared/domain/agent.js';
import { SoftphoneClient } from '../integration/server/helpers.js';
import { startStack, type Stack } from './stack.js';
import { itLeavesACleanTrail } from './trail.js';

describe('the team lead wallboard in web mode', () => {
  let stack: Stack;
  let calltaker: RunningHost;
  let phone: SoftphoneClient;
  const calltakerAgents: Agent[] = [];

  beforeAll(async () => {
    stack = await startStack({ agentId: 'demo-lead', wrapUpSeconds: 600, proxy: true });
    await stack.waitForAppEvent('desk-ready');
    calltaker = await stack.startDeskHost('demo-calltaker');
    calltaker.desk.on('agentChanged', (agent) => calltakerAgents.push(agent));
    phone = await SoftphoneClient.connect(stack.server.url);
    await phone.register('demo-calltaker', (await calltaker.desk.getVoiceToken({})).token);
    // Not taking calls yet, so the first call has to wait in the queue.
    await calltaker.desk.setAgentState({ state: 'away', reason: 'break' });
  });
  afterAll(async () => {
    phone?.close();
    await stack?.close();
  });

  const general = () => stack.page.getByTestId('queue-card-general');
  const waiting = () => general().getByTestId('queue-waiting').textContent();
  const handled = () => general().getByTestId('queue-handled').textContent();
  const calltakerRow = () => stack.page.getByTestId('agent-row-demo-calltaker');
  const calltakerState = () => calltakerRow().getByTestId('agent-state').textContent();
  const feedStatus = () => stack.page.getByTestId('wallboard-status').textContent();

  it('shows the floor to the team lead, live, with the method', async () => {
    const { page } = stack;
    await page.getByTestId('view-floor').click();
    await expect.poll(feedStatus, { timeout: 15_000 }).toBe('Live');
    await expect.poll(calltakerState).toBe('Away');
    expect(await page.getByTestId('method-help').isVisible()).toBe(true);
    await page.getByTestId('method-help').locator('summary').click();
    expect(await page.getByTestId('method-help').textContent()).toContain('short-abandon threshold');
    expect(await waiting()).toBe('0');
    expect(await handled()).toBe('0');
  });

  it('shows a simulator call waiting, then answered by the call-taker', async () => {
    const call = await stack.placeCall('+1 215 555 0142');
    expect(call.routedTo).toBeNull();
    await expect.poll(waiting, { timeout: 10_000 }).toBe('1');
    await expect.poll(() => general().getByTestId('waiting-call').count()).toBe(1);

    // The call-taker comes back: the server offers them the waiting caller, and they accept.
    await calltaker.desk.setAgentState({ state: 'available', reason: null });
    const invite = await phone.waitFor('invite', (message) => message.callSid === call.callSid);
    phone.send({ type: 'accept', callSid: invite.callSid });

    await expect.poll(waiting, { timeout: 10_000 }).toBe('0');
    await expect.poll(handled).toBe('1');
    await expect.poll(calltakerState).toBe('On a call');
    mkdirSync('test-results', { recursive: true });
    await stack.page.screenshot({ path: 'test-results/wallboard-on-call.png', fullPage: true });

    // The caller hangs up: the call-taker goes into wrap-up, which the lead can end.
    await stack.hangUpCaller(call.callSid);
    await expect.poll(calltakerState, { timeout: 10_000 }).toBe('Wrap-up');
  });

  it("changes the call-taker's state from the wallboard, and it reaches their desk with the reason", async () => {
    const actions = stack.page.getByTestId('agent-actions-demo-calltaker');
    await actions.getByTestId('away-reason').selectOption('coaching');
    const seenBefore = calltakerAgents.length;
    await actions.getByTestId('set-state-away').click();

    await expect.poll(calltakerState, { timeout: 10_000 }).toBe('Away');
    // The call-taker's host heard it on its live socket (agentChanged), reason included.
    await expect.poll(() => calltakerAgents.slice(seenBefore).find((agent) => agent.state === 'away'), { timeout: 10_000 })
      .toMatchObject({ id: 'demo-calltaker', state: 'away' });
    const changed = calltakerAgents.slice(seenBefore).find((agent) => agent.state === 'away')!;
    expect(changed.stateReason).toMatch(/coaching/i);
    expect((await calltaker.desk.getSession({})).agent).toMatchObject({ state: 'away', stateReason: changed.stateReason });
    expect(await calltakerRow().textContent()).toContain(changed.stateReason!);
  });

  it('keeps the big-screen mode per lead on the server, through the desk host', async () => {
    const { page } = stack;
    await page.getByTestId('big-screen-toggle').click();
    await expect.poll(() => page.getByTestId('wallboard').getAttribute('class')).toContain('wallboard--big');
    const saved = async () => (await stack.server.store.query<{ preferences: { bigScreen?: boolean } }>(
      "SELECT preferences FROM wallboard_preferences WHERE agent_id = 'demo-lead'",
    ))[0]?.preferences.bigScreen;
    await expect.poll(saved, { timeout: 10_000 }).toBe(true);
    // A fresh page (another screen) opens on the floor in big-screen mode once switched there.
    await page.reload();
    await stack.waitForAppEvent('desk-ready');
    await page.getByTestId('view-floor').click();
    await expect.poll(() => page.getByTestId('wallboard').getAttribute('class'), { timeout: 10_000 }).toContain('wallboard--big');
    await expect.poll(feedStatus, { timeout: 15_000 }).toBe('Live');
    await page.getByTestId('big-screen-toggle').click();
    await expect.poll(saved, { timeout: 10_000 }).toBe(false);
  });

  it('says the feed is down and since when while the server is out of reach, then recovers', async () => {
    stack.proxy!.cut();
    await expect.poll(feedStatus, { timeout: 15_000 }).toMatch(/^Feed down since \d\d:\d\d/);
    // The last board stays up, marked as out of date, rather than a blank screen.
    expect(await calltakerState()).toBe('Away');
    stack.proxy!.restore();
    await expect.poll(feedStatus, { timeout: 30_000 }).toBe('Live');
  });

  itLeavesACleanTrail(() => stack);
});
