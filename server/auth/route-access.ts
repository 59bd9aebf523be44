// Enforces the access each route declares (`config: { access }`): the permission check of the
// signed-in scope, the same check for the sockets that sign in with `?token=`, and the start-up
// check that every route declared an access and that nothing holding a permission goes unchecked.
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Agent } from '../../shared/domain/agent.js';
import { HttpFailure } from '../http/errors.js';
import { getAgent } from '../store/agents.js';
import type { Store } from '../store/store.js';
import { authenticateAccessToken } from './identity.js';
import { isPermission, PERMISSIONS, PUBLIC_ACCESS, roleHolds, type Permission, type RouteAccess } from './permissions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs: a permission of the table, or `public`. A route without it stops the server at start-up. */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The signed-in agent as the store has them, read once per request by the permission check. */
    signedInAgent: Agent | null;
    /** The session the access token names (signed-in routes and `?token=` sockets). */
    sessionId: string | null;
  }
}

export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess | null;
}

function accessOf(route: RouteOptions): unknown {
  return (route.config as { access?: unknown } | undefined)?.access;
}

function methodsOf(route: RouteOptions): string[] {
  return Array.isArray(route.method) ? [...route.method] : [route.method];
}

/** The signed-in agent, read from the store once per request; 401 if they no longer exist. */
export async function signedInAgentOf(request: FastifyRequest, store: Store): Promise<Agent> {
  if (request.signedInAgent) return request.signedInAgent;
  if (!request.agentId) throw new HttpFailure(401, 'UNAUTHORIZED', 'sign in first');
  const agent = await getAgent(store, request.agentId);
  if (!agent) throw new HttpFailure(401, 'UNAUTHORIZED', 'sign in first: this agent no longer exists');
  request.signedInAgent = agent;
  return agent;
}

/** 403 FORBIDDEN, with the permission's own message, unless the agent's role holds it. */
export async function requirePermission(request: FastifyRequest, store: Store, permission: Permission): Promise<Agent> {
  const agent = await signedInAgentOf(request, store);
  if (!roleHolds(agent.role, permission)) throw new HttpFailure(403, 'FORBIDDEN', PERMISSIONS[permission].refusal);
  return agent;
}

const queryTokenGuards = new WeakSet<object>();

/**
 * Route options for a socket that signs in with `?token=` (browsers cannot set headers on a
 * WebSocket): the token, then the permission, before the upgrade.
 */
export function queryTokenAccess(tokenSecret: string, store: Store, permission: Permission) {
  const preValidation = async (request: FastifyRequest): Promise<void> => {
    const token = (request.query as { token?: unknown } | undefined)?.token;
    // The same check as the bearer hook: a signed-out session's token opens no socket.
    const claims = typeof token === 'string' ? await authenticateAccessToken(store, tokenSecret, token) : null;
    if (!claims) throw new HttpFailure(401, 'UNAUTHORIZED', 'sign in first');
    request.agentId = claims.agentId;
    request.sessionId = claims.sessionId;
    await requirePermission(request, store, permission);
  };
  queryTokenGuards.add(preValidation);
  return { config: { access: permission }, preValidation };
}

function hasQueryTokenGuard(route: RouteOptions): boolean {
  const hooks = route.preValidation === undefined ? [] : Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation];
  return hooks.some((hook) => queryTokenGuards.has(hook as object));
}

/**
 * Records every route registered after it and checks them all when the server gets ready. Call
 * it before the first route (after plugins such as CORS, whose preflight route is theirs).
 */
export class RouteAccessControl {
  private readonly registered: RouteOptions[] = [];
  private readonly bearerChecked = new WeakSet<RouteOptions>();

  constructor(app: FastifyInstance) {
    app.decorateRequest('signedInAgent', null);
    app.decorateRequest('sessionId', null);
    app.addHook('onRoute', (route) => {
      this.registered.push(route);
    });
    app.addHook('onReady', async () => {
      const problems = this.problems();
      if (problems.length > 0) throw new Error(`routes without a proper access declaration:\n${problems.join('\n')}`);
    });
  }

  /**
   * The permission check of the signed-in scope, after its bearer-token hook: every route in it
   * must name a permission, and a role without it gets 403 before the body is even read.
   */
  enforceIn(scope: FastifyInstance, store: Store): void {
    scope.addHook('onRoute', (route) => {
      this.bearerChecked.add(route);
    });
    scope.addHook('onRequest', async (request) => {
      const access = request.routeOptions.config.access;
      // The start-up check makes this unreachable; refusing is the safe answer if it ever is.
      if (!isPermission(access)) throw new HttpFailure(403, 'FORBIDDEN', 'this route declares no permission');
      await requirePermission(request, store, access);
    });
  }

  /** Every route as Fastify registered it, with the access it declared. */
  routes(): DeclaredRoute[] {
    return this.registered.flatMap((route) => {
      const access = accessOf(route);
      return methodsOf(route).map((method) => ({
        method,
        url: route.url,
        access: isPermission(access) || access === PUBLIC_ACCESS ? access : null,
      }));
    });
  }

  problems(): string[] {
    return this.registered.flatMap((route) => {
      const name = `${methodsOf(route).join(',')} ${route.url}`;
      const access = accessOf(route);
      if (access === undefined) return [`${name} declares no access (config.access)`];
      if (access === PUBLIC_ACCESS) {
        return this.bearerChecked.has(route) ? [`${name} is public but registered in the signed-in scope`] : [];
      }
      if (!isPermission(access)) return [`${name} names an unknown permission "${String(access)}"`];
      if (!this.bearerChecked.has(route) && !hasQueryTokenGuard(route)) {
        return [`${name} needs "${access}" but is outside the signed-in scope, so nothing would check it`];
      }
      return [];
    });
  }
}

/** Marks every route registered in `scope` public unless it declares otherwise (a whole public area, such as the simulator). */
export function declarePublic(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    if (accessOf(route) === undefined) route.config = { ...route.config, access: PUBLIC_ACCESS };
  });
}
