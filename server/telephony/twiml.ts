// The TwiML documents the server answers Twilio with, built with Twilio's own VoiceResponse.
import twilio from 'twilio';
import type { QueueName } from '../../shared/domain/call.js';

export const DIAL_RESULT_PATH = '/twilio/dial-result';
export const STATUS_PATH = '/twilio/status';

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

export function enqueueTwiml(queue: QueueName): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(HOLD_MESSAGES[queue]);
  response.enqueue(queue);
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
