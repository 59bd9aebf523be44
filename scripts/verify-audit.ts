// `npm run audit:verify`: walks the audit log's hash chain on the database the server would use
// (FRONTDESK_DATABASE_URL or DATABASE_URL, else the PGlite files in the data dir) and prints OK with
// the count and the head, or the first broken entry and exits 1. Run it with the server stopped
// when the store is PGlite (one process per data directory).
import path from 'node:path';
import { ZodError } from 'zod';
import { verifyAuditChain } from '../server/audit/audit-log.js';
import { loadServerConfig } from '../server/config.js';
import { openPgStore } from '../server/store/pg-store.js';
import { openPgliteStore } from '../server/store/pglite-store.js';
import type { Store } from '../server/store/store.js';
import { formatZodError } from '../shared/errors.js';

async function main(): Promise<number> {
  let config;
  try {
    config = loadServerConfig({ ...process.env, DATABASE_URL: process.env.FRONTDESK_DATABASE_URL || process.env.DATABASE_URL });
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    process.stderr.write(`audit:verify: bad configuration: ${formatZodError(error)}\n`);
    return 2;
  }
  const where = config.databaseUrl ? 'PostgreSQL' : path.join(config.dataDir, 'server-db');
  const store: Store = config.databaseUrl
    ? await openPgStore({ connectionString: config.databaseUrl, schema: config.databaseSchema, maxConnections: 1 })
    : await openPgliteStore(path.join(config.dataDir, 'server-db'));
  try {
    const [table] = await store.query<{ present: boolean }>("SELECT to_regclass('audit_log') IS NOT NULL AS present");
    if (!table?.present) {
      process.stderr.write(`audit:verify: no audit log in ${where} (is the server migrated?)\n`);
      return 1;
    }
    const result = await verifyAuditChain(store);
    if (result.ok) {
      const head = result.head ? `; head #${result.head.seq} ${result.head.hash}` : '';
      process.stdout.write(`OK: ${result.count} audit entries intact in ${where}${head}\n`);
      return 0;
    }
    process.stdout.write(`BROKEN at entry #${result.broken.seq}: ${result.broken.reason} (${result.count} entries intact before it)\n`);
    return 1;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`audit:verify failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
