// What every route module gets: the configuration, the store, the server's public URL, and where
// change-log growth is announced.
import type { ServerConfig } from '../config.js';
import type { Store } from '../store/store.js';
import type { ChangeNotifier } from '../sync/change-notifier.js';
import type { PokeHub } from '../sync/poke.js';
import type { TwilioSimulator } from '../telephony/twilio-simulator.js';

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
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on routes that need a signed-in agent. */
    agentId: string | null;
  }
}
