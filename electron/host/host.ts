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
import { countCachedRows, readSyncState, resetIfSyncSchemaChanged } from './cache/sync-state.js';
import { createCallerLookup } from './callers/lookup.js';
import { DeskEventHub } from './desk-events.js';
import { createDeskService, type DeskService, type Telephony } from './desk-service.js';
import { stderrLog, type HostLog } from './host-log.js';
import { createPullWork } from './sync/pull-work.js';
import { ServerSession } from './sync/server-session.js';
import { SyncLoop, systemTimers, type SyncTimers } from './sync/sync-loop.js';
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
  const { db, movedAside } = openOrRecoverCache(cachePath, options.sqliteNativeBinding, now, log);

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
    const loop = new SyncLoop(
      createPullWork({ db, session, clientId, now }),
      {
        connection: 'syncing',
        lastSyncedAt: stored.lastSyncedAt,
        offlineSince: null,
        cursor: stored.cursor,
        headVersion: stored.headVersion,
        rowsInCache: countCachedRows(db),
        lastError: null,
      },
      { pullIntervalMs: options.pullIntervalMs ?? 5_000, timers },
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
      loop.reportError(deskError('CACHE_CORRUPT', `The local cache was unreadable and was moved aside to ${path.basename(movedAside)}; pulling a fresh copy.`));
    }

    const service = createDeskService({
      serverUrl: options.serverUrl,
      clientId,
      telephony: options.telephony ?? 'simulated',
      session,
      lookup: createCallerLookup(db),
      loop,
      events,
      lastKnownAgent: () => lastAgent,
    });

    let web: DeskWebServer | null = null;
    if (options.web) {
      try {
        web = await startDeskWebServer({ service, ...options.web });
      } catch (error) {
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
      syncOnce: () => loop.syncNow(),
      close() {
        closing ??= (async () => {
          await web?.close();
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
): { db: CacheDatabase; movedAside: string | null } {
  const openOptions = nativeBinding ? { nativeBinding } : {};
  try {
    return { db: openCache(cachePath, openOptions), movedAside: null };
  } catch (error) {
    if (!(error instanceof DeskFailure) || error.code !== 'CACHE_CORRUPT') throw error;
    const movedAside = moveCorruptCacheAside(cachePath, now());
    log('warn', `${error.message} Moved it aside to ${movedAside} and starting a fresh cache.`);
    return { db: openCache(cachePath, openOptions), movedAside };
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
