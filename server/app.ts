// Starts the central server: opens and migrates the store, seeds what a new database needs,
// and serves the HTTP and WebSocket routes. Tests and scripts start it in-process from here.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { HealthSchema } from '../shared/server-api.js';
import { registerAuditRoutes } from './audit/routes.js';
import { auditSignInAttempts } from './audit/sign-in.js';
import { Identity } from './auth/identity.js';
import { hashPassword } from './auth/passwords.js';
import { declarePublic, RouteAccessControl, type DeclaredRoute } from './auth/route-access.js';
import type { ServerConfig } from './config.js';
import type { ServerContext } from './http/context.js';
import { installErrorHandlers } from './http/errors.js';
import { fastifyOptions, installSecurity, type LogDestination } from './http/security.js';
import { startLiveServices } from './live/live-services.js';
import { SessionSockets } from './auth/session-sockets.js';
import { registerAgentRoutes, registerSessionRoutes, registerSignInRoutes, requireSignedInAgent } from './routes/auth.js';
import { registerCallRoutes } from './routes/calls.js';
import { registerOpen311Routes } from './routes/open311.js';
import { registerWallboardPreferenceRoutes, registerWallboardRoute } from './routes/live.js';
import { registerSimulatorRoutes } from './routes/sim.js';
import { registerSupervisorRoutes, registerSupervisorWebhooks } from './routes/supervisor.js';
import { registerPokeRoute, registerSyncRoutes } from './routes/sync.js';
import { registerTriageRoutes } from './routes/triage.js';
import { registerTwilioWebhooks, registerVoiceTokenRoute } from './routes/twilio.js';
import { migrate } from './store/migrate.js';
import { openPgStore } from './store/pg-store.js';
import { openPgliteStore } from './store/pglite-store.js';
import { agentsWithoutPassword, seedDemoAgentPasswords, seedDemoData, seedReferenceData } from './store/seed.js';
import type { Store } from './store/store.js';
import type { LiveBus } from './live/live-bus.js';
import { InProcessChangeNotifier, type ChangeNotifier } from './sync/change-notifier.js';
import { PgChangeNotifier } from './sync/pg-change-notifier.js';
import { PokeHub } from './sync/poke.js';
import { CallCenter } from './telephony/call-center.js';
import { TwilioSimulator } from './telephony/twilio-simulator.js';
import { SimulatedTwilioHttpClient, TwilioVoiceApi } from './telephony/twilio-voice-api.js';
import type { VoiceApi } from './telephony/voice-api.js';

export { loadServerConfig, ServerConfigSchema, type ServerConfig, type ServerConfigInput } from './config.js';

export interface RunningServer {
  /** Like http://127.0.0.1:54321, without a trailing slash. */
  url: string;
  store: Store;
  /** The instance's live bus: tests and benchmarks publish on it as the call router does. */
  liveBus: LiveBus;
  /** Every route Fastify registered, with the access it declared (server/auth/permissions.ts). */
  routes: readonly DeclaredRoute[];
  close(): Promise<void>;
}

/** How long a closing server lets requests in flight finish before it cuts their connections. */
export const CLOSE_GRACE_MS = 3_000;
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function openStore(config: ServerConfig): Promise<Store> {
  if (config.databaseUrl) return openPgStore({ connectionString: config.databaseUrl, schema: config.databaseSchema });
  return openPgliteStore(path.join(config.dataDir, 'server-db'));
}

/** The seed password hashed once (Argon2id is slow on purpose), for every seeded and simulated agent. */
function seedPasswordHasher(config: ServerConfig): () => Promise<string | null> {
  let hashed: Promise<string | null> | null = null;
  return () => (hashed ??= config.seedPassword === null ? Promise.resolve(null) : hashPassword(config.seedPassword));
}

/** Migrates and seeds; closes the store again if that fails, so no handle is left open. */
async function prepareStore(config: ServerConfig, seedPasswordHash: () => Promise<string | null>): Promise<Store> {
  const store = await openStore(config);
  try {
    await migrate(store);
    await seedReferenceData(store);
    const passwordHash = await seedPasswordHash();
    if (passwordHash) await seedDemoAgentPasswords(store, passwordHash);
    if (config.seed) await seedDemoData(store, { seed: config.seedRandom, ...config.seed });
    return store;
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

function urlFor(host: string, port: number): string {
  // A wildcard address is not one a client can dial; loopback reaches the same listener.
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

async function configureApp(app: FastifyInstance, context: ServerContext, seedPasswordHash: () => Promise<string | null>): Promise<RouteAccessControl> {
  const identity = new Identity(context.store, context.config);
  app.decorateRequest('agentId', null);
  installErrorHandlers(app);
  await installSecurity(app, context.config);
  await app.register(formbody);
  await app.register(websocket);
  // From here on every route declares its access, or the server does not start.
  const access = new RouteAccessControl(app);

  app.get('/health', { config: { access: 'public' } }, async (): Promise<z.infer<typeof HealthSchema>> => ({
    ok: true,
    store: context.store.kind,
    version: context.version,
  }));
  auditSignInAttempts(app, context);
  registerSignInRoutes(app, identity);
  registerTwilioWebhooks(app, context);
  registerSupervisorWebhooks(app, context);
  registerPokeRoute(app, context);
  registerWallboardRoute(app, context);
  await registerOpen311Routes(app, context);
  const simulator = context.simulator;
  if (simulator) {
    // Simulated telephony only: the simulator stands in for Twilio's cloud, which needs no agent.
    await app.register(async (scope) => {
      declarePublic(scope);
      registerSimulatorRoutes(scope, simulator, context.store, seedPasswordHash);
    });
  }
  await app.register(async (scope) => {
    requireSignedInAgent(scope, identity);
    access.enforceIn(scope, context.store);
    registerSessionRoutes(scope, identity, () => void context.sessionSockets.recheck());
    registerAgentRoutes(scope, context);
    registerVoiceTokenRoute(scope, context);
    registerCallRoutes(scope, context);
    registerSyncRoutes(scope, context);
    registerTriageRoutes(scope, context);
    registerWallboardPreferenceRoutes(scope, context);
    registerAuditRoutes(scope, context);
    registerSupervisorRoutes(scope, context);
  });
  return access;
}

export interface StartServerOptions {
  /** Twilio's REST API as the call router and call control reach it; tests pass a recording fake. */
  voiceApi?: VoiceApi;
  /** Where the (scrubbed) log lines go; standard output by default. */
  logDestination?: LogDestination;
}

export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const seedPasswordHash = seedPasswordHasher(config);
  const store = await prepareStore(config, seedPasswordHash);
  let listeningUrl: string | null = null;
  const publicUrl = (): string => config.publicUrl ?? listeningUrl ?? urlFor(config.host, config.port);
  const app = Fastify(fastifyOptions(config, options.logDestination));
  const withoutPassword = await agentsWithoutPassword(store).catch(() => 0);
  if (withoutPassword > 0) {
    app.log.warn(`${withoutPassword} agent(s) have no password and cannot sign in: set one with \`npm run users -- set-password <agentId>\` (or FRONTDESK_SEED_PASSWORD for the demo agents)`);
  }
  // Several instances share one PostgreSQL, so a push on one must poke hosts on all; PGlite has one instance.
  const notifier: ChangeNotifier =
    store.kind === 'postgres' && config.databaseUrl
      ? await PgChangeNotifier.start({
          store,
          connectionString: config.databaseUrl,
          ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
          onError: (error) => app.log.warn({ err: error }, 'change notifier'),
        }).catch(async (error: unknown) => {
          await store.close().catch(() => undefined);
          throw error;
        })
      : new InProcessChangeNotifier();
  const pokeHub = new PokeHub(store, notifier, { onError: (error) => app.log.warn({ err: error }, 'poke failed') });
  const live = await startLiveServices(store, config, (error) => app.log.warn({ err: error }, 'live feed')).catch(async (error: unknown) => {
    pokeHub.close();
    await notifier.close();
    await store.close().catch(() => undefined);
    throw error;
  });
  pokeHub.followLiveBus(live.bus);
  // Simulated telephony sends the library's requests to the simulator's REST API on this very
  // server (where it listens, even when publicUrl names a proxy in front of it).
  const voiceApi =
    options.voiceApi ??
    new TwilioVoiceApi({
      ...config.twilio,
      ...(config.telephony === 'simulated' ? { httpClient: new SimulatedTwilioHttpClient(() => listeningUrl ?? urlFor(config.host, config.port)) } : {}),
    });
  const callCenter = new CallCenter({ store, voiceApi, liveBus: live.bus, log: app.log, settings: { ...config, publicUrl } });
  let routeAccess: RouteAccessControl;
  const sessionSockets = new SessionSockets(store, config.now, (error) => app.log.warn({ err: error }, 'socket session check'), config.socketRecheckSeconds * 1000);
  const context: ServerContext = {
    config, store, publicUrl, simulator: null, version: VERSION, notifier, pokeHub, liveBus: live.bus, wallboard: live.wallboard,
    voiceApi, callCenter, sessionSockets,
  };

  try {
    if (config.telephony === 'simulated') {
      context.simulator = new TwilioSimulator({
        credentials: config.twilio,
        webhookBase: publicUrl,
        mainNumber: config.mainNumber,
        transfer911Numbers: config.transfer911Numbers,
        log: app.log,
      });
    }
    routeAccess = await configureApp(app, context, seedPasswordHash);
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    sessionSockets.close();
    callCenter.close();
    pokeHub.close();
    await live.close();
    await notifier.close();
    await store.close().catch(() => undefined);
    throw error;
  }
  listeningUrl = urlFor(config.host, (app.server.address() as AddressInfo).port);

  let closing: Promise<void> | null = null;
  return {
    url: listeningUrl,
    store,
    liveBus: live.bus,
    routes: routeAccess.routes(),
    close: () => {
      closing ??= (async () => {
        sessionSockets.close();
        callCenter.close();
        await context.simulator?.close();
        pokeHub.close();
        live.wallboard.close();
        // Fastify closes the idle keep-alive connections and waits for the busy ones; a
        // connection that turns idle after that (or never sent a request) would hold the close
        // for the whole keep-alive timeout. In-flight requests get a grace period, then every
        // connection still open is cut: a desk whose request is cut retries it (pushes are
        // idempotent by mutation id).
        const deadline = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
        try {
          await app.close();
        } finally {
          clearTimeout(deadline);
        }
        await live.close();
        await notifier.close();
        await store.close();
      })();
      return closing;
    },
  };
}
