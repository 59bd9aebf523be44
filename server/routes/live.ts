// The team lead's live feed (`/live/wallboard`, WebSocket) and wallboard preferences saved per
// agent (`GET/PUT /live/preferences`), so the big-screen cards follow the lead to any screen.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { AgentRole } from '../../shared/domain/agent.js';
import {
  LIVE_PREFERENCES_PATH, LIVE_WALLBOARD_PATH, WallboardPreferencesSchema, type WallboardPreferences,
} from '../../shared/live-protocol.js';
import { verifyAccessToken } from '../auth/access-tokens.js';
import { HttpFailure, parseInput } from '../http/errors.js';
import type { ServerContext } from '../http/context.js';
import type { WallboardPeer } from '../live/wallboard-hub.js';
import type { Store } from '../store/store.js';
import { signedInAgentId } from './auth.js';

const WALLBOARD_ROLES: ReadonlySet<AgentRole> = new Set(['team_lead', 'admin']);

async function roleOf(store: Store, agentId: string): Promise<AgentRole | null> {
  const [row] = await store.query<{ role: AgentRole }>('SELECT role FROM agents WHERE id = $1', [agentId]);
  return row?.role ?? null;
}

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
  const authorize = async (request: FastifyRequest): Promise<void> => {
    const token = (request.query as { token?: unknown } | undefined)?.token;
    const agentId = typeof token === 'string' ? verifyAccessToken(context.config.tokenSecret, token) : null;
    if (!agentId) throw new HttpFailure(401, 'UNAUTHORIZED', 'sign in first');
    const role = await roleOf(context.store, agentId);
    // The catalogue has no "forbidden" code; UNAUTHORIZED with 403 says signed in but not allowed.
    if (!role || !WALLBOARD_ROLES.has(role)) throw new HttpFailure(403, 'UNAUTHORIZED', 'the wallboard is for team leads and admins');
    request.agentId = agentId;
  };
  app.get(LIVE_WALLBOARD_PATH, { websocket: true, preValidation: authorize }, (socket) => context.wallboard.attach(peerFor(socket)));
}

/** Registered inside the signed-in scope (bearer token). */
export function registerWallboardPreferenceRoutes(scope: FastifyInstance, context: ServerContext): void {
  scope.get(LIVE_PREFERENCES_PATH, async (request): Promise<WallboardPreferences> => {
    const [row] = await context.store.query<{ preferences: unknown }>(
      'SELECT preferences FROM wallboard_preferences WHERE agent_id = $1',
      [signedInAgentId(request)],
    );
    // Saved by an older build with fewer cards: what still parses is kept, the rest defaults.
    const saved = WallboardPreferencesSchema.safeParse(row?.preferences ?? {});
    return saved.success ? saved.data : WallboardPreferencesSchema.parse({});
  });

  scope.put(LIVE_PREFERENCES_PATH, async (request): Promise<WallboardPreferences> => {
    const preferences = parseInput(WallboardPreferencesSchema, request.body);
    await context.store.query(
      `INSERT INTO wallboard_preferences (agent_id, preferences, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (agent_id) DO UPDATE SET preferences = EXCLUDED.preferences, updated_at = now()`,
      [signedInAgentId(request), JSON.stringify(preferences)],
    );
    return preferences;
  });
}
