// The desk's start-up and call flow, free of React: sign-in (or unlock) → available → softphone;
// while the desk is locked the phone keeps ringing but nothing of residents' data is asked for or
// shown, and the inactivity lock runs only while it is unlocked. The host looks the caller up in
// its cache as soon as the server offers it a call (the server's word often comes before the
// softphone rings) and sends the pop ahead; failing that the renderer asks on that word, and at the
// latest on incoming, so the pop paints before accept. What the pop does not need waits a frame.
// Call controls live in call/call-controls.ts; this wires them to the softphone and the page.
import type { CallControlState } from '../../shared/call-control.js';
import type { DeskAuthState, DeskClient, ScreenPop, SessionInfo } from '../../shared/desk-api.js';
import { AWAY_REASONS, type AgentRole } from '../../shared/domain/agent.js';
import type { IncomingCall } from '../../shared/domain/call.js';
import { toDeskError, type DeskError } from '../../shared/errors.js';
import { formatPhoneForDisplay } from '../../shared/phone.js';
import { AuthDesk } from '../auth/auth-desk.js';
import { InactivityLock, type InactivityTimers, type InputTarget } from '../auth/inactivity.js';
import { CallControls } from '../call/call-controls.js';
import type { TonePlayer } from '../call/ringtone.js';
import { CaseDesk } from '../cases/case-desk.js';
import { isWebSocketDeskClient } from '../desk/get-desk-client.js';
import { createLogger, type Logger } from '../lib/log.js';
import type { Softphone } from '../softphone/softphone.js';
import { TriageDesk } from '../triage/triage-desk.js';
import { deskSupervisorActions, deskWallboardPreferences, deskWallboardSource } from '../queue/desk-wallboard.js';
import type { SupervisorActions } from '../queue/supervisor-actions.js';
import type { WallboardSource } from '../queue/wallboard-connection.js';
import type { WallboardPreferenceStore } from '../queue/WallboardView.js';
import type { WallboardAlert } from '../../shared/live-protocol.js';
import type { DeskStore } from '../stores/desk-store.js';
import { whenIdle, type IdleScheduler } from './after-paint.js';
import type { MilestoneRecorder } from './milestones.js';
import type { Notifier } from './notify.js';
import type { ResumeReason } from './page-lifecycle.js';
import type { ShortcutAction } from './shortcuts.js';

const SILENT_PLAYER: TonePlayer = { start: () => undefined, stop: () => undefined };
/** Early lookups kept for calls that have not rung here (yet); older ones are dropped. */
const EARLY_LOOKUPS_KEPT = 4;
/** Reads a ring sets off wait for the pop's frame, but never longer than this. */
const AFTER_POP_DEADLINE_MS = 100;

/** A lookup started before the phone rang: its answer, once it is in. */
type EarlyLookup = {
  phone: string;
  result: Promise<ScreenPop>;
  settled: { ok: true; pop: ScreenPop } | { ok: false; error: DeskError } | null;
};

/** What the floor view (the wallboard) is given; built once, so its feed is not reopened on each render. */
export type FloorDesk = {
  source: WallboardSource;
  supervisor: SupervisorActions;
  preferences: WallboardPreferenceStore;
  /** A newly raised alert becomes a desktop notification. */
  notify(alert: WallboardAlert): void;
};

export type DeskControllerOptions = {
  desk: DeskClient;
  store: DeskStore;
  milestone: MilestoneRecorder;
  createSoftphone: (session: SessionInfo, desk: DeskClient) => Promise<Softphone>;
  log?: Logger;
  now?: () => number;
  /** The ringtone's sound (WebAudio in the page); silent when absent. */
  tonePlayer?: TonePlayer;
  notifier?: Notifier;
  /** Whether the agent can see the desk now; notifications are for when they cannot. */
  isPageVisible?: () => boolean;
  /** Where the agent's input arrives (the window); without it the desk never locks by itself. */
  inputTarget?: InputTarget;
  inactivityTimers?: InactivityTimers;
  /** Where work that must not delay the pop's frame goes (the browser's idle time by default). */
  afterPop?: IdleScheduler;
};

/** Every role but department staff takes calls (the server's `calls.take` permission agrees). */
export function takesCalls(role: AgentRole): boolean {
  return role !== 'department_staff';
}

export class DeskController {
  /** Case intake, the case detail, case search and the outbox. */
  readonly cases: CaseDesk;
  /** Mute, DTMF, hold, transfers, wrap-up, the ringtone, away reasons and the headset. */
  readonly calls: CallControls;
  readonly awayReasons = AWAY_REASONS;
  /** The triage protocol for 911 transfers (and any call, on demand). */
  readonly triage: TriageDesk;
  /** The team lead's wallboard, through the host (team leads and admins only see it). */
  readonly floor: FloorDesk;
  /** Sign-in, unlock, lock and sign-out. */
  readonly auth: AuthDesk;
  private softphone: Softphone | null = null;
  private readonly subscriptions: Array<() => void> = [];
  /** The softphone's, dropped with it at sign-out. */
  private softphoneSubscriptions: Array<() => void> = [];
  /** The desk's opening (session, availability, softphone), once per sign-in. */
  private opening: Promise<void> | null = null;
  /** Bumped at sign-out, so an opening still under way stops where it is. */
  private deskGeneration = 0;
  private readonly inactivity: InactivityLock | null;
  private readonly paintedPops = new Set<string>();
  private readonly incomingAt = new Map<string, number>();
  /** By call id: lookups started on the server's word that a call is offered to this agent. */
  private readonly earlyLookups = new Map<string, EarlyLookup>();
  /** By call sid: whether the pop came from an early lookup (the milestone says so). */
  private readonly poppedEarly = new Map<string, boolean>();
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly afterPop: IdleScheduler;
  private stopped = false;

  constructor(private readonly options: DeskControllerOptions) {
    this.log = options.log ?? createLogger('desk');
    this.now = options.now ?? (() => performance.now());
    this.afterPop = options.afterPop ?? whenIdle(AFTER_POP_DEADLINE_MS);
    this.cases = new CaseDesk(options.desk, options.store, createLogger('cases'));
    this.calls = new CallControls(options.desk, options.store, options.tonePlayer ?? SILENT_PLAYER, createLogger('calls'));
    this.triage = new TriageDesk(options.desk, options.store, createLogger('triage'));
    this.auth = new AuthDesk(options.desk, options.store, createLogger('auth'));
    this.inactivity = options.inputTarget
      ? new InactivityLock({
        target: options.inputTarget,
        lockAfterMs: () => (this.state.auth?.lockAfterMinutes ?? 15) * 60_000,
        busy: () => this.callIsLive,
        onIdle: () => void this.auth.lock('inactivity'),
        ...(options.inactivityTimers ? { timers: options.inactivityTimers } : {}),
      })
      : null;
    this.floor = {
      source: deskWallboardSource(options.desk),
      supervisor: deskSupervisorActions(options.desk),
      preferences: deskWallboardPreferences(options.desk),
      // Even with the wallboard in view: an alert is a reason to act, and a big screen is not watched.
      notify: (alert) => options.notifier?.notify({ title: 'Wallboard alert', body: alert.message }),
    };
  }

  /** The desk API, for views that talk to it directly (the protocol editor). */
  get desk(): DeskClient {
    return this.options.desk;
  }

  private get state() {
    return this.options.store.getState();
  }

  async start(): Promise<void> {
    const { desk, store } = this.options;
    // Subscribe before the first reads, so no change slips between a read and the subscription.
    this.subscriptions.push(
      // The host's own lookup of a call offered here; it comes just before that callChanged.
      desk.on('callerPopped', ({ callId, phone, pop }) => this.hostPopped(callId, phone, pop)),
      // First, so the lookup leaves before anything else this event sets off.
      desk.on('callChanged', (call) => this.lookUpEarly(call)),
      desk.on('syncStatus', (status) => this.state.syncStatusReceived(status)),
      desk.on('agentChanged', (agent) => this.state.agentChanged(agent)),
      this.auth.subscribe(),
      ...this.cases.subscribe(),
      ...this.calls.subscribe(),
      // Whichever way the news comes (an event, a reply), the desk follows the auth state.
      store.subscribe((state, previous) => {
        if (state.auth && state.auth.state !== previous.auth?.state) this.authChanged(state.auth, previous.auth?.state ?? null);
      }),
    );
    this.watchDeskLink();

    try {
      await this.auth.load();
    } catch (error) {
      this.log.error('could not read who may use the desk', toDeskError(error));
      this.state.bootFailed(toDeskError(error));
      return;
    }
    await this.opening;
  }

  /** Lock now (the status bar's Lock, Ctrl+L). */
  lock(): void {
    void this.auth.lock('manual');
  }

  /** Signs out (of every desk with `everywhere`); the softphone goes with the session. */
  async signOut(everywhere: boolean): Promise<void> {
    await this.auth.signOut(everywhere);
  }

  private authChanged(auth: DeskAuthState, previous: DeskAuthState['state'] | null): void {
    if (this.stopped) return;
    this.options.milestone('auth-state', { state: auth.state, reason: auth.reason });
    if (auth.state === 'unlocked') {
      this.inactivity?.start();
      if (!this.opening) this.opening = this.openDesk();
      // Back from a lock: what was refused meanwhile is read again.
      else if (previous === 'locked') void this.afterUnlock();
      return;
    }
    this.inactivity?.stop();
    if (auth.state === 'signed_out' && this.opening) this.closeDesk();
  }

  /** The session, the lists, availability and the softphone: once per sign-in. */
  private async openDesk(): Promise<void> {
    const { desk, milestone } = this.options;
    const generation = this.deskGeneration;
    const closed = () => this.stopped || generation !== this.deskGeneration;
    let session: SessionInfo;
    try {
      session = await desk.getSession({});
    } catch (error) {
      this.log.error('could not load the session', toDeskError(error));
      this.state.bootFailed(toDeskError(error));
      return;
    }
    if (closed()) return;
    this.state.sessionLoaded(session);
    milestone('desk-ready', { agentId: session.agent.id, telephony: session.telephony });
    void this.refreshSyncStatus();
    void this.cases.loadServiceTypes();
    void this.triage.loadLibrary();

    // Department staff work cases, not calls: no phone, no agent state on the call floor.
    if (!takesCalls(session.agent.role)) return;
    await this.calls.setAgentState('available');
    if (closed()) return;
    this.calls.ringtone.prepare();
    await this.startSoftphone(session, closed);
  }

  stop(): void {
    this.stopped = true;
    this.inactivity?.stop();
    this.cases.stop();
    for (const unsubscribe of this.subscriptions.splice(0)) unsubscribe();
    this.dropSoftphone();
  }

  /** Signed out: the phone goes, and the next sign-in opens the desk afresh. */
  private closeDesk(): void {
    this.opening = null;
    this.deskGeneration += 1;
    this.dropSoftphone();
    // The next agent at this screen starts from an empty desk.
    this.cases.closeCase();
    this.state.signedOut();
  }

  private dropSoftphone(): void {
    for (const unsubscribe of this.softphoneSubscriptions.splice(0)) unsubscribe();
    this.calls.detach();
    this.softphone?.destroy();
    this.softphone = null;
  }

  /** A call that rang while the desk was locked gets its screen pop now. */
  private async afterUnlock(): Promise<void> {
    const call = this.state.currentCall;
    if (call && this.state.callState === 'ringing') void this.showLookup(call, this.options.desk.lookupCaller({ phone: call.from }));
    await this.refreshAfterReconnect();
  }

  private get unlocked(): boolean {
    return this.state.auth?.state === 'unlocked';
  }

  /** A locked desk asks to unlock first: answering shows the caller's record. */
  accept(): boolean {
    if (!this.unlocked) return false;
    return this.softphone?.accept() ?? false;
  }

  decline(): boolean {
    return this.softphone?.reject() ?? false;
  }

  hangUp(): boolean {
    return this.softphone?.hangup() ?? false;
  }

  /** Runs what a keyboard shortcut asks for (the buttons call the same methods). */
  perform(action: ShortcutAction): void {
    if (!this.unlocked) return;
    const calls = this.calls;
    switch (action.kind) {
      case 'accept': this.accept(); return;
      case 'decline': this.decline(); return;
      case 'hangup': this.hangUp(); return;
      case 'silence': calls.silenceRingtone(); return;
      case 'mute': calls.toggleMute(); return;
      case 'hold': void calls.toggleHold(); return;
      case 'keypad': calls.toggleKeypad(); return;
      case 'digit': calls.sendDigit(action.digit); return;
      case 'transfer': void calls.toggleTransfer(); return;
      case 'pickTarget': calls.chooseTransferByIndex(action.index); return;
      case 'warmTransfer': void calls.transfer('warm'); return;
      case 'coldTransfer': void calls.transfer('cold'); return;
      case 'completeTransfer': void calls.completeTransfer(); return;
      case 'cancelTransfer': void calls.cancelTransfer(); return;
      case 'pickDisposition': calls.chooseDispositionByIndex(action.index); return;
      case 'submitWrapUp': void calls.submitWrapUp(); return;
      case 'away': calls.toggleAwayPicker(); return;
      case 'pickAwayReason': void calls.setAwayByIndex(action.index); return;
      case 'available': void calls.setAgentState('available'); return;
      case 'closeDrawer': this.state.drawerClosed(); return;
    }
  }

  /**
   * The computer woke, the page came back or the network returned: the phone registers again
   * and everything shown is read afresh, so the first call after sleep can be answered.
   */
  async resume(reason: ResumeReason): Promise<void> {
    if (this.stopped) return;
    this.log.info(`resuming: ${reason}`);
    const softphone = this.softphone;
    this.state.softphoneRegistrationChanged('registering');
    if (softphone) {
      try {
        await softphone.refreshRegistration(reason);
      } catch (error) {
        this.state.noticeRaised(toDeskError(error));
      }
      this.state.softphoneRegistrationChanged(softphone.registration);
    }
    await this.refreshAfterReconnect();
    await this.calls.refresh();
  }

  /** A live call is on: reloading or closing the page would drop it. */
  get callIsLive(): boolean {
    const callState = this.state.callState;
    return callState === 'ringing' || callState === 'connecting' || callState === 'in_call' || callState === 'reconnecting';
  }

  async syncNow(): Promise<void> {
    this.state.syncRequestStarted();
    try {
      this.state.syncStatusReceived(await this.options.desk.syncNow({}));
    } catch (error) {
      this.state.noticeRaised(toDeskError(error));
    } finally {
      this.state.syncRequestFinished();
    }
  }

  /** Called by the screen pop after it has painted; records the milestone once per call. */
  screenPopPainted(callSid: string, matches: number): void {
    if (this.paintedPops.has(callSid)) return;
    this.paintedPops.add(callSid);
    const rangAt = this.incomingAt.get(callSid);
    this.options.milestone('screen-pop-rendered', {
      callSid,
      matches,
      sinceIncomingMs: rangAt === undefined ? null : Math.round(this.now() - rangAt),
      earlyLookup: this.poppedEarly.get(callSid) ?? false,
    });
  }

  private async startSoftphone(session: SessionInfo, closed: () => boolean): Promise<void> {
    const { desk, milestone } = this.options;
    let softphone: Softphone;
    try {
      softphone = await this.options.createSoftphone(session, desk);
    } catch (error) {
      this.state.noticeRaised(toDeskError(error));
      return;
    }
    if (closed()) {
      softphone.destroy();
      return;
    }
    this.softphone = softphone;
    this.softphoneSubscriptions.push(
      ...this.calls.attach(softphone),
      softphone.on('state', (change) => this.state.softphoneStateChanged(change)),
      softphone.on('registered', ({ identity }) => {
        this.state.softphoneRegistrationChanged('registered');
        milestone('softphone-registered', { identity, kind: softphone.kind });
      }),
      softphone.on('unregistered', ({ reason }) => {
        this.state.softphoneRegistrationChanged('unregistered');
        milestone('softphone-unregistered', { reason });
      }),
      softphone.on('incoming', (call) => this.onIncoming(call)),
      softphone.on('accepted', (call) => {
        milestone('call-accepted', { callSid: call.callSid });
        this.triage.callAccepted(call);
      }),
      softphone.on('cancelled', (call) => this.onEnded(call, 'caller_cancelled')),
      softphone.on('disconnected', ({ call, reason }) => this.onEnded(call, reason)),
      softphone.on('error', (error) => {
        this.state.noticeRaised(error);
        milestone('softphone-error', error);
      }),
    );
    this.state.softphoneRegistrationChanged('registering');
    try {
      await softphone.register();
    } catch (error) {
      // The adapter keeps retrying; the status bar shows the phone as offline meanwhile.
      this.state.softphoneRegistrationChanged(softphone.registration);
      this.state.noticeRaised(toDeskError(error));
    }
  }

  private onIncoming(call: IncomingCall): void {
    this.incomingAt.set(call.callSid, this.now());
    this.options.milestone('call-incoming', { callSid: call.callSid, is911Transfer: call.is911Transfer, queue: call.queue });
    this.popScreen(call);
    // A ringing call needs the call view, whatever the agent was looking at.
    this.state.deskViewChosen('calls');
    this.calls.callRinging(call);
    this.triage.callRinging(call);
    // Their answers (and the renders they cause) would otherwise land in the pop's frame.
    this.afterPop(() => {
      void this.calls.refresh(call.callId);
      // Read afresh while it rings: a version published since takes effect for this call.
      void this.triage.loadLibrary();
    });
    if (!this.pageVisible()) {
      this.options.notifier?.notify({
        title: call.is911Transfer ? 'Incoming 911 transfer' : 'Incoming call',
        body: `${call.from} · ${call.queue === 'triage' ? 'triage queue' : 'general queue'}`,
      });
    }
  }

  private pageVisible(): boolean {
    return this.options.isPageVisible?.() ?? true;
  }

  /**
   * The server tells the host a call is ringing for this agent, in our stack tens of milliseconds
   * before the softphone's invite: the lookup starts now, and `incoming` finds the answer waiting.
   */
  private lookUpEarly(call: CallControlState): void {
    const agentId = this.state.session?.agent.id;
    if (call.phase !== 'ringing' || agentId === undefined || call.agentId !== agentId) return;
    if (this.earlyLookups.has(call.callId) || this.state.currentCall?.callId === call.callId) return;
    const result = this.options.desk.lookupCaller({ phone: call.from });
    const lookup: EarlyLookup = { phone: call.from, result, settled: null };
    result.then(
      (pop) => (lookup.settled = { ok: true, pop }),
      (error: unknown) => (lookup.settled = { ok: false, error: toDeskError(error) }),
    );
    this.keepEarlyLookup(call.callId, lookup);
  }

  /** The host's lookup of a call offered here: kept for the ring, or shown at once if the phone rang first. */
  private hostPopped(callId: string, phone: string, pop: ScreenPop): void {
    const ringing = this.state.currentCall;
    if (ringing?.callId === callId) {
      if (ringing.from === phone && this.state.screenPop.status === 'loading') this.state.screenPopLoaded(ringing.callSid, pop);
      return;
    }
    this.keepEarlyLookup(callId, { phone, result: Promise.resolve(pop), settled: { ok: true, pop } });
  }

  private keepEarlyLookup(callId: string, lookup: EarlyLookup): void {
    this.earlyLookups.set(callId, lookup);
    for (const kept of [...this.earlyLookups.keys()].slice(0, -EARLY_LOOKUPS_KEPT)) this.earlyLookups.delete(kept);
    // Worked out now, while the phone has not rung: the banner and the pop show the number this way.
    formatPhoneForDisplay(lookup.phone);
  }

  // The lookup reads the host's local cache only, so it is answered while the phone still rings.
  private popScreen(call: IncomingCall): void {
    const early = this.earlyLookups.get(call.callId);
    this.earlyLookups.delete(call.callId);
    const usable = early && early.phone === call.from && early.settled?.ok !== false ? early : null;
    this.poppedEarly.clear();
    this.poppedEarly.set(call.callSid, usable !== null);
    if (usable?.settled?.ok) {
      // Already in: the pop goes into the same render as the ringing call, the first frame.
      this.state.screenPopLoaded(call.callSid, usable.settled.pop);
      return;
    }
    void this.showLookup(call, usable?.result ?? this.options.desk.lookupCaller({ phone: call.from }));
  }

  private async showLookup(call: IncomingCall, lookup: Promise<ScreenPop>): Promise<void> {
    // The host's own lookup may have come first: the same answer needs no second render.
    const shown = () => this.state.screenPop.status === 'ready' && this.state.screenPop.callSid === call.callSid;
    try {
      const pop = await lookup;
      if (!shown()) this.state.screenPopLoaded(call.callSid, pop);
    } catch (error) {
      this.log.warn(`caller lookup failed for ${call.callSid}`, toDeskError(error));
      if (!shown()) this.state.screenPopFailed(call.callSid, toDeskError(error));
    }
  }

  private onEnded(call: IncomingCall, reason: string): void {
    this.options.milestone('call-ended', { callSid: call.callSid, reason });
    // The wait before the inactivity lock starts when the call ends, not at the last key pressed.
    this.inactivity?.activity();
    this.incomingAt.delete(call.callSid);
    const lastCall = this.state.lastCall;
    const answered = lastCall?.call.callSid === call.callSid && lastCall.talkMs !== null;
    // The agent's state after a call is the server's to set (wrap-up, or away after missed
    // calls, each with its reason); the desk shows it from agentChanged and never guesses.
    this.calls.callEnded(call, answered);
    if (reason === 'caller_cancelled' && !answered) {
      // Notified even when the desk is in view: a missed call is easy to miss.
      this.options.notifier?.notify({ title: 'Missed call', body: `${call.from} hung up before the call was answered.` });
    }
  }

  private async refreshSyncStatus(): Promise<void> {
    try {
      this.state.syncStatusReceived(await this.options.desk.getSyncStatus({}));
    } catch (error) {
      this.log.warn('could not read the sync status', toDeskError(error));
    }
  }

  private watchDeskLink(): void {
    const desk = this.options.desk;
    if (!isWebSocketDeskClient(desk)) {
      // IPC to the host has no connection of its own to lose.
      this.state.deskLinkChanged('open');
      return;
    }
    this.state.deskLinkChanged(desk.connection);
    let dropped = false;
    this.subscriptions.push(
      desk.onConnection((link) => {
        this.state.deskLinkChanged(link);
        if (link === 'closed') dropped = true;
        if (link === 'open' && dropped) {
          dropped = false;
          // Events sent while we were away are lost: read the current state again.
          void this.refreshAfterReconnect();
        }
      }),
    );
  }

  private async refreshAfterReconnect(): Promise<void> {
    try {
      const session = await this.options.desk.getSession({});
      this.state.agentChanged(session.agent);
    } catch (error) {
      this.log.warn('could not refresh the session after reconnecting', toDeskError(error));
    }
    await this.refreshSyncStatus();
    await this.cases.refreshVisible();
  }
}
