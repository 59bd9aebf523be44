// What every route module gets: the configuration, the store, and the server's public URL.
import type { ServerConfig } from '../config.js';
import type { Store } from '../store/store.js';
import type { TwilioSimulator } from '../telephony/twilio-simulator.js';

export interface ServerContext {
  config: ServerConfig;
  store: Store;
  /** The URL Twilio reaches us at: config.publicUrl, else where we listen (known once listening). */
  publicUrl(): string;
  simulator: TwilioSimulator | null;
  version: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on routes that need a signed-in agent. */
    agentId: string | null;
  }
}
