// `npm run audit:verify`: walks the audit log's hash chain on the database the server would use
// (FRONTDESK_DATABASE_URL or DATABASE_URL, else the PGlite files in the data dir) and prints OK with
// the count and the head, or the first broken entry and exits 1. Run it with the server stopped
// when the store is PGlite (one process per data directory).
import { verifyAuditChain } from '../server/audit/audit-log.js';
import { runWithStore } from './with-store.js';

runWithStore({ name: 'audit:verify', migrate: false }, async ({ store, where }) => {
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
});
