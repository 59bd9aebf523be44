// What the server asks of Twilio's REST API once a call is live: redirect a call to new TwiML,
// end it, and manage conference participants (hold, transfers, and later monitor/coach/barge).
// Production goes through the `twilio` library; simulated telephony uses the same library with
// an HTTP client that reaches the simulator on this machine instead of api.twilio.com.

export interface AddParticipantOptions {
  /** Caller id shown to the dialled party (E.164, or client:<identity>). */
  from: string;
  /** E.164 number or client:<identity>. */
  to: string;
  /** Names the participant in the conference (Twilio's `label`), e.g. "transfer". */
  label: string;
  timeoutSeconds: number;
  /** Absolute URL of our participant status webhook. */
  statusCallback: string;
  statusCallbackEvent: ReadonlyArray<'initiated' | 'ringing' | 'answered' | 'completed'>;
  startConferenceOnEnter?: boolean;
  endConferenceOnExit?: boolean;
  muted?: boolean;
  /** Whisper: only `callSidToCoach` hears this participant. */
  coaching?: boolean;
  callSidToCoach?: string;
  /** Extra query parameters a client:<identity> target receives as the Voice SDK's custom parameters. */
  clientParameters?: Record<string, string>;
}

export interface UpdateParticipantOptions {
  hold?: boolean;
  /** Absolute URL of the hold music TwiML. */
  holdUrl?: string;
  muted?: boolean;
  coaching?: boolean;
  callSidToCoach?: string;
  endConferenceOnExit?: boolean;
}

export interface VoiceApi {
  /** Calls(callSid).update({ twiml }): the call leaves whatever it was doing and runs `twiml`. */
  redirectCall(callSid: string, twiml: string): Promise<void>;
  /** Calls(callSid).update({ status: 'completed' }). */
  endCall(callSid: string): Promise<void>;
  /** Conferences(conference).Participants.create(...); `conference` may be the friendly name. */
  addParticipant(conference: string, options: AddParticipantOptions): Promise<{ callSid: string }>;
  updateParticipant(conferenceSid: string, callSid: string, options: UpdateParticipantOptions): Promise<void>;
  /** Participants(callSid).remove(): that leg leaves the conference and is hung up. */
  removeParticipant(conferenceSid: string, callSid: string): Promise<void>;
}
