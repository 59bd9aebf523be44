// `npm run audit:verify` as an operator runs it: a separate process on the server's database,
// OK with the count on an intact chain, the first broken entry and exit 1 after tampering.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../../server/audit/audit-log.js';
import { migrate } from '../../../server/store/migrate.js';
import { openPgStore } from '../../../server/store/pg-store.js';
import { openPgliteStore } from '../../../server/store/pglite-store.js';
import type { Store } from '../../../server/store/store.js';
import { openScratchStore, storeTargets, type ScratchStore } from '../../integration/server/helpers.js';

function runVerify(scratch: ScratchStore): { status: number | null; out: string } {
  const { dataDir, databaseUrl, databaseSchema } = scratch.serverConfig;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, FRONTDESK_DATA_DIR: dataDir };
  if (databaseUrl) Object.assign(env, { FRONTDESK_DATABASE_URL: databaseUrl, FRONTDESK_DATABASE_SCHEMA: databaseSchema });
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify-audit.ts'], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

/** PGlite allows one process per data directory, so the test's own handle is closed around each run. */
async function reopen(scratch: ScratchStore): Promise<Store> {
  const { dataDir, databaseUrl, databaseSchema } = scratch.serverConfig;
  return databaseUrl ? openPgStore({ connectionString: databaseUrl, schema: databaseSchema }) : openPgliteStore(path.join(dataDir, 'server-db'));
}

describe.each(storeTargets())('npm run audit:verify on $kind', (target) => {
  let scratch: ScratchStore;
  afterEach(async () => {
    await scratch?.dispose();
  });

  it('prints OK with the count, then the first broken entry after a row is changed', async () => {
    scratch = await openScratchStore(target);
    await migrate(scratch.store);
    for (const objectId of ['c-1', 'c-2', 'c-3']) await appendAudit(scratch.store, { agentId: 'demo-lead', action: 'case.view', objectType: 'case', objectId });
    await scratch.store.close();

    const intact = runVerify(scratch);
    expect(intact.out).toMatch(/^OK: 3 audit entries intact .*; head #3 [0-9a-f]{64}$/m);
    expect(intact.status).toBe(0);

    const store = await reopen(scratch);
    // Tampering as the database owner could: past the append-only trigger.
    await store.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
      await tx.query("UPDATE audit_log SET object_id = 'c-9' WHERE seq = 2");
      await tx.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
    });
    await store.close();

    const broken = runVerify(scratch);
    expect(broken.out).toMatch(/^BROKEN at entry #2: .*changed \(1 entries intact before it\)$/m);
    expect(broken.status).toBe(1);
  }, 120_000);
});
