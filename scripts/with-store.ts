// The operator commands' common frame: read the configuration as the server would (FRONTDESK_DATABASE_URL
// or DATABASE_URL, else the PGlite files in the data dir), open that store, run the command, close
// the store, and exit with the command's code: 2 for a bad configuration, 1 for a failure.
import path from 'node:path';
import { ZodError } from 'zod';
import { loadServerConfig, type ServerConfig } from '../server/config.js';
import { migrate } from '../server/store/migrate.js';
import { openPgStore } from '../server/store/pg-store.js';
import { openPgliteStore } from '../server/store/pglite-store.js';
import type { Store } from '../server/store/store.js';
import { formatZodError } from '../shared/errors.js';

export interface StoreCommandContext {
  store: Store;
  config: ServerConfig;
  /** Where the store is, for messages: "PostgreSQL" or the PGlite directory. */
  where: string;
}

export interface StoreCommandOptions {
  /** The name messages start with, e.g. `users`. */
  name: string;
  /** Brings the tables up to date first, as the server would on start (for commands that write). */
  migrate: boolean;
}

export function runWithStore(options: StoreCommandOptions, command: (context: StoreCommandContext) => Promise<number>): void {
  openAndRun(options, command).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${options.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}

async function openAndRun(options: StoreCommandOptions, command: (context: StoreCommandContext) => Promise<number>): Promise<number> {
  let config: ServerConfig;
  try {
    config = loadServerConfig({ ...process.env, DATABASE_URL: process.env.FRONTDESK_DATABASE_URL || process.env.DATABASE_URL });
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    process.stderr.write(`${options.name}: bad configuration: ${formatZodError(error)}\n`);
    return 2;
  }
  const where = config.databaseUrl ? 'PostgreSQL' : path.join(config.dataDir, 'server-db');
  const store: Store = config.databaseUrl
    ? await openPgStore({ connectionString: config.databaseUrl, schema: config.databaseSchema, maxConnections: 1 })
    : await openPgliteStore(where);
  try {
    if (options.migrate) await migrate(store);
    return await command({ store, config, where });
  } finally {
    await store.close();
  }
}
