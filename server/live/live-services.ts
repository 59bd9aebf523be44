// Starts the live side of one server instance: the bus (PostgreSQL LISTEN/NOTIFY when the store
// is PostgreSQL, in-process with PGlite, which only ever has one instance), this instance's
// LiveState and the hub serving team leads' wallboard sockets.
import type { ServerConfig } from '../config.js';
import type { Store } from '../store/store.js';
import { loadBoard } from './board-store.js';
import { InProcessLiveBus, type LiveBus } from './live-bus.js';
import { InProcessLiveFeed, type LiveFeed } from './live-feed.js';
import { LiveState } from './live-state.js';
import { PgLiveBus } from './pg-live-bus.js';
import { WallboardHub } from './wallboard-hub.js';

export interface LiveServices {
  bus: LiveBus;
  state: LiveState;
  wallboard: WallboardHub;
  close(): Promise<void>;
}

export async function startLiveServices(
  store: Store,
  config: Pick<ServerConfig, 'databaseUrl' | 'databaseSchema' | 'serviceLevelSeconds' | 'serviceLevelTarget' | 'shortAbandonSeconds' | 'alertThresholds'>,
  onError: (error: unknown) => void,
): Promise<LiveServices> {
  let bus: LiveBus;
  let feed: LiveFeed & { close(): unknown };
  if (store.kind === 'postgres' && config.databaseUrl) {
    const pgBus = await PgLiveBus.start({
      store,
      connectionString: config.databaseUrl,
      ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
      onError,
    });
    bus = pgBus;
    feed = pgBus;
  } else {
    bus = new InProcessLiveBus();
    feed = new InProcessLiveFeed(bus);
  }
  const state = new LiveState({ feed, loadBoard: (dayStart) => loadBoard(store, dayStart), onError });
  try {
    await state.reload();
  } catch (error) {
    state.close();
    await feed.close();
    await bus.close();
    throw error;
  }
  const wallboard = new WallboardHub(state, {
    metrics: {
      serviceLevelSeconds: config.serviceLevelSeconds,
      serviceLevelTarget: config.serviceLevelTarget,
      shortAbandonSeconds: config.shortAbandonSeconds,
    },
    thresholds: config.alertThresholds,
  });
  return {
    bus,
    state,
    wallboard,
    close: async () => {
      wallboard.close();
      state.close();
      await feed.close();
      await bus.close();
    },
  };
}
