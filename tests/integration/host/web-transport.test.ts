// Web mode's transport: DeskApi over a WebSocket for the host's own origin only, and the built
// renderer served with the CSP and without leaving its folder.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DESK_CONTENT_SECURITY_POLICY, startHost, type RunningHost } from '../../fixtures/host/desk-host.js';
import { DeskEventMessageSchema, DeskReplyMessageSchema, ScreenPopSchema } from '../../../shared/desk-api.js';
import { cityChangeLog, HOUSEHOLD_PHONE } from '../../fixtures/host/city-data.js';
import { startFakeCentralServer, type FakeCentralServer } from '../../fixtures/host/fake-central-server.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';
import { waitFor } from '../../fixtures/host/wait-for.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';

const rendererDir = fileURLToPath(new URL('../../fixtures/host/renderer/', import.meta.url));
let server: FakeCentralServer;
let host: RunningHost;
let webUrl: string;

beforeAll(async () => {
  server = await startFakeCentralServer(cityChangeLog(), 50);
  host = await startHost({
    serverUrl: server.url,
    dataDir: makeTempDir('web'),
    agentId: 'demo-calltaker',
    password: DEMO_SEED_PASSWORD,
    pullIntervalMs: 60_000,
    log: () => undefined,
    web: { port: 0, rendererDir },
  });
  await host.syncOnce();
  webUrl = host.webUrl as string;
});

afterAll(async () => {
  await host.close();
  await server.stop();
  removeTempDirs();
});

const socketUrl = () => `${webUrl.replace('http', 'ws')}/desk`;

/** Opens a socket and collects every message it receives. */
async function connect(origin: string | undefined) {
  const ws = new WebSocket(socketUrl(), origin ? { origin } : {});
  const received: unknown[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, received };
}

/** The HTTP status a refused upgrade answered with. */
function refusedStatus(origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(socketUrl(), origin ? { origin } : {});
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('the socket opened')));
    ws.once('error', () => undefined);
  });
}

function get(pathname: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { port } = new URL(webUrl);
  return new Promise((resolve, reject) => {
    // node:http sends the path as written, so "/../x" reaches the server unnormalized.
    const request = http.request({ host: '127.0.0.1', port, path: pathname, method: 'GET' }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('desk WebSocket', () => {
  it('answers lookupCaller from the host own origin with a valid screen pop', async () => {
    const { ws, received } = await connect(webUrl);
    ws.send(JSON.stringify({ kind: 'call', id: 1, method: 'lookupCaller', params: { phone: '215.555.0142' } }));
    const reply = DeskReplyMessageSchema.parse(await waitFor(() => received.find((m) => (m as { id?: number }).id === 1), 'the reply'));
    expect(reply.ok).toBe(true);
    const pop = ScreenPopSchema.parse(reply.ok ? reply.value : null);
    expect(pop.e164).toBe(HOUSEHOLD_PHONE);
    expect(pop.matches.map((m) => m.caller.name).sort()).toEqual(['Jose Gonzalez', 'Maria Gonzalez']);
    ws.close();
  });

  it('sends events to every connected socket', async () => {
    const a = await connect(webUrl);
    const b = await connect(webUrl.replace('127.0.0.1', 'localhost'));
    a.ws.send(JSON.stringify({ kind: 'call', id: 2, method: 'setAgentState', params: { state: 'available' } }));
    for (const socket of [a, b]) {
      const event = await waitFor(() => socket.received.find((m) => (m as { event?: string }).event === 'agentChanged'), 'agentChanged');
      expect(DeskEventMessageSchema.parse(event).payload).toMatchObject({ id: 'demo-calltaker', state: 'available' });
    }
    a.ws.close();
    b.ws.close();
  });

  it('refuses sockets from another origin, or with none', async () => {
    expect(await refusedStatus('http://evil.example')).toBe(403);
    expect(await refusedStatus(`http://127.0.0.1:${Number(new URL(webUrl).port) + 1}`)).toBe(403);
    expect(await refusedStatus(undefined)).toBe(403);
  });

  it('answers malformed JSON with an error reply and keeps the socket open', async () => {
    const { ws, received } = await connect(webUrl);
    ws.send('{"kind":"call", "id": 3,');
    const error = DeskReplyMessageSchema.parse(await waitFor(() => received[0], 'the error reply'));
    expect(error).toMatchObject({ kind: 'reply', id: -1, ok: false, error: { code: 'INVALID_INPUT' } });
    ws.send(JSON.stringify({ kind: 'call', id: 4, method: 'noSuchMethod', params: {} }));
    ws.send(JSON.stringify({ kind: 'call', id: 5, method: 'getSyncStatus', params: {} }));
    const unknown = await waitFor(() => received.find((m) => (m as { id?: number }).id === 4), 'the unknown-method reply');
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    const status = await waitFor(() => received.find((m) => (m as { id?: number }).id === 5), 'the status reply');
    expect(status).toMatchObject({ ok: true, value: { connection: 'online' } });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});

describe('renderer files', () => {
  it('serves index.html for / with the CSP and nosniff', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toBe(DESK_CONTENT_SECURITY_POLICY);
    expect(DESK_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(DESK_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.body).toContain('Frontdesk311 test renderer');
  });

  it('serves assets with their content type and 404s what is not there', async () => {
    const script = await get('/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const missing = await get('/assets/missing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-security-policy']).toBe(DESK_CONTENT_SECURITY_POLICY);
  });

  it.each(['/../package.json', '/%2e%2e/package.json', '/assets/../../../package.json', '/..%2f..%2f..%2fpackage.json'])('refuses %s', async (pathname) => {
    const response = await get(pathname);
    expect(response.status).toBe(403);
    expect(response.body).not.toContain('frontdesk311');
  });
});
