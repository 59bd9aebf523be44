// Web mode's transport: one HTTP server on loopback that serves the built renderer and carries
// DeskApi over a WebSocket at /desk. Only pages from this server's own origin may open the
// socket, so a web page elsewhere cannot drive the desk through the agent's browser.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { DESK_EVENT_NAMES, type DeskEventMessage, type DeskReplyMessage } from '../../../shared/desk-api.js';
import { deskError } from '../../../shared/errors.js';
import { handleDeskCall, UNKNOWN_CALL_ID } from '../desk-dispatch.js';
import type { DeskService } from '../desk-service.js';
import { serveStatic } from './static-files.js';

export const DESK_SOCKET_PATH = '/desk';

export interface DeskWebServerOptions {
  service: DeskService;
  rendererDir: string;
  port: number;
  host?: string;
  /** Extra page origins allowed to open the socket (a renderer dev server, say). Off by default. */
  allowedOrigins?: string[];
}

export interface DeskWebServer {
  url: string;
  close(): Promise<void>;
}

export async function startDeskWebServer(options: DeskWebServerOptions): Promise<DeskWebServer> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((request, response) => serveStatic(options.rendererDir, request, response));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  let allowedOrigins = new Set<string>();

  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = (request.url ?? '').split('?', 1)[0];
    if (pathname !== DESK_SOCKET_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const origin = request.headers.origin;
    if (!origin || !allowedOrigins.has(origin)) return refuseUpgrade(socket, 403, 'Forbidden');
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });

  sockets.on('connection', (ws: WebSocket) => {
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void answer(options.service, ws, data, isBinary);
    });
    ws.on('error', () => ws.terminate());
  });

  const unsubscribers = DESK_EVENT_NAMES.map((event) =>
    options.service.on(event, (payload) => {
      const message: DeskEventMessage = { kind: 'event', event, payload };
      const text = JSON.stringify(message);
      for (const client of sockets.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
    }),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  allowedOrigins = new Set([url, `http://127.0.0.1:${port}`, `http://localhost:${port}`, ...(options.allowedOrigins ?? [])]);

  return {
    url,
    async close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      for (const client of sockets.clients) client.close(1001, 'desk host shutting down');
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function answer(service: DeskService, ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
  let reply: DeskReplyMessage;
  const parsed = isBinary ? undefined : parseJson(rawText(data));
  if (parsed === undefined) {
    reply = { kind: 'reply', id: UNKNOWN_CALL_ID, ok: false, error: deskError('INVALID_INPUT', 'A desk call must be a JSON text message.') };
  } else {
    reply = await handleDeskCall(service, parsed);
  }
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(reply));
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
