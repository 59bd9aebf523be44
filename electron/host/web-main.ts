// Web mode: runs the desk host as a plain Node process and serves the renderer to a browser.
// Configured from the environment; see the README for the variables.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toDeskError } from '../../shared/errors.js';
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

  const host = await startHost({
    serverUrl: env.FRONTDESK_SERVER_URL || 'http://127.0.0.1:8311',
    dataDir: path.join(dataBase, 'desk', agentId),
    agentId,
    telephony,
    closedCaseDays,
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
