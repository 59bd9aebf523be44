// A whole Frontdesk311 stack for one test file: the central server (PGlite, small demo seed),
// a desk host in web mode serving the built renderer, and Chromium driven by playwright-core.
// With `proxy: true` the host reaches the server through a TCP proxy the test can cut.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHost, type RunningHost } from '../../electron/host/host.js';
import { loadServerConfig, startServer, type RunningServer } from '../../server/app.js';
import { DEMO_SEED_PASSWORD } from '../../server/config.js';
import { SimCallResponseSchema } from '../../shared/server-api.js';
import { startTcpProxy, type TcpProxy } from '../fixtures/tcp-proxy.js';
import { LogCapture } from './trail.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RENDERER_DIR = resolve(import.meta.dirname, '../../test-results/e2e-renderer');
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
];

export type Stack = {
  server: RunningServer;
  host: RunningHost;
  browser: Browser;
  page: Page;
  dataDir: string;
  /** Between host and server when the stack was started with `proxy: true`. */
  proxy: TcpProxy | null;
  /** Every log line of the server (at info) and the desk host, for tests/e2e/trail.ts. */
  logs: LogCapture;
  placeCall(from: string, options?: { transfer911?: boolean }): Promise<{ callSid: string; routedTo: string | null }>;
  /** The simulated caller hangs up (wherever the call is: queue, agent, a transfer target). */
  hangUpCaller(callSid: string): Promise<void>;
  waitForAppEvent(name: string, after?: number): Promise<number>;
  appEventCount(name: string): Promise<number>;
  /** Another agent's desk host on the same server, without a browser (closed with the stack). */
  startDeskHost(agentId: string): Promise<RunningHost>;
  close(): Promise<void>;
};

export type StackOptions = {
  agentId?: string;
  /** Put a TCP proxy between host and server (see `Stack.proxy`). */
  proxy?: boolean;
  /** How long the desk keeps closed cases; the demo callers' history reaches back about four months. */
  closedCaseDays?: number;
  /** The server's wrap-up time after each answered call (its own default when absent). */
  wrapUpSeconds?: number;
  /** The host signs in with this at start (the demo password by default); null: the renderer's sign-in screen. */
  password?: string | null;
  /** More server settings; a second factor is asked of no role unless FRONTDESK_TOTP_REQUIRED_ROLES says so. */
  serverEnv?: Record<string, string>;
};

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdesk311-e2e-'));
  const logs = new LogCapture();
  const server = await startServer(loadServerConfig({
    FRONTDESK_SERVER_PORT: '0',
    FRONTDESK_DATA_DIR: dataDir,
    FRONTDESK_SEED_CALLERS: '60',
    FRONTDESK_SEED_CASES: '200',
    // Info logs every request line: the trail check searches them for personal data.
    FRONTDESK_LOG_LEVEL: 'info',
    FRONTDESK_TOTP_REQUIRED_ROLES: '',
    ...(options.wrapUpSeconds === undefined ? {} : { FRONTDESK_WRAP_UP_SECONDS: String(options.wrapUpSeconds) }),
    ...options.serverEnv,
  }), { logDestination: logs.server });
  const password = options.password === undefined ? DEMO_SEED_PASSWORD : options.password;
  const proxy = options.proxy ? await startTcpProxy(Number(new URL(server.url).port)) : null;
  const host = await startHost({
    serverUrl: proxy?.url ?? server.url,
    dataDir: join(dataDir, 'desk'),
    agentId: options.agentId ?? 'demo-calltaker',
    ...(password === null ? {} : { password }),
    web: { port: 0, rendererDir: RENDERER_DIR },
    pullIntervalMs: 1_000,
    closedCaseDays: options.closedCaseDays ?? 365,
    log: logs.host,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => console.error('[renderer error]', error.message));
  if (!host.webUrl) throw new Error('the desk host did not start its web transport');
  await page.goto(host.webUrl);

  const extraHosts: RunningHost[] = [];
  const appEventCount = (name: string) =>
    page.evaluate((wanted) => (window as unknown as { __frontdesk?: { events: { name: string }[] } }).__frontdesk?.events.filter((e) => e.name === wanted).length ?? 0, name);

  return {
    server, host, browser, page, dataDir, proxy, logs,
    async placeCall(from, callOptions = {}) {
      const response = await fetch(`${server.url}/sim/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from, transfer911: callOptions.transfer911 ?? false }),
      });
      if (!response.ok) throw new Error(`placing a call failed: HTTP ${response.status} ${await response.text()}`);
      return SimCallResponseSchema.parse(await response.json());
    },
    async hangUpCaller(callSid) {
      const response = await fetch(`${server.url}/sim/calls/${encodeURIComponent(callSid)}/hangup`, { method: 'POST' });
      if (!response.ok) throw new Error(`hanging up ${callSid} failed: HTTP ${response.status} ${await response.text()}`);
    },
    // Waits for the (after+1)-th occurrence of a named app event, so repeated calls in one test
    // wait for the new event rather than matching the previous one.
    async waitForAppEvent(name, after = 0) {
      await page.waitForFunction(
        ([wanted, count]) => ((window as unknown as { __frontdesk?: { events: { name: string }[] } }).__frontdesk?.events.filter((e) => e.name === wanted).length ?? 0) > count,
        [name, after] as const,
        { timeout: 20_000 },
      );
      return appEventCount(name);
    },
    appEventCount,
    async startDeskHost(agentId) {
      const extra = await startHost({
        serverUrl: server.url,
        dataDir: join(dataDir, `desk-${agentId}`),
        agentId,
        password: DEMO_SEED_PASSWORD,
        pullIntervalMs: 1_000,
        closedCaseDays: options.closedCaseDays ?? 365,
        log: logs.host,
      });
      extraHosts.push(extra);
      return extra;
    },
    async close() {
      await browser.close().catch(() => undefined);
      for (const extra of extraHosts.splice(0)) await extra.close();
      await host.close();
      await proxy?.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
