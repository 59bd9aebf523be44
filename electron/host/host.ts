// Starts the desk host: opens (or recovers) the SQLite cache, signs in and keeps pulling from
// the central server, and serves DeskApi in-process and, in web mode, over WebSocket.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DeskClient, SyncStatus } from '../../shared/desk-api.js';
import { AgentIdSchema, AgentSchema, type Agent } from '../../shared/domain/agent.js';
import { DeskFailure, deskError } from '../../shared/errors.js';
import { ClientIdSchema } from '../../shared/sync-protocol.js';
import { ensureClientId, readMeta, writeMeta } from './cache/meta.js';
import { moveCorruptCacheAside, openCache, type CacheDatabase } from './cache/open-cache.js';
import { readOutboxForRescue, restoreRescuedOutbox } from './cache/rescue-outbox.js';
import { countCachedRows, countLocal, readSyncState, resetIfSyncSchemaChanged } from './cache/sync-state.js';
import { createCallDesk } from './calls/call-desk.js';
import { createCallerLookup } from './callers/lookup.js';
import { createCaseDesk } from './cases/case-desk.js';
import { createCaseQueries } from './cases/case-queries.js';
import { createTriageDesk } from './triage/triage-desk.js';
import { DeskEventHub } from './desk-events.js';
import { createWallboardDesk } from './live/wallboard-desk.js';
import { WallboardRelay } from './live/wallboard-relay.js';
import { createDeskService, type DeskService, type Telephony } from './desk-service.js';
import { stderrLog, type HostLog } from './host-log.js';
import { Outbox } from './outbox/outbox.js';
import { PokeSocket } from './sync/poke-socket.js';
import { ServerSession } from './sync/server-session.js';
import { SyncLoop, systemTimers, type SyncTimers } from './sync/sync-loop.js';
import { createSyncWork } from './sync/sync-work.js';
import { DEFAULT_CLOSED_CASE_DAYS } from './sync/window.js';
import { createInProcessDeskClient } from './transports/in-process.js';
import { startDeskWebServer, type DeskWebServer } from './transports/web-server.js';

export const CACHE_FILE_NAME = 'desk-cache.sqlite';

export interface HostOptions {
  serverUrl: string;
  dataDir: string;
  agentId: string;
  clientId?: string;
  web?: { port: number; host?: string; rendererDir: string; allowedOrigins?: string[] };
  sqliteNativeBinding?: string;
  pullIntervalMs?: number;
  /** Closed cases are kept this many days after closing (open ones always). */
  closedCaseDays?: number;
  /** Rows asked for per pull page (the server caps it at 10,000). */
  pullPageSize?: number;
  /** A first sync into an empty cache builds the case indexes once caught up (default true). */
  bulkFirstSync?: boolean;
  /** Listen for the server's pokes over WebSocket (default true). */
  pokes?: boolean;
  now?: () => Date;
  /** 'simulated' unless the deployment uses real Twilio. */
  telephony?: Telephony;
  /** Timers for the sync loop (tests drive time through these); `now` wins for the clock. */
  timers?: SyncTimers;
  log?: HostLog;
}

export interface RunningHost {
  desk: DeskClient;
  /** The unwrapped service, for transports that reply with envelopes (the utility port). */
  service: DeskService;
  webUrl: string | null;
  cachePath: string;
  /** Where an unreadable cache was moved at start, if it was. */
  cacheMovedAside: string | null;
  /** Unsent mutations carried over from an unreadable cache. */
  mutationsRescued: number;
  syncOnce(): Promise<SyncStatus>;
  close(): Promise<void>;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const log = options.log ?? stderrLog;
  const now = options.now ?? options.timers?.now ?? (() => new Date());
  const timers: SyncTimers = { ...(options.timers ?? systemTimers), now };
  checkOptions(options);

  fs.mkdirSync(options.dataDir, { recursive: true });
  const cachePath = path.join(options.dataDir, CACHE_FILE_NAME);
  const { db, movedAside, rescued } = openOrRecoverCache(cachePath, options.sqliteNativeBinding, now, log);

  try {
    if (resetIfSyncSchemaChanged(db)) log('info', 'The cache was written under another sync schema; pulling everything again.');
    const clientId = options.clientId ?? ensureClientId(db);
    const events = new DeskEventHub((event, error) => log('error', `A ${event} listener failed: ${String(error)}`));
    let lastAgent = readLastAgent(db, options.agentId);

    const session = new ServerSession({
      serverUrl: options.serverUrl,
      agentId: options.agentId,
      onAgent: (agent) => {
        const changed = JSON.stringify(agent) !== JSON.stringify(lastAgent);
        lastAgent = agent;
        writeMeta(db, 'last_agent', JSON.stringify(agent));
        if (changed) events.emit('agentChanged', agent);
      },
    });

    const stored = readSyncState(db);
    const outbox = new Outbox(db, options.agentId);
    const pokes = options.pokes === false
      ? undefined
      : new PokeSocket({
        serverUrl: options.serverUrl,
        token: () => session.token,
        onPoke: () => loop.poke(),
        // Through the session, so the stored last agent and agentChanged follow as for a sign-in.
        onAgent: (agent) => session.agentUpdated(agent),
        onCall: (call) => events.emit('callChanged', call),
        log,
      });
    const loop = new SyncLoop(
      createSyncWork({
        db, session, outbox, clientId, now,
        pageLimit: options.pullPageSize,
        bulkFirstSync: options.bulkFirstSync,
        log: (message) => log('info', message),
        closedCaseDays: options.closedCaseDays ?? DEFAULT_CLOSED_CASE_DAYS,
        onResults: (results) => events.emit('mutationResults', results),
        onCasesChanged: (caseIds) => events.emit('casesChanged', { caseIds }),
      }),
      {
        connection: 'syncing',
        lastSyncedAt: stored.lastSyncedAt,
        offlineSince: null,
        cursor: stored.cursor,
        headVersion: stored.headVersion,
        rowsInCache: countCachedRows(db),
        lastError: null,
        ...countLocal(db),
        progress: null,
      },
      { pullIntervalMs: options.pullIntervalMs ?? 5_000, timers, pokes },
    );
    let previousConnection = loop.getStatus().connection;
    loop.onStatus((status) => {
      if (status.connection !== previousConnection) {
        log(status.connection === 'offline' ? 'warn' : 'info', `sync ${status.connection}${status.lastError ? `: ${status.lastError.message}` : ''}`);
        previousConnection = status.connection;
      }
      events.emit('syncStatus', status);
    });
    if (movedAside) {
      const kept = rescued > 0 ? ` ${rescued} unsent change(s) were recovered from it and will be sent.` : '';
      loop.reportError(deskError('CACHE_CORRUPT', `The local cache was unreadable and was moved aside to ${path.basename(movedAside)}; pulling a fresh copy.${kept}`));
    }

    const offlineSince = () => {
      const status = loop.getStatus();
      return status.connection === 'offline' ? status.offlineSince ?? now().toISOString() : null;
    };
    // Opens its socket only while a renderer watches the wallboard (team leads and admins).
    const wallboardRelay = new WallboardRelay({
      serverUrl: options.serverUrl,
      token: async () => {
        await session.ensureSignedIn();
        return session.token ?? session.renewToken();
      },
      renewToken: () => session.renewToken(),
      emit: (message) => events.emit('wallboard', message),
      now,
      log,
    });

    // Every local change: push soon, refresh the counts, tell the renderer which cases moved.
    const localChange = (caseIds: string[]) => {
      loop.updateLocal(countLocal(db));
      if (caseIds.length > 0) events.emit('casesChanged', { caseIds });
      loop.poke();
    };
    const service = createDeskService({
      serverUrl: options.serverUrl,
      clientId,
      telephony: options.telephony ?? 'simulated',
      session,
      lookup: createCallerLookup(db),
      cases: createCaseDesk({
        outbox,
        queries: createCaseQueries(db),
        now,
        changed: localChange,
        log: (message) => log('info', message),
      }),
      triage: createTriageDesk({ db, outbox, session, now, changed: localChange }),
      calls: createCallDesk({ session, offlineSince }),
      wallboard: createWallboardDesk({ relay: wallboardRelay, session, offlineSince }),
      loop,
      events,
      lastKnownAgent: () => lastAgent,
    });

    let web: DeskWebServer | null = null;
    if (options.web) {
      try {
        web = await startDeskWebServer({ service, ...options.web });
      } catch (error) {
        wallboardRelay.close();
        await loop.close();
        throw error;
      }
    }
    loop.start();

    let closing: Promise<void> | null = null;
    return {
      desk: createInProcessDeskClient(service),
      service,
      webUrl: web?.url ?? null,
      cachePath,
      cacheMovedAside: movedAside,
      mutationsRescued: rescued,
      syncOnce: () => loop.syncNow(),
      close() {
        closing ??= (async () => {
          await web?.close();
          wallboardRelay.close();
          await loop.close();
          events.clear();
          db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    if (db.open) db.close();
    throw error;
  }
}

function checkOptions(options: HostOptions): void {
  if (!z.url({ protocol: /^https?$/ }).safeParse(options.serverUrl).success) {
    throw new DeskFailure('INVALID_INPUT', `serverUrl must be an http(s) URL, not "${options.serverUrl}".`);
  }
  if (!AgentIdSchema.safeParse(options.agentId).success) {
    throw new DeskFailure('INVALID_INPUT', `"${options.agentId}" is not an agent id (lowercase letters, digits and dashes).`);
  }
  if (options.clientId !== undefined && !ClientIdSchema.safeParse(options.clientId).success) {
    throw new DeskFailure('INVALID_INPUT', 'clientId must be 8 to 64 URL-safe characters.');
  }
}

function openOrRecoverCache(
  cachePath: string,
  nativeBinding: string | undefined,
  now: () => Date,
  log: HostLog,
): { db: CacheDatabase; movedAside: string | null; rescued: number } {
  const openOptions = nativeBinding ? { nativeBinding } : {};
  try {
    return { db: openCache(cachePath, openOptions), movedAside: null, rescued: 0 };
  } catch (error) {
    if (!(error instanceof DeskFailure) || error.code !== 'CACHE_CORRUPT') throw error;
    const outbox = readOutboxForRescue(cachePath, nativeBinding);
    const movedAside = moveCorruptCacheAside(cachePath, now());
    log('warn', `${error.message} Moved it aside to ${movedAside} and starting a fresh cache.`);
    const db = openCache(cachePath, openOptions);
    let rescued = 0;
    try {
      if (outbox) rescued = restoreRescuedOutbox(db, outbox);
    } catch (restoreError) {
      db.close();
      throw restoreError;
    }
    if (outbox) log('warn', `Recovered ${rescued} unsent change(s) of client ${outbox.clientId} from the unreadable cache.`);
    return { db, movedAside, rescued };
  }
}

function readLastAgent(db: CacheDatabase, agentId: string): Agent | null {
  const stored = readMeta(db, 'last_agent');
  if (!stored) return null;
  try {
    const agent = AgentSchema.parse(JSON.parse(stored));
    return agent.id === agentId ? agent : null;
  } catch {
    return null;
  }
}
