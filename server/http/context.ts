// What every route module gets: the configuration, the store, the server's public URL, and where
// change-log growth is announced.
import type { SessionSockets } from '../auth/session-sockets.js';
import type { ServerConfig } from '../config.js';
import type { LiveBus } from '../live/live-bus.js';
import type { WallboardHub } from '../live/wallboard-hub.js';
import type { Store } from '../store/store.js';
import type { ChangeNotifier } from '../sync/change-notifier.js';
import type { PokeHub } from '../sync/poke.js';
import type { CallCenter } from '../telephony/call-center.js';
import type { TwilioSimulator } from '../telephony/twilio-simulator.js';
import type { VoiceApi } from '../telephony/voice-api.js';

export interface ServerContext {
  config: ServerConfig;
  store: Store;
  /** The URL Twilio reaches us at: config.publicUrl, else where we listen (known once listening). */
  publicUrl(): string;
  simulator: TwilioSimulator | null;
  version: string;
  /** Told after every commit that grew the change log. */
  notifier: ChangeNotifier;
  pokeHub: PokeHub;
  /** Where call and agent changes are published; every instance's subscribers get them. */
  liveBus: LiveBus;
  /** Serves team leads' wallboard sockets from this instance's live state. */
  wallboard: WallboardHub;
  /** What we ask of Twilio's REST API (redirects, conference participants). */
  voiceApi: VoiceApi;
  /** The call router and call control: transactions, then Twilio, live events and offers. */
  callCenter: CallCenter;
  /** Open sockets by session, closed when their session ends. */
  sessionSockets: SessionSockets;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on routes that need a signed-in agent. */
    agentId: string | null;
  }
}
