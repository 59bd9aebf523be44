// Starts the desk host: opens (or recovers) the SQLite cache, keeps the agent's session with the
// central server (sign-in, lock, offline unlock: auth/), keeps pulling from it, and serves DeskApi
// in-process and, in web mode, over WebSocket.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CallControlState } from '../../shared/call-control.js';
import type { DeskClient, SyncStatus } from '../../shared/desk-api.js';
import { AgentIdSchema, AgentSchema, type Agent } from '../../shared/domain/agent.js';
import { DeskFailure, deskError } from '../../shared/errors.js';
import { ClientIdSchema } from '../../shared/sync-protocol.js';
import { DeskAuth } from './auth/desk-auth.js';
import { metaRefreshTokenStore } from './auth/offline-verifier.js';
import { ensureClientId, readMeta, writeMeta } from './cache/meta.js';
import { readOrCreateKeyFile } from './cache/key-file.js';
import { openCache, setAsideUnreadableCache, type CacheDatabase } from './cache/open-cache.js';
import { readOutboxForRescue, restoreRescuedOutbox } from './cache/rescue-outbox.js';
import { countCachedRows, countLocal, readSyncState, resetIfSyncSchemaChanged } from './cache/sync-state.js';
import { createCallDesk } from './calls/call-desk.js';
import { createAuditDesk } from './audit/audit-desk.js';
import { ViewLog } from './audit/view-log.js';
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
  /**
   * The cache's 256-bit key (the desktop keeps it with Electron safeStorage). Without one the host
   * keeps a key file beside the cache: fine for development and tests, not for a real desk.
   */
  cacheKey?: Buffer;
  pullIntervalMs?: number;
  /** Closed cases are kept this many days after closing (open ones always). */
  closedCaseDays?: number;
  /** Rows asked for per pull page (the server caps it at 10,000). */
  pullPageSize?: number;
  /** A first sync into an empty cache builds the case indexes once caught up (default true). */
  bulkFirstSync?: boolean;
  /** A cache that has pulled nothing takes the server's snapshot before the log (default true);
   * false pulls the whole log instead. */
  firstSyncSnapshot?: boolean;
  /** Listen for the server's pokes over WebSocket (default true). */
  pokes?: boolean;
  /** How long a request to the central server may take before it is given up (default 10 s). */
  requestTimeoutMs?: number;
  now?: () => Date;
  /** 'simulated' unless the deployment uses real Twilio. */
  telephony?: Telephony;
  /** Timers for the sync loop (tests drive time through these); `now` wins for the clock. */
  timers?: SyncTimers;
  log?: HostLog;
  /**
   * Signs in with this password at start (tests, benchmarks, scripts; web mode reads
   * FRONTDESK_PASSWORD in development). Without it the renderer's sign-in screen is the way in.
   */
  password?: string;
  /** The second factor's current code, for agents who have one. */
  totpCode?: () => string;
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
  const { db, movedAside, rescued } = openOrRecoverCache(cachePath, options, now, log);

  try {
    if (resetIfSyncSchemaChanged(db)) log('info', 'The cache was written under another sync schema; pulling everything again.');
    const clientId = options.clientId ?? ensureClientId(db);
    const events = new DeskEventHub((event, error) => log('error', `A ${event} listener failed: ${String(error)}`));
    let lastAgent = readLastAgent(db, options.agentId);

    const session = new ServerSession({
      serverUrl: options.serverUrl,
      agentId: options.agentId,
      clientId,
      now,
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      refreshTokens: metaRefreshTokenStore(db),
      onAgent: (agent) => {
        const changed = JSON.stringify(agent) !== JSON.stringify(lastAgent);
        lastAgent = agent;
        writeMeta(db, 'last_agent', JSON.stringify(agent));
        if (changed) events.emit('agentChanged', agent);
      },
      onPolicy: (policy) => auth.policyReceived(policy),
      onSessionEnded: (reason) => auth.sessionEnded(reason.message),
    });
    const auth: DeskAuth = new DeskAuth({
      db,
      agentId: options.agentId,
      session,
      now,
      lastKnownAgent: () => lastAgent,
      emit: (state) => {
        events.emit('authState', state);
        // A sign-in ends the wait of a loop that had no session to sync with.
        if (state.state === 'unlocked') loop.poke();
      },
      log,
    });

    const stored = readSyncState(db);
    const outbox = new Outbox(db, options.agentId);
    const views = new ViewLog({ outbox, timers, log: (message) => log('warn', message) });
    const lookup = createCallerLookup(db, views);
    let poppedCallId: string | null = null;
    // A call offered to this agent: the host looks the caller up at once, before the renderer
    // hears of the call, so the pop does not wait for a round trip or behind a sync.
    const callChanged = (call: CallControlState) => {
      if (call.phase === 'ringing' && call.agentId === options.agentId && call.callId !== poppedCallId && auth.isUnlocked) {
        poppedCallId = call.callId;
        try {
          events.emit('callerPopped', { callId: call.callId, phone: call.from, pop: lookup.lookupCaller(call.from) });
        } catch (error) {
          // The renderer looks the caller up itself when the phone rings.
          log('warn', `Could not pop the caller of call ${call.callId}: ${String(error)}`);
        }
      }
      events.emit('callChanged', call);
    };
    const pokes = options.pokes === false
      ? undefined
      : new PokeSocket({
        serverUrl: options.serverUrl,
        token: () => session.token,
        onPoke: () => loop.poke(),
        // Through the session, so the stored last agent and agentChanged follow as for a sign-in.
        onAgent: (agent) => session.agentUpdated(agent),
        onCall: callChanged,
        log,
      });
    const loop = new SyncLoop(
      createSyncWork({
        db, session, outbox, clientId, now,
        pageLimit: options.pullPageSize,
        bulkFirstSync: options.bulkFirstSync,
        snapshot: options.firstSyncSnapshot,
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
      // The floor names callers' numbers: nothing of it reaches a locked desk.
      emit: (message) => {
        if (auth.isUnlocked) events.emit('wallboard', message);
      },
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
      auth,
      lookup,
      cases: createCaseDesk({
        outbox,
        queries: createCaseQueries(db),
        views,
        now,
        changed: localChange,
        log: (message) => log('info', message),
      }),
      triage: createTriageDesk({ db, outbox, session, now, changed: localChange }),
      calls: createCallDesk({ session, offlineSince }),
      wallboard: createWallboardDesk({ relay: wallboardRelay, session, offlineSince }),
      audit: createAuditDesk({ session, offlineSince, now }),
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
    if (options.password !== undefined) {
      await signInAtStart(auth, options, log, async () => {
        await web?.close();
        wallboardRelay.close();
        await loop.close();
      });
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
          views.close();
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

/**
 * The start-up sign-in of HostOptions.password. With the server unreachable (and no offline
 * verifier to unlock with) the desk stays signed out and the renderer asks; a refused password
 * stops the start, loudly.
 */
async function signInAtStart(auth: DeskAuth, options: HostOptions, log: HostLog, stop: () => Promise<void>): Promise<void> {
  try {
    const totpCode = options.totpCode?.();
    const state = await auth.signIn({ agentId: options.agentId, password: options.password as string, ...(totpCode ? { totpCode } : {}) });
    if (state.state !== 'unlocked') log('warn', `Signed in at start, but the desk is ${state.state}: finish in the renderer.`);
  } catch (error) {
    if (error instanceof DeskFailure && error.code === 'SERVER_UNREACHABLE') {
      log('warn', `Could not sign in at start: ${error.message}`);
      return;
    }
    await stop();
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
  options: Pick<HostOptions, 'cacheKey' | 'dataDir' | 'sqliteNativeBinding'>,
  now: () => Date,
  log: HostLog,
): { db: CacheDatabase; movedAside: string | null; rescued: number } {
  const openOptions = { key: options.cacheKey ?? keyFromFileBesideCache(options.dataDir, log), nativeBinding: options.sqliteNativeBinding };
  try {
    return { db: openCache(cachePath, openOptions), movedAside: null, rescued: 0 };
  } catch (error) {
    // A wrong key (CACHE_KEY_INVALID) or a newer cache is refused as it is; only an unreadable one is replaced.
    if (!(error instanceof DeskFailure) || error.code !== 'CACHE_CORRUPT') throw error;
    const outbox = readOutboxForRescue(cachePath, openOptions);
    const movedAside = setAsideUnreadableCache(cachePath, now());
    log('warn', `${error.message} ${movedAside ? `Moved it aside to ${movedAside}` : 'It was unencrypted, so it was deleted'} and starting a fresh cache.`);
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

function keyFromFileBesideCache(dataDir: string, log: HostLog): Buffer {
  const { key, created, path: keyPath } = readOrCreateKeyFile(dataDir);
  log('warn', `The cache key is ${created ? 'now ' : ''}stored beside the cache in ${keyPath}: for development and tests only.`);
  return key;
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
