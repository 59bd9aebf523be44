// DeskApi over a WebSocket to the desk host (web mode and browser end-to-end tests): numbered
// requests with a pending map, replies and events validated against the contract, calls queued
// while the socket is down, and reconnection with backoff when the host drops.
import {
  DeskReplyMessageSchema,
  DeskEventMessageSchema,
  type DeskCallMessage,
  type DeskClient,
  type DeskEventName,
  type DeskEventPayload,
  type DeskMethodName,
  type DeskParams,
  type DeskResult,
} from '../../shared/desk-api.js';
import { DeskFailure } from '../../shared/errors.js';
import { Backoff, type BackoffOptions } from '../lib/backoff.js';
import { TypedEmitter } from '../lib/emitter.js';
import { createLogger, type Logger } from '../lib/log.js';
import { bindDeskApi, parseDeskEvent, parseDeskParams, parseDeskResult, toDeskFailure } from './validate.js';

export type WebSocketConstructor = new (url: string) => WebSocket;
export type DeskConnectionState = 'connecting' | 'open' | 'closed';

export type WebSocketDeskClient = DeskClient & {
  readonly connection: DeskConnectionState;
  /** Told of every connection change; a reopen after a drop is the moment to refresh state. */
  onConnection(listener: (state: DeskConnectionState) => void): () => void;
  /** Closes for good: pending calls are rejected and no reconnect follows. */
  close(): void;
};

export type WebSocketDeskClientOptions = {
  backoff?: BackoffOptions;
  /** How long a call may wait (queued or sent) before it is given up. */
  callTimeoutMs?: number;
  log?: Logger;
};

type PendingCall = {
  message: DeskCallMessage;
  sent: boolean;
  resolve: (value: unknown) => void;
  reject: (error: DeskFailure) => void;
  timer: ReturnType<typeof setTimeout>;
};

const OPEN = 1;

export function createWebSocketDeskClient(
  url: string,
  WebSocketCtor: WebSocketConstructor = WebSocket,
  options: WebSocketDeskClientOptions = {},
): WebSocketDeskClient {
  const log = options.log ?? createLogger('desk:websocket');
  const backoff = new Backoff(options.backoff ?? { initialMs: 250, maxMs: 5_000 });
  const callTimeoutMs = options.callTimeoutMs ?? 20_000;
  const pending = new Map<number, PendingCall>();
  const events = new TypedEmitter<{ [E in DeskEventName]: DeskEventPayload<E> }>((event, error) =>
    log.error(`a ${String(event)} listener threw`, String(error)));
  const connectionListeners = new TypedEmitter<{ change: DeskConnectionState }>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let connection: DeskConnectionState = 'connecting';
  let closedForGood = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  const setConnection = (next: DeskConnectionState) => {
    if (connection === next) return;
    connection = next;
    log.info(`desk host connection: ${next}`);
    connectionListeners.emit('change', next);
  };

  const settle = (id: number): PendingCall | undefined => {
    const call = pending.get(id);
    if (!call) return undefined;
    pending.delete(id);
    clearTimeout(call.timer);
    return call;
  };

  const flush = () => {
    if (!socket || socket.readyState !== OPEN) return;
    for (const call of pending.values()) {
      if (call.sent) continue;
      socket.send(JSON.stringify(call.message));
      call.sent = true;
    }
  };

  const receive = (data: unknown) => {
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch {
      log.warn('desk host sent a frame that is not JSON');
      return;
    }
    const reply = DeskReplyMessageSchema.safeParse(message);
    if (reply.success) {
      const call = settle(reply.data.id);
      if (!call) {
        log.warn(`desk host replied to unknown call ${reply.data.id}`);
        return;
      }
      if (reply.data.ok) call.resolve(reply.data.value);
      else call.reject(new DeskFailure(reply.data.error.code, reply.data.error.message, reply.data.error.details));
      return;
    }
    const envelope = DeskEventMessageSchema.safeParse(message);
    if (envelope.success) {
      const event = parseDeskEvent(envelope.data.event, envelope.data.payload);
      if (!event) {
        log.warn(`dropped desk event ${envelope.data.event}: unknown or outside the contract`);
        return;
      }
      events.emit(event.event, event.payload);
      return;
    }
    log.warn('desk host sent a message that is neither a reply nor an event');
  };

  const scheduleReconnect = () => {
    if (closedForGood || reconnectTimer) return;
    const delay = backoff.next();
    log.info(`reconnecting to the desk host in ${delay} ms`);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  };

  const connect = () => {
    if (closedForGood) return;
    setConnection('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocketCtor(url);
    } catch (error) {
      log.error('cannot open the desk host socket', String(error));
      setConnection('closed');
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      backoff.reset();
      setConnection('open');
      flush();
    };
    ws.onmessage = (event: MessageEvent) => receive(event.data);
    ws.onerror = () => {
      // The close event follows and carries the recovery.
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      // Calls already sent may or may not have run on the host; the caller decides whether to
      // retry. Queued ones stay queued for the next connection.
      for (const [id, call] of [...pending]) {
        if (!call.sent) continue;
        settle(id);
        call.reject(new DeskFailure('INTERNAL', `the connection to the desk host dropped during ${call.message.method}`));
      }
      setConnection('closed');
      scheduleReconnect();
    };
  };

  const invoke = <M extends DeskMethodName>(method: M, params: DeskParams<M>): Promise<DeskResult<M>> => {
    if (closedForGood) return Promise.reject(new DeskFailure('INTERNAL', 'the desk client is closed'));
    let checked: DeskParams<M>;
    try {
      checked = parseDeskParams(method, params);
    } catch (error) {
      return Promise.reject(toDeskFailure(error));
    }
    const id = nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (settle(id)) reject(new DeskFailure('INTERNAL', `the desk host did not answer ${method} within ${callTimeoutMs} ms`));
      }, callTimeoutMs);
      pending.set(id, { message: { kind: 'call', id, method, params: checked }, sent: false, resolve, reject, timer });
      flush();
    }).then((value) => parseDeskResult(method, value));
  };

  connect();

  return {
    ...bindDeskApi(invoke),
    on(event, listener) {
      return events.on(event, listener);
    },
    get connection() {
      return connection;
    },
    onConnection(listener) {
      return connectionListeners.on('change', listener);
    },
    close() {
      closedForGood = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      for (const id of [...pending.keys()]) settle(id)?.reject(new DeskFailure('INTERNAL', 'the desk client was closed'));
      const ws = socket;
      socket = null;
      if (ws) {
        ws.onopen = ws.onmessage = ws.onclose = null;
        // Closing a socket that is still connecting reports an error; nobody needs to hear it.
        ws.onerror = () => undefined;
        ws.close(1000, 'desk client closed');
      }
      setConnection('closed');
      events.clear();
    },
  };
}
