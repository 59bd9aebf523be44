// VoiceApi over Twilio's REST API through the `twilio` library. Production talks to
// api.twilio.com; simulated telephony hands the library an HTTP client that sends the very same
// requests to the simulator's REST API on this server (/sim/twilio-api).
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type { AddParticipantOptions, UpdateParticipantOptions, VoiceApi } from './voice-api.js';

/** A Twilio REST failure, with Twilio's error code (e.g. 20404, 21220) and the HTTP status. */
export class TwilioApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | null,
    readonly moreInfo: string | null,
  ) {
    super(message);
    this.name = 'TwilioApiError';
  }
}

/** What the library throws on a non-2xx answer (RestException), read without depending on its class. */
export function toTwilioApiError(error: unknown): unknown {
  if (!(error instanceof Error) || !('status' in error) || typeof error.status !== 'number') return error;
  const code = 'code' in error && typeof error.code === 'number' ? error.code : null;
  const moreInfo = 'moreInfo' in error && typeof error.moreInfo === 'string' ? error.moreInfo : null;
  return new TwilioApiError(error.message, error.status, code, moreInfo);
}

/**
 * `client:alice` plus custom parameters as a query string (`client:alice?callId=...`): Twilio's
 * Participants API documents custom parameters on the To of a Client participant, and the Voice
 * SDK shows them as the incoming call's customParameters.
 */
export function participantTarget(to: string, clientParameters: Record<string, string> | undefined): string {
  if (!clientParameters || Object.keys(clientParameters).length === 0 || !to.startsWith('client:')) return to;
  return `${to}?${new URLSearchParams(clientParameters).toString()}`;
}

/** Sends the library's requests to `baseUrl` + /sim/twilio-api instead of https://api.twilio.com. */
export class SimulatedTwilioHttpClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: () => string) {
    super({ timeout: 10_000 });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const original = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: `${this.baseUrl()}/sim/twilio-api${original.pathname}${original.search}` });
  }
}

export interface TwilioVoiceApiOptions {
  accountSid: string;
  /** API key auth (preferred in production); falls back to the account's auth token. */
  apiKeySid?: string;
  apiKeySecret?: string;
  authToken?: string;
  httpClient?: InstanceType<typeof twilio.RequestClient>;
}

export class TwilioVoiceApi implements VoiceApi {
  private readonly client: twilio.Twilio;

  constructor(options: TwilioVoiceApiOptions) {
    const clientOptions = { accountSid: options.accountSid, ...(options.httpClient ? { httpClient: options.httpClient } : {}) };
    this.client =
      options.apiKeySid && options.apiKeySecret
        ? twilio(options.apiKeySid, options.apiKeySecret, clientOptions)
        : twilio(options.accountSid, options.authToken, clientOptions);
  }

  async redirectCall(callSid: string, twiml: string): Promise<void> {
    await this.call(() => this.client.calls(callSid).update({ twiml }));
  }

  async endCall(callSid: string): Promise<void> {
    await this.call(() => this.client.calls(callSid).update({ status: 'completed' }));
  }

  async addParticipant(conference: string, options: AddParticipantOptions): Promise<{ callSid: string }> {
    const participant = await this.call(() =>
      this.client.conferences(conference).participants.create({
        from: options.from,
        to: participantTarget(options.to, options.clientParameters),
        label: options.label,
        timeout: options.timeoutSeconds,
        statusCallback: options.statusCallback,
        statusCallbackMethod: 'POST',
        statusCallbackEvent: [...options.statusCallbackEvent],
        ...(options.startConferenceOnEnter !== undefined ? { startConferenceOnEnter: options.startConferenceOnEnter } : {}),
        ...(options.endConferenceOnExit !== undefined ? { endConferenceOnExit: options.endConferenceOnExit } : {}),
        ...(options.muted !== undefined ? { muted: options.muted } : {}),
        ...(options.coaching !== undefined ? { coaching: options.coaching } : {}),
        ...(options.callSidToCoach !== undefined ? { callSidToCoach: options.callSidToCoach } : {}),
      }),
    );
    return { callSid: participant.callSid };
  }

  async updateParticipant(conferenceSid: string, callSid: string, options: UpdateParticipantOptions): Promise<void> {
    const update = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as UpdateParticipantOptions;
    await this.call(() => this.client.conferences(conferenceSid).participants(callSid).update(update));
  }

  async removeParticipant(conferenceSid: string, callSid: string): Promise<void> {
    await this.call(() => this.client.conferences(conferenceSid).participants(callSid).remove());
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toTwilioApiError(error);
    }
  }
}
