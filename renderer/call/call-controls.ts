// The call controls, free of React: mute and DTMF through the softphone, hold / transfer / wrap-up
// through the desk host (which forwards to the server), the ringtone, the agent's away reasons,
// and the headset. Every server answer and `callChanged` event lands in the store the same way.
import type { CallControlState, TransferMode, TransferTarget } from '../../shared/call-control.js';
import type { DeskClient } from '../../shared/desk-api.js';
import { AWAY_REASONS, type AgentState } from '../../shared/domain/agent.js';
import type { IncomingCall } from '../../shared/domain/call.js';
import { toDeskError } from '../../shared/errors.js';
import type { Logger } from '../lib/log.js';
import type { Softphone } from '../softphone/softphone.js';
import type { CallControlAction, TransferChoice } from '../stores/call-control-slice.js';
import type { DeskStore } from '../stores/desk-store.js';
import { callTimelineNote, DISPOSITIONS, suggestedDisposition, transferChoices } from './call-controls-view.js';
import { Ringtone, type TonePlayer } from './ringtone.js';

export class CallControls {
  readonly ringtone: Ringtone;
  private softphone: Softphone | null = null;

  constructor(
    private readonly desk: DeskClient,
    private readonly store: DeskStore,
    player: TonePlayer,
    private readonly log: Logger,
  ) {
    this.ringtone = new Ringtone(player, (state) => this.state.ringtoneChanged(state));
  }

  private get state() {
    return this.store.getState();
  }

  /** The server's call changes: subscribe before anything can ring. */
  subscribe(): Array<() => void> {
    return [this.desk.on('callChanged', (call) => this.state.callControlChanged(call))];
  }

  attach(softphone: Softphone): Array<() => void> {
    this.softphone = softphone;
    if (softphone.audio) this.state.audioDevicesChanged(softphone.audio.devices());
    return [
      softphone.on('muted', ({ muted }) => this.state.mutedChanged(muted)),
      softphone.on('audioDevices', (devices) => this.state.audioDevicesChanged(devices)),
      softphone.on('audioDeviceLost', ({ kind, label }) =>
        this.state.audioNoticeRaised(`${label} was unplugged: using the default ${kind === 'input' ? 'microphone' : 'speaker'}.`)),
      softphone.on('state', (change) => {
        if (change.to !== 'ringing') this.ringtone.stop();
      }),
    ];
  }

  detach(): void {
    this.ringtone.stop();
    this.softphone = null;
  }

  /** A call rings: ring, and forget the previous call's controls (the controller reads the server's view of it). */
  callRinging(call: IncomingCall): void {
    this.state.callControlsReset();
    this.ringtone.ring(call.callSid);
  }

  /** The call is over; an answered one goes to wrap-up (the server has the agent in wrap_up). */
  callEnded(call: IncomingCall, answered: boolean): void {
    this.ringtone.stop();
    if (this.state.drawer !== 'away') this.state.drawerClosed();
    if (!answered) return;
    // The case this call produced: from the intake form, or from the triage outcome.
    const triage = this.state.triageRun.status === 'done' && this.state.triageRun.callId === call.callId ? this.state.triageRun.result : null;
    const created =
      (this.state.intake?.callSid === call.callSid ? this.state.intake.created?.id ?? null : null) ??
      (triage?.kind === 'case_created' ? triage.caseId : null);
    this.state.wrapUpStarted({
      callId: call.callId,
      from: call.from,
      disposition: triage?.kind === 'returned_to_911' ? 'returned_to_911' : suggestedDisposition(this.state.callControl, created),
      caseId: created,
    });
    void this.refresh(call.callId);
  }

  /** Reads the server's view again (after a reconnect or a wake-up, events may have been lost). */
  async refresh(callId?: string): Promise<void> {
    const id = callId ?? this.state.currentCall?.callId ?? this.state.wrapUp?.callId;
    if (!id) return;
    try {
      this.state.callControlChanged(await this.desk.getCallState({ callId: id }));
    } catch (error) {
      // The call panel works without it; hold and transfer wait for the server's view.
      this.log.warn(`could not read call ${id}`, toDeskError(error));
    }
  }

  silenceRingtone(): boolean {
    return this.ringtone.silence();
  }

  toggleMute(): boolean {
    return this.softphone?.setMuted(!this.softphone.muted) ?? false;
  }

  sendDigit(digit: string): boolean {
    const sent = this.softphone?.sendDigits(digit) ?? false;
    if (sent) this.state.digitsSentAdded(digit);
    return sent;
  }

  toggleKeypad(): void {
    this.state.drawerToggled('keypad');
  }

  async toggleHold(): Promise<void> {
    const call = this.state.callControl;
    if (!call) return;
    const onHold = !call.onHold;
    await this.run(onHold ? 'hold' : 'resume', () => this.desk.holdCall({ callId: call.callId, onHold }));
  }

  /** Opens the transfer drawer and loads who is there to take the call now. */
  async toggleTransfer(): Promise<void> {
    const call = this.state.callControl;
    this.state.drawerToggled('transfer');
    if (this.state.drawer !== 'transfer' || !call) return;
    this.state.transferChosen(null);
    this.state.transferTargetsLoading();
    try {
      this.state.transferTargetsLoaded(await this.desk.listTransferTargets({ callId: call.callId }));
    } catch (error) {
      this.state.transferTargetsFailed(toDeskError(error));
    }
  }

  chooseTransferByIndex(index: number): void {
    const view = this.state.transferTargets;
    if (view.status !== 'ready') return;
    const choice = transferChoices(view.targets)[index];
    if (choice) this.state.transferChosen(choice);
  }

  chooseTransfer(choice: TransferChoice): void {
    this.state.transferChosen(choice);
  }

  async transfer(mode: TransferMode): Promise<void> {
    const call = this.state.callControl;
    const choice = this.state.transferChoice;
    if (!call || !choice) return;
    await this.run('transfer', () => this.desk.transferCall({ callId: call.callId, mode, target: targetOf(choice) }));
  }

  async completeTransfer(): Promise<void> {
    const call = this.state.callControl;
    if (call) await this.run('completeTransfer', () => this.desk.completeTransfer({ callId: call.callId }));
  }

  async cancelTransfer(): Promise<void> {
    const call = this.state.callControl;
    if (call) await this.run('cancelTransfer', () => this.desk.cancelTransfer({ callId: call.callId }));
  }

  chooseDispositionByIndex(index: number): void {
    const disposition = DISPOSITIONS[index];
    if (disposition && this.state.wrapUp) this.state.wrapUpEdited({ disposition });
  }

  /** Sends the wrap-up; the server answers with the agent, available again. */
  async submitWrapUp(): Promise<boolean> {
    const form = this.state.wrapUp;
    if (!form || form.saving || !form.disposition) return false;
    this.state.wrapUpSaving();
    try {
      const result = await this.desk.wrapUpCall({
        callId: form.callId,
        disposition: form.disposition,
        caseId: form.caseId,
        note: form.note.trim() === '' ? null : form.note.trim(),
      });
      this.state.callControlChanged(result.call);
      this.state.agentChanged(result.agent);
      this.state.wrapUpFinished(form.callId);
      if (form.caseId) await this.writeTimelineToCase(form.caseId, result.call);
      return true;
    } catch (error) {
      this.state.wrapUpFailed(toDeskError(error));
      return false;
    }
  }

  /** The case keeps the call's timeline as a note; the wrap-up stands even if the note cannot be written. */
  private async writeTimelineToCase(caseId: string, call: CallControlState): Promise<void> {
    try {
      await this.desk.addCaseNote({ caseId, text: callTimelineNote(call) });
    } catch (error) {
      this.log.warn(`could not write the call's timeline to case ${caseId}`, toDeskError(error));
      this.state.noticeRaised(toDeskError(error));
    }
  }

  toggleAwayPicker(): void {
    this.state.drawerToggled('away');
  }

  async setAgentState(state: Extract<AgentState, 'available' | 'away'>, reason: string | null = null): Promise<void> {
    this.state.agentStateRequested(state);
    if (this.state.drawer === 'away') this.state.drawerClosed();
    try {
      this.state.agentChanged(await this.desk.setAgentState({ state, reason: state === 'away' ? reason : null }));
    } catch (error) {
      this.log.warn(`could not set the agent state to ${state}`, toDeskError(error));
      this.state.agentStateRequestFailed(toDeskError(error));
    }
  }

  async setAwayByIndex(index: number): Promise<void> {
    const reason = AWAY_REASONS[index];
    if (reason) await this.setAgentState('away', reason);
  }

  async selectAudio(kind: 'input' | 'output', deviceId: string): Promise<void> {
    const audio = this.softphone?.audio;
    if (!audio) return;
    try {
      if (kind === 'input') await audio.setInput(deviceId);
      else await audio.setOutput(deviceId);
    } catch (error) {
      this.state.noticeRaised(toDeskError(error));
    }
  }

  private async run(action: CallControlAction, request: () => Promise<CallControlState>): Promise<void> {
    if (this.state.controlPending) return;
    this.state.controlStarted(action);
    try {
      this.state.callControlChanged(await request());
      this.state.controlFinished();
    } catch (error) {
      this.log.warn(`${action} failed`, toDeskError(error));
      this.state.controlFinished(toDeskError(error));
    }
  }
}

function targetOf(choice: TransferChoice): TransferTarget {
  switch (choice.kind) {
    case 'emergency_911':
      return { kind: 'emergency_911' };
    case 'department':
      return { kind: 'department', code: choice.code };
    case 'agent':
      return { kind: 'agent', agentId: choice.agentId };
  }
}
