// The simulated Twilio's conferences: who is in, when a conference starts and ends, hold and
// mute, and the conference status callbacks (conference-start, participant-join, ...) posted
// in order per conference. Calls themselves stay with the simulator, reached through the host.
import type { SimCall, SimConference, SimContinuation, SimParticipant } from './sim-state.js';
import { conferenceEventParams, newSid, voiceWebhookParams } from './sim-webhooks.js';

/** How a conference seat is taken, from <Dial><Conference> or a Participants create. */
export interface SeatOptions {
  label: string | null;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  muted: boolean;
  coaching: boolean;
  callSidToCoach: string | null;
  waitUrl: string | null;
  waitMethod: 'GET' | 'POST';
  /** Only used when this participant creates the conference. */
  statusCallback: string | null;
  statusCallbackEvents: string[];
  next: SimContinuation | null;
}

export type ParticipantChanges = Partial<Pick<SimParticipant, 'hold' | 'holdUrl' | 'holdMethod' | 'muted' | 'coaching' | 'callSidToCoach' | 'endConferenceOnExit'>>;

/** What conferences need from the simulator that owns the calls. */
export interface ConferenceHost {
  readonly accountSid: string;
  liveCall(callSid: string): SimCall | undefined;
  /** Posts a signed webhook; resolves when it was answered. */
  post(url: string, params: Record<string, string>): Promise<unknown>;
  /** Keeps a promise so the simulator's close() waits for it. */
  track(promise: Promise<unknown>): void;
  /** Fetches hold or wait music and plays it once, until `signal` aborts. */
  playMusic(call: SimCall, url: string, method: 'GET' | 'POST', params: Record<string, string>, signal: AbortSignal): Promise<void>;
  /** A call let go by a conference that ended: its TwiML goes on after <Dial>, or it hangs up. */
  release(call: SimCall, participant: SimParticipant, wasRinging: boolean): void;
  warn(error: unknown, message: string): void;
}

const MAX_ENDED_KEPT = 200;

export function newParticipant(callSid: string, seat: SeatOptions): SimParticipant {
  return {
    callSid,
    label: seat.label,
    status: 'connected',
    muted: seat.muted,
    hold: false,
    coaching: seat.coaching,
    callSidToCoach: seat.callSidToCoach,
    startConferenceOnEnter: seat.startConferenceOnEnter,
    endConferenceOnExit: seat.endConferenceOnExit,
    holdUrl: null,
    // Twilio's documented defaults: hold music is fetched with GET, wait music with POST.
    holdMethod: 'GET',
    waitUrl: seat.waitUrl,
    waitMethod: seat.waitMethod,
    next: seat.next,
    music: null,
    createdAt: Date.now(),
    updatedAt: Date.now(),
  };
}

/** What decides who hears a participant. */
export type HearingSeat = Pick<SimParticipant, 'callSid' | 'status' | 'muted' | 'hold' | 'coaching' | 'callSidToCoach'>;

/**
 * Who hears `speakerSid`, by Twilio's rules: nobody while they are muted or held (a held
 * participant hears only the hold music); only `callSidToCoach` while they coach; otherwise every
 * other connected participant not on hold. A coach or a muted listener still hears everyone.
 */
export function listenersOf(seats: Iterable<HearingSeat>, speakerSid: string): string[] {
  const present = [...seats].filter((seat) => seat.status === 'connected');
  const speaker = present.find((seat) => seat.callSid === speakerSid);
  if (!speaker || speaker.muted || speaker.hold) return [];
  return present
    .filter((seat) => seat.callSid !== speakerSid && !seat.hold && (!speaker.coaching || seat.callSid === speaker.callSidToCoach))
    .map((seat) => seat.callSid);
}

export class SimConferences {
  readonly live = new Map<string, SimConference>();
  /** Ended conferences, kept a while for GET /sim/conferences/:name and the REST API. */
  readonly ended = new Map<string, SimConference>();

  constructor(private readonly host: ConferenceHost) {}

  /** By SID or friendly name, live ones first. */
  find(sidOrName: string): SimConference | null {
    for (const map of [this.live, this.ended]) {
      const found = map.get(sidOrName) ?? [...map.values()].find((conference) => conference.sid === sidOrName);
      if (found) return found;
    }
    return null;
  }

  /** The live conference of that name, created (status init) when there is none. */
  open(name: string, seat: SeatOptions): SimConference {
    const existing = this.live.get(name);
    const conference = existing ?? {
      sid: newSid('CF'),
      friendlyName: name,
      status: 'init' as const,
      participants: new Map<string, SimParticipant>(),
      statusCallback: null,
      events: new Set<string>(),
      sequence: 1,
      chain: Promise.resolve(),
      createdAt: Date.now(),
      updatedAt: Date.now(),
      reasonEnded: null,
      callSidEnding: null,
    };
    // The conference's callbacks are those of the participant that brings the first statusCallback.
    if (!conference.statusCallback && seat.statusCallback) {
      conference.statusCallback = seat.statusCallback;
      conference.events = new Set(seat.statusCallbackEvents);
    }
    if (!existing) {
      this.ended.delete(name);
      this.live.set(name, conference);
    }
    return conference;
  }

  /** The participant is in: join event, then the conference starts if it may, or wait music plays. */
  seat(conference: SimConference, call: SimCall, participant: SimParticipant): void {
    participant.status = 'connected';
    participant.updatedAt = Date.now();
    this.event(conference, 'participant-join', participant);
    // Twilio starts a conference once two participants are in and one of them may start it; until
    // then whoever is in hears the wait music.
    const present = [...conference.participants.values()].filter((candidate) => candidate.status === 'connected');
    if (conference.status === 'init' && present.length >= 2 && present.some((candidate) => candidate.startConferenceOnEnter)) {
      conference.status = 'in-progress';
      conference.updatedAt = Date.now();
      this.event(conference, 'conference-start');
      for (const waiting of conference.participants.values()) waiting.music?.abort();
    } else if (conference.status === 'init' && participant.waitUrl) {
      participant.music = new AbortController();
      this.host.track(this.host.playMusic(call, participant.waitUrl, participant.waitMethod, voiceWebhookParams(call.identity, 'in-progress'), participant.music.signal));
    }
  }

  /** Participants(callSid).update: hold with music, mute, coach, end-on-exit; events for what changed. */
  update(conference: SimConference, participant: SimParticipant, changes: ParticipantChanges): void {
    const before = { hold: participant.hold, muted: participant.muted };
    Object.assign(participant, Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)));
    participant.updatedAt = Date.now();
    if (participant.status !== 'connected') return;
    if (before.muted !== participant.muted) this.event(conference, participant.muted ? 'participant-mute' : 'participant-unmute', participant);
    if (before.hold === participant.hold) return;
    this.event(conference, participant.hold ? 'participant-hold' : 'participant-unhold', participant);
    participant.music?.abort();
    participant.music = null;
    const call = this.host.liveCall(participant.callSid);
    if (participant.hold && participant.holdUrl && call) {
      participant.music = new AbortController();
      this.host.track(this.host.playMusic(call, participant.holdUrl, participant.holdMethod, voiceWebhookParams(call.identity, 'in-progress'), participant.music.signal));
    }
  }

  /** Takes the call out of its conference; ends the conference when that is what its leaving means. */
  leave(call: SimCall, reason: string): void {
    const conference = call.conference ? this.live.get(call.conference) : undefined;
    call.conference = null;
    const participant = conference?.participants.get(call.identity.callSid);
    if (!conference || !participant) return;
    conference.participants.delete(call.identity.callSid);
    participant.music?.abort();
    participant.status = 'complete';
    this.event(conference, 'participant-leave', participant, {
      ReasonParticipantLeft: reason,
      ParticipantCallStatus: reason === 'participant_hung_up' ? 'completed' : 'in-progress',
    });
    if (participant.endConferenceOnExit) this.end(conference, 'participant-with-end-conference-on-exit-left', call.identity.callSid, participant.label);
    else if (conference.participants.size === 0) this.end(conference, 'last-participant-left', call.identity.callSid, participant.label);
  }

  /** Everyone still in drops out (the host decides where each call goes), then conference-end. */
  end(conference: SimConference, reason: string, endingCallSid: string, endingLabel: string | null): void {
    if (conference.status === 'completed') return;
    for (const participant of [...conference.participants.values()]) {
      const call = this.host.liveCall(participant.callSid);
      conference.participants.delete(participant.callSid);
      participant.music?.abort();
      if (!call) continue;
      call.conference = null;
      const wasRinging = call.state === 'ringing';
      if (!wasRinging) {
        participant.status = 'complete';
        this.event(conference, 'participant-leave', participant, { ReasonParticipantLeft: 'conference_ended_via_participant', ParticipantCallStatus: 'in-progress' });
      }
      this.host.release(call, participant, wasRinging);
    }
    conference.status = 'completed';
    conference.updatedAt = Date.now();
    conference.reasonEnded = reason;
    conference.callSidEnding = endingCallSid;
    this.event(conference, 'conference-end', undefined, {
      ReasonConferenceEnded: reason,
      CallSidEndingConference: endingCallSid,
      ...(endingLabel ? { ParticipantLabelEndingConference: endingLabel } : {}),
    });
    this.live.delete(conference.friendlyName);
    this.ended.set(conference.friendlyName, conference);
    if (this.ended.size > MAX_ENDED_KEPT) this.ended.delete(this.ended.keys().next().value as string);
  }

  /** Stops every participant's music (the simulator is closing). */
  silence(): void {
    for (const conference of this.live.values()) for (const participant of conference.participants.values()) participant.music?.abort();
  }

  /** Posts a conference status callback, in order per conference, when the event was asked for. */
  private event(conference: SimConference, event: string, participant?: SimParticipant, extra: Record<string, string> = {}): void {
    // TwiML names events short: participant-unhold is asked for as "hold", conference-start as "start".
    const short = event.replace(/^(conference|participant)-/, '').replace(/^un/, '');
    if (!conference.statusCallback || !conference.events.has(short)) return;
    const url = conference.statusCallback;
    const params = conferenceEventParams(
      { accountSid: this.host.accountSid, sid: conference.sid, friendlyName: conference.friendlyName, sequence: conference.sequence++ },
      event, participant, extra,
    );
    const result = conference.chain.then(() => this.host.post(url, params));
    conference.chain = result.catch((error: unknown) => this.host.warn(error, 'simulator: conference callback failed'));
    this.host.track(conference.chain);
  }
}
