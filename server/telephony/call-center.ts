// Runs the telephony transactions and what follows each commit: ask Twilio (never inside a
// transaction), publish every changed call and agent on the live bus, offer waiting callers to
// agents who became free, and end timed wrap-ups.
import type { FastifyBaseLogger } from 'fastify';
import type { CallControlState } from '../../shared/call-control.js';
import { HttpFailure } from '../http/errors.js';
import type { LiveBus } from '../live/live-bus.js';
import { expireWrapUps } from '../store/agents.js';
import type { Store } from '../store/store.js';
import type { CallControlSettings } from './call-control.js';
import { Effects, offerWaitingCalls, withdrawOffer } from './call-lifecycle.js';
import { callControlState, findCallById } from './call-records.js';
import type { VoiceApi } from './voice-api.js';

export interface CallCenterOptions {
  store: Store;
  voiceApi: VoiceApi;
  liveBus: LiveBus;
  settings: CallControlSettings;
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
  /** Injectable for tests; the wrap-up sweep asks it the time. */
  now?: () => Date;
  /** How often timed wrap-ups are checked; 0 turns the timer off (tests call sweepWrapUps). */
  sweepIntervalMs?: number;
}

export class CallCenter {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: CallCenterOptions) {
    const interval = options.sweepIntervalMs ?? 1000;
    if (interval > 0) {
      this.timer = setInterval(() => void this.sweepWrapUps().catch((error: unknown) => options.log.warn({ err: error }, 'wrap-up sweep failed')), interval);
      this.timer.unref();
    }
  }

  get settings(): CallControlSettings {
    return this.options.settings;
  }

  /** One transaction, then its effects. Twilio failures surface as 502 after the rest has run. */
  async run<T>(work: (tx: Store, effects: Effects) => Promise<T>): Promise<T> {
    const effects = new Effects(this.options.settings);
    const result = await this.options.store.transaction((tx) => work(tx, effects));
    await this.settle(effects);
    return result;
  }

  async callState(callId: string): Promise<CallControlState | null> {
    const call = await findCallById(this.options.store, callId);
    return call ? callControlState(this.options.store, call) : null;
  }

  /** Moves agents whose timed wrap-up is over to available and offers them waiting callers. */
  async sweepWrapUps(now: Date = this.options.now?.() ?? new Date()): Promise<void> {
    if (this.closed) return;
    const moved = await expireWrapUps(this.options.store, now, this.options.settings.wrapUpSeconds);
    if (moved.length === 0) return;
    const effects = new Effects(this.options.settings);
    for (const agent of moved) effects.agent(agent);
    await this.settle(effects);
  }

  /** Offers waiting callers to whoever is free now (also run after a restart or by hand). */
  async offerWaiting(): Promise<void> {
    await this.run((tx, effects) => offerWaitingCalls(tx, this.options.settings, effects));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
  }

  private async settle(effects: Effects): Promise<void> {
    const { voiceApi, log } = this.options;
    let failure: { what: string; error: unknown } | null = null;
    const withdrawn = new Effects(this.options.settings);
    for (const action of effects.voice) {
      try {
        await action.run(voiceApi);
      } catch (error) {
        log.warn({ err: error }, `Twilio: could not ${action.what}`);
        failure ??= { what: action.what, error };
        const { undo } = action;
        if (undo) await this.options.store.transaction((tx) => undo(tx, withdrawn));
      }
    }
    for (const redirect of effects.redirects) {
      try {
        await voiceApi.redirectCall(redirect.callSid, redirect.twiml);
      } catch (error) {
        log.warn({ err: error, callSid: redirect.callSid }, 'Twilio: could not redirect a waiting caller to an agent');
        await this.options.store.transaction((tx) => withdrawOffer(tx, redirect.callId, redirect.agentId, withdrawn));
      }
    }
    // What an undo asks of Twilio (taking a caller off hold again) is tried once, without undo.
    for (const action of withdrawn.voice) {
      await action.run(voiceApi).catch((error: unknown) => log.warn({ err: error }, `Twilio: could not ${action.what}`));
    }
    for (const id of withdrawn.callIds) effects.callIds.add(id);
    for (const agent of withdrawn.agents.values()) effects.agent(agent);
    await this.publish(effects);
    if (effects.offerWaiting && !this.closed) await this.offerWaiting();
    if (failure) {
      const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
      throw new HttpFailure(502, 'SERVER_ERROR', `Twilio could not ${failure.what}: ${message}`);
    }
  }

  private async publish(effects: Effects): Promise<void> {
    const { liveBus, log } = this.options;
    try {
      for (const agent of effects.agents.values()) await liveBus.publish({ kind: 'agent', agent });
      for (const callId of effects.callIds) {
        const call = await this.callState(callId);
        if (call) await liveBus.publish({ kind: 'call', call });
      }
    } catch (error) {
      // The desktops also read state on demand; a lost live message is not a lost change.
      log.warn({ err: error }, 'live bus publish failed');
    }
  }
}
