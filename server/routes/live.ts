// The team lead's live feed (`/live/wallboard`, WebSocket) and wallboard preferences saved per
// agent (`GET/PUT /live/preferences`), so the big-screen cards follow the lead to any screen.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import {
  LIVE_PREFERENCES_PATH, LIVE_WALLBOARD_PATH, WallboardPreferencesSchema, type WallboardPreferences,
} from '../../shared/live-protocol.js';
import { queryTokenAccess } from '../auth/route-access.js';
import { parseInput } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import type { WallboardPeer } from '../live/wallboard-hub.js';
import { signedInAgentId } from './auth.js';

function peerFor(socket: WebSocket): WallboardPeer {
  return {
    send: (text) => {
      if (socket.readyState === socket.OPEN) socket.send(text);
    },
    close: (code, reason) => socket.close(code, reason),
    onMessage: (handler) => socket.on('message', (data) => handler(String(data))),
    onClose: (handler) => {
      socket.on('close', handler);
      socket.on('error', handler);
    },
  };
}

/** The socket authenticates with `?token=` like the poke socket, and only team leads and admins get in. */
export function registerWallboardRoute(app: FastifyInstance, context: ServerContext): void {
  const access = queryTokenAccess(context.config.tokenSecret, context.store, 'wallboard.view');
  app.get(LIVE_WALLBOARD_PATH, { websocket: true, ...access }, (socket, request) => {
    if (request.sessionId) context.sessionSockets.track(request.sessionId, socket);
    context.wallboard.attach(peerFor(socket));
  });
}

const WALLBOARD_ACCESS = { config: { access: 'wallboard.view' } } as const;

/** Registered inside the signed-in scope (bearer token). */
export function registerWallboardPreferenceRoutes(scope: FastifyInstance, context: ServerContext): void {
  scope.get(LIVE_PREFERENCES_PATH, WALLBOARD_ACCESS, async (request): Promise<WallboardPreferences> => {
    const [row] = await context.store.query<{ preferences: unknown }>(
      'SELECT preferences FROM wallboard_preferences WHERE agent_id = $1',
      [signedInAgentId(request)],
    );
    // Saved by an older build with fewer cards: what still parses is kept, the rest defaults.
    const saved = WallboardPreferencesSchema.safeParse(row?.preferences ?? {});
    return saved.success ? saved.data : WallboardPreferencesSchema.parse({});
  });

  scope.put(LIVE_PREFERENCES_PATH, WALLBOARD_ACCESS, async (request): Promise<WallboardPreferences> => {
    const preferences = parseInput(WallboardPreferencesSchema, request.body);
    await context.store.query(
      `INSERT INTO wallboard_preferences (agent_id, preferences, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (agent_id) DO UPDATE SET preferences = EXCLUDED.preferences, updated_at = now()`,
      [signedInAgentId(request), JSON.stringify(preferences)],
    );
    return preferences;
  });
}
