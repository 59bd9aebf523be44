// Runs the central server from environment variables (see server/config.ts) until SIGINT/SIGTERM.
import { loadServerConfig, startServer } from './app.js';
import { formatZodError } from '../shared/errors.js';
import { ZodError } from 'zod';

async function main(): Promise<void> {
  let config;
  try {
    config = loadServerConfig(process.env);
  } catch (error) {
    if (error instanceof ZodError) {
      process.stderr.write(`Frontdesk311 server: bad configuration: ${formatZodError(error)}\n`);
      process.exit(2);
    }
    throw error;
  }
  const server = await startServer(config);
  process.stdout.write(`Frontdesk311 server listening on ${server.url} (store: ${server.store.kind})\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Frontdesk311 server stopping (${signal})\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Frontdesk311 server: error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Frontdesk311 server failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
