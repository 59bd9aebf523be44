// Set-up for the call router and call-control tests: the real server on a real store with a
// recording VoiceApi in place of Twilio's REST API, Twilio's webhooks posted by hand (signed),
// and the host's live socket.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startServer, ServerConfigSchema, type RunningServer, type ServerConfigInput } from '../../../server/app.js';
import { dropPgSchema } from '../../../server/store/pg-store.js';
import type { AddParticipantOptions, UpdateParticipantOptions, VoiceApi } from '../../../server/telephony/voice-api.js';
import { HostLiveMessageSchema, SYNC_POKE_PATH, type HostLiveMessage } from '../../../shared/sync-protocol.js';
import { postForm, twilioSignature, type StoreTarget } from './helpers.js';

export type VoiceRequest =
  | { method: 'redirectCall'; callSid: string; twiml: string }
  | { method: 'endCall'; callSid: string }
  | { method: 'addParticipant'; conference: string; options: AddParticipantOptions; callSid: string }
  | { method: 'updateParticipant'; conferenceSid: string; callSid: string; options: UpdateParticipantOptions }
  | { method: 'removeParticipant'; conferenceSid: string; callSid: string };

/** Keeps every request the server makes of Twilio; `failNext` makes the next one fail as Twilio would. */
export class RecordingVoiceApi implements VoiceApi {
  readonly requests: VoiceRequest[] = [];
  failNext: string | null = null;

  private record(request: VoiceRequest): void {
    if (this.failNext) {
      const message = this.failNext;
      this.failNext = null;
      throw new Error(message);
    }
    this.requests.push(request);
  }

  async redirectCall(callSid: string, twiml: string): Promise<void> {
    this.record({ method: 'redirectCall', callSid, twiml });
  }

  async endCall(callSid: string): Promise<void> {
    this.record({ method: 'endCall', callSid });
  }

  async addParticipant(conference: string, options: AddParticipantOptions): Promise<{ callSid: string }> {
    const callSid = newCallSid();
    this.record({ method: 'addParticipant', conference, options, callSid });
    return { callSid };
  }

  async updateParticipant(conferenceSid: string, callSid: string, options: UpdateParticipantOptions): Promise<void> {
    this.record({ method: 'updateParticipant', conferenceSid, callSid, options });
  }

  async removeParticipant(conferenceSid: string, callSid: string): Promise<void> {
    this.record({ method: 'removeParticipant', conferenceSid, callSid });
  }

  of<M extends VoiceRequest['method']>(method: M): Array<Extract<VoiceRequest, { method: M }>> {
    return this.requests.filter((request): request is Extract<VoiceRequest, { method: M }> => request.method === method);
  }
}

export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

export interface TelephonyTestServer {
  server: RunningServer;
  url: string;
  voice: RecordingVoiceApi;
  /** POSTs Twilio's form parameters to one of our webhooks, signed as Twilio signs. */
  webhook(pathAndQuery: string, params: Record<string, string>): Promise<Response>;
  dispose(): Promise<void>;
}

/** The real server on the target store, with no demo callers, and the recording VoiceApi. */
export async function startTelephonyServer(target: StoreTarget, overrides: Partial<ServerConfigInput> = {}): Promise<TelephonyTestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fd311-telephony-'));
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const postgresUrl = process.env.TEST_DATABASE_URL;
  const config = ServerConfigSchema.parse({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logLevel: 'silent',
    seed: false,
    ...(target.kind === 'postgres' ? { databaseUrl: postgresUrl, databaseSchema: schema } : {}),
    ...overrides,
  });
  const voice = new RecordingVoiceApi();
  const server = await startServer(config, { voiceApi: voice });
  return {
    server,
    url: server.url,
    voice,
    webhook: (pathAndQuery, params) =>
      postForm(`${server.url}${pathAndQuery}`, params, twilioSignature(config.twilio.authToken, `${server.url}${pathAndQuery}`, params)),
    dispose: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (target.kind === 'postgres') await dropPgSchema(postgresUrl as string, schema);
    },
  };
}

/** The desk host's live socket for one agent: keeps every message and can wait for one. */
export class LiveSocket {
  readonly messages: HostLiveMessage[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(HostLiveMessageSchema.parse(JSON.parse(String(data)))));
  }

  static async connect(baseUrl: string, accessToken: string): Promise<LiveSocket> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${SYNC_POKE_PATH}?token=${encodeURIComponent(accessToken)}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new LiveSocket(socket);
  }

  close(): void {
    this.socket.close();
  }
}
