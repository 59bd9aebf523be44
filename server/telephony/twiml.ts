// The TwiML documents the server answers Twilio with, built with Twilio's own VoiceResponse.
import twilio from 'twilio';
import type { QueueName } from '../../shared/domain/call.js';

export const DIAL_RESULT_PATH = '/twilio/dial-result';
export const STATUS_PATH = '/twilio/status';
export const QUEUE_WAIT_PATH = '/twilio/queue-wait';
export const CONFERENCE_STATUS_PATH = '/twilio/conference';
export const PARTICIPANT_STATUS_PATH = '/twilio/participant';

export interface DialAgentTwiml {
  agentId: string;
  callId: string;
  queue: QueueName;
  is911Transfer: boolean;
  receivedAt: string;
  ringTimeoutSeconds: number;
}

/** Rings the agent's softphone; the <Parameter>s reach it as the call's custom parameters. */
export function dialAgentTwiml(call: DialAgentTwiml): string {
  const response = new twilio.twiml.VoiceResponse();
  const dial = response.dial({ answerOnBridge: true, timeout: call.ringTimeoutSeconds, action: DIAL_RESULT_PATH });
  const client = dial.client({
    statusCallback: STATUS_PATH,
    statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
  });
  client.identity(call.agentId);
  client.parameter({ name: 'callId', value: call.callId });
  client.parameter({ name: 'queue', value: call.queue });
  client.parameter({ name: 'is911Transfer', value: String(call.is911Transfer) });
  client.parameter({ name: 'receivedAt', value: call.receivedAt });
  return response.toString();
}

const HOLD_MESSAGES: Record<QueueName, string> = {
  general: 'Thank you for calling Philly 3 1 1. All of our call-takers are helping other callers. Please stay on the line.',
  triage: 'Your call has been transferred from 9 1 1. Please stay on the line for the next available call-taker.',
};

/** Puts the caller in the queue; Twilio fetches `waitUrl` in a loop while they wait. */
export function enqueueTwiml(queue: QueueName, waitUrl: string = QUEUE_WAIT_PATH): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(HOLD_MESSAGES[queue]);
  response.enqueue({ waitUrl, waitUrlMethod: 'POST' }, queue);
  return response.toString();
}

/** What a waiting caller hears each time round: their place in line, then hold music. */
export function queueWaitTwiml(position: number | null, holdMusicUrl: string): string {
  const response = new twilio.twiml.VoiceResponse();
  if (position !== null && position > 0) {
    response.say(position === 1 ? 'You are next in line.' : `You are number ${position} in line.`);
  }
  response.play(holdMusicUrl);
  return response.toString();
}

export interface ConferenceLegTwiml {
  /** The conference is named after our call id. */
  name: string;
  /** The caller's leg ends the conference when it leaves; an agent leaving (a transfer) does not. */
  endConferenceOnExit: boolean;
  holdMusicUrl: string;
}

/** Moves a leg into the call's conference, so it can be held and transferred. */
export function conferenceTwiml(leg: ConferenceLegTwiml): string {
  const response = new twilio.twiml.VoiceResponse();
  const dial = response.dial();
  dial.conference(
    {
      startConferenceOnEnter: true,
      endConferenceOnExit: leg.endConferenceOnExit,
      beep: 'false',
      waitUrl: leg.holdMusicUrl,
      statusCallback: CONFERENCE_STATUS_PATH,
      statusCallbackEvent: ['start', 'end', 'join', 'leave'],
    },
    leg.name,
  );
  return response.toString();
}

export function hangupTwiml(): string {
  const response = new twilio.twiml.VoiceResponse();
  response.hangup();
  return response.toString();
}

export function emptyTwiml(): string {
  return new twilio.twiml.VoiceResponse().toString();
}
