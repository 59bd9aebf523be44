// Triage of 911 transfers in web mode against the real server and its Twilio simulator: the
// protocol opens on answer; a "yes" on the safety screen returns the caller to 911 (the warm
// transfer shows on the call); another run answers through to an abandoned-vehicle service
// request whose triage record holds every answer in order.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TriageRecordSchema } from '../../shared/triage/record.js';
import { startStack, type Stack } from './stack.js';
import { itLeavesACleanTrail } from './trail.js';

describe('triage of 911 transfers in web mode', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ wrapUpSeconds: 0 });
    await stack.waitForAppEvent('softphone-registered');
    await stack.host.syncOnce();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const callState = () => stack.page.getByTestId('call-state').textContent();
  const question = () => stack.page.getByTestId('triage-question').textContent();

  async function serverCallId(callSid: string): Promise<string> {
    const rows = await stack.server.store.query<{ id: string }>('SELECT id FROM calls WHERE call_sid = $1', [callSid]);
    const id = rows[0]?.id;
    if (!id) throw new Error(`no call ${callSid} on the server`);
    return id;
  }

  async function serverRecords(callId: string) {
    return stack.server.store.query<{ outcome_kind: string; determinant: string; case_id: string | null; record: unknown }>(
      'SELECT outcome_kind, determinant, case_id, record FROM triage_records WHERE call_id = $1', [callId],
    );
  }

  async function answerTransferredCall(): Promise<{ callSid: string; callId: string }> {
    const call = await stack.placeCall('+1 215 555 0142', { transfer911: true });
    expect(call.routedTo).toBe('demo-calltaker');
    await expect.poll(callState).toBe('ringing');
    await expect.poll(() => stack.page.getByTestId('triage-ready').isVisible()).toBe(true);
    await stack.page.keyboard.press('a');
    await expect.poll(callState).toBe('in_call');
    // Opens by itself on answer, at the safety screen.
    await expect.poll(() => stack.page.getByTestId('triage-screen').isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => stack.page.getByTestId('triage-return-911').isVisible()).toBe(true);
    return { callSid: call.callSid, callId: await serverCallId(call.callSid) };
  }

  async function endCall(callSid: string): Promise<void> {
    await stack.hangUpCaller(callSid).catch(() => undefined);
    await expect.poll(callState, { timeout: 10_000 }).not.toBe('in_call');
    await expect.poll(() => stack.page.getByTestId('agent-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('available');
  }

  it('returns the caller to 911 when the safety screen finds danger, and keeps the record', async () => {
    const { page } = stack;
    const { callSid, callId } = await answerTransferredCall();
    await page.getByTestId('triage-screen').focus();
    await page.keyboard.press('1'); // "Is anyone hurt or in danger right now?" — yes
    await expect.poll(() => page.getByTestId('triage-outcome').isVisible()).toBe(true);
    expect(await page.getByTestId('triage-determinant').textContent()).toMatch(/^911-/);
    await page.getByTestId('triage-confirm').click();

    // One action: a warm transfer to the 911 center with the triage summary, visible on the call.
    await expect.poll(() => page.getByTestId('triage-result').textContent(), { timeout: 10_000 }).toContain('Returned to 911');
    const state = await stack.host.desk.getCallState({ callId });
    expect(state.transfer).toMatchObject({ mode: 'warm', target: { kind: 'emergency_911' } });
    expect(state.timeline.map((event) => event.kind)).toContain('transfer_started');

    await stack.host.syncOnce();
    const [record] = await serverRecords(callId);
    expect(record).toMatchObject({ outcome_kind: 'return_to_911', case_id: null });
    const parsed = TriageRecordSchema.parse(record?.record);
    expect(parsed.steps.map((step) => [step.nodeId, step.answer?.value])).toEqual([['hurt_or_danger', true]]);
    await endCall(callSid);
  });

  it('answers through to an abandoned-vehicle service request with every answer recorded in order', async () => {
    const { page } = stack;
    await page.getByTestId('triage-close').click().catch(() => undefined);
    const { callSid, callId } = await answerTransferredCall();
    const screen = page.getByTestId('triage-screen');
    const press = async (key: string, expectedNext?: RegExp) => {
      await screen.focus();
      await page.keyboard.press(key);
      if (expectedNext) await expect.poll(question).toMatch(expectedNext);
    };
    const type = async (text: string, expectedNext?: RegExp) => {
      const input = page.getByTestId('triage-answer-input');
      await input.fill(text);
      await input.press('Enter');
      if (expectedNext) await expect.poll(question).toMatch(expectedNext);
    };

    await press('2', /fire or smoke/i);
    await press('2');
    await press('2');
    await press('2');
    await press('1'); // a vehicle, parking, a crash or a light
    await press('1'); // an abandoned vehicle
    await press('2', /how many days/i); // nobody inside, nothing leaking
    await type('12', /where is it/i);
    await type('1500 Market St', /make, model and color/i);
    await type('Blue Honda Civic', /license plate/i);
    await press('1', /what is the license plate/i);
    await type('abc 1234');
    await expect.poll(() => page.getByTestId('triage-outcome').isVisible()).toBe(true);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/triage-outcome.png', fullPage: true });
    await page.getByTestId('triage-confirm').click();

    await expect.poll(() => page.getByTestId('triage-case-reference').isVisible(), { timeout: 10_000 }).toBe(true);
    await stack.host.syncOnce();
    const [record] = await serverRecords(callId);
    expect(record?.outcome_kind).toBe('service_request');
    expect(record?.case_id).not.toBeNull();
    const parsed = TriageRecordSchema.parse(record?.record);
    expect(parsed.steps.map((step) => [step.nodeId, step.answer?.value])).toEqual([
      ['hurt_or_danger', false], ['fire_or_smoke', false], ['crime_now', false], ['weapons', false],
      ['area', 'vehicles'], ['vehicle_topic', 'abandoned_vehicle'], ['person_or_leak', false], ['days_unmoved', 12],
      ['address', '1500 Market St'], ['description', 'Blue Honda Civic'], ['plate_visible', true], ['plate', 'ABC1234'],
    ]);
    expect(parsed.fields).toMatchObject({ address: '1500 Market St', vehicle_plate: 'ABC1234' });

    const [created] = await stack.server.store.query<{ service_type_code: string; address: string; description: string; priority: string; channel: string; agency: string }>(
      'SELECT service_type_code, address, description, priority, channel, agency FROM service_requests WHERE id = $1', [record?.case_id],
    );
    // Routed to the department of the outcome, with its priority.
    const outcome = parsed.outcome?.node;
    expect(outcome?.kind).toBe('service_request');
    expect(created).toMatchObject({
      service_type_code: 'abandoned-vehicle', address: '1500 Market St', channel: 'transfer_911',
      priority: outcome?.kind === 'service_request' ? outcome.priority : 'none',
      agency: outcome?.kind === 'service_request' ? outcome.department : 'none',
    });
    expect(created?.description).toContain('ABC1234');
    await endCall(callSid);
  });

  itLeavesACleanTrail(() => stack);
});
