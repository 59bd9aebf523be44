// Web mode: runs the desk host as a plain Node process and serves the renderer to a browser.
// Configured from the environment; see the README for the variables. FRONTDESK_PASSWORD (and
// FRONTDESK_TOTP_CODE) sign the agent in at start: for development and benchmarks only, since
// the environment of a process is no place for a password; without it the renderer asks.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toDeskError } from '../../shared/errors.js';
import { cacheKeyFromPassphrase } from './cache/passphrase-key.js';
import { startHost } from './host.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const env = process.env;
  const agentId = env.FRONTDESK_AGENT_ID || 'demo-calltaker';
  const dataBase = env.FRONTDESK_DATA_DIR || path.join(os.homedir(), '.frontdesk311');
  const port = Number(env.FRONTDESK_HOST_PORT || 8312);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`FRONTDESK_HOST_PORT is not a port: ${env.FRONTDESK_HOST_PORT}`);
  const telephony = env.FRONTDESK_TELEPHONY === 'twilio' ? 'twilio' : 'simulated';
  const closedCaseDays = env.FRONTDESK_CLOSED_CASE_DAYS ? Number(env.FRONTDESK_CLOSED_CASE_DAYS) : undefined;
  if (closedCaseDays !== undefined && !(Number.isInteger(closedCaseDays) && closedCaseDays >= 0)) {
    throw new Error(`FRONTDESK_CLOSED_CASE_DAYS is not a number of days: ${env.FRONTDESK_CLOSED_CASE_DAYS}`);
  }

  const dataDir = path.join(dataBase, 'desk', agentId);
  // Without a passphrase the host keeps a key file beside the cache (development only; see the README).
  const cacheKey = env.FRONTDESK_CACHE_PASSPHRASE ? await cacheKeyFromPassphrase(env.FRONTDESK_CACHE_PASSPHRASE, dataDir) : undefined;
  const password = env.FRONTDESK_PASSWORD;
  // Not handed on to anything this process starts.
  delete env.FRONTDESK_PASSWORD;
  const host = await startHost({
    serverUrl: env.FRONTDESK_SERVER_URL || 'http://127.0.0.1:8311',
    dataDir,
    cacheKey,
    agentId,
    telephony,
    closedCaseDays,
    ...(password ? { password } : {}),
    ...(env.FRONTDESK_TOTP_CODE ? { totpCode: () => env.FRONTDESK_TOTP_CODE as string } : {}),
    web: { port, rendererDir: path.resolve(repoRoot, env.FRONTDESK_RENDERER_DIR || path.join('dist', 'renderer')) },
  });
  process.stdout.write(`Frontdesk311 desk (web mode) at ${host.webUrl}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    host.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const failure = toDeskError(error);
  process.stderr.write(`Frontdesk311 desk host could not start: ${failure.code}: ${failure.message}\n`);
  process.exit(1);
});
