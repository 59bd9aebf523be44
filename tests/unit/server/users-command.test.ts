// `npm run users` as an operator runs it: a separate process on the server's database that sets
// a password read from stdin, removes a second factor and lifts a lock, each audited.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPassword } from '../../../server/auth/passwords.js';
import { migrate } from '../../../server/store/migrate.js';
import { openPgStore } from '../../../server/store/pg-store.js';
import { openPgliteStore } from '../../../server/store/pglite-store.js';
import { ensureDemoAgents } from '../../../server/store/agents.js';
import type { Store } from '../../../server/store/store.js';
import { openScratchStore, storeTargets, type ScratchStore } from '../../integration/server/helpers.js';

const PASSWORD = 'typed-by-an-operator-311';

function runUsers(scratch: ScratchStore, args: string[], input = ''): { status: number | null; out: string } {
  const { dataDir, databaseUrl, databaseSchema } = scratch.serverConfig;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, FRONTDESK_DATA_DIR: dataDir };
  if (databaseUrl) Object.assign(env, { FRONTDESK_DATABASE_URL: databaseUrl, FRONTDESK_DATABASE_SCHEMA: databaseSchema });
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/users.ts', ...args], { env, input, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

async function reopen(scratch: ScratchStore): Promise<Store> {
  const { dataDir, databaseUrl, databaseSchema } = scratch.serverConfig;
  return databaseUrl ? openPgStore({ connectionString: databaseUrl, schema: databaseSchema }) : openPgliteStore(path.join(dataDir, 'server-db'));
}

describe.each(storeTargets())('npm run users on $kind', (target) => {
  let scratch: ScratchStore;
  afterEach(async () => {
    await scratch?.dispose();
  });

  it('sets a password from stdin, resets a second factor and unlocks, and refuses bad input', async () => {
    scratch = await openScratchStore(target);
    await migrate(scratch.store);
    await ensureDemoAgents(scratch.store);
    await scratch.store.query(
      "INSERT INTO agent_credentials (agent_id, totp_secret, failed_attempts, locked_until) VALUES ('demo-lead', 'JBSWY3DPEHPK3PXP', 3, now() + interval '1 hour')",
    );
    await scratch.store.close();

    expect(runUsers(scratch, ['set-password', 'demo-calltaker'], `${PASSWORD}\n`)).toMatchObject({ status: 0, out: expect.stringContaining('password set for demo-calltaker') });
    expect(runUsers(scratch, ['set-password', 'demo-calltaker'], 'short\n')).toMatchObject({ status: 1, out: expect.stringContaining('12 characters') });
    expect(runUsers(scratch, ['set-password', 'nobody-here'], `${PASSWORD}\n`)).toMatchObject({ status: 1, out: expect.stringContaining('no agent nobody-here') });
    expect(runUsers(scratch, ['reset-totp', 'demo-lead'])).toMatchObject({ status: 0 });
    expect(runUsers(scratch, ['unlock', 'demo-lead'])).toMatchObject({ status: 0 });
    expect(runUsers(scratch, ['set-password', 'demo-calltaker', PASSWORD]).status).toBe(2);
    expect(runUsers(scratch, ['drop-everything', 'demo-lead']).status).toBe(2);

    const store = await reopen(scratch);
    try {
      const rows = await store.query<{ agent_id: string; password_hash: string | null; totp_secret: string | null; failed_attempts: number; locked_until: Date | null }>(
        'SELECT agent_id, password_hash, totp_secret, failed_attempts, locked_until FROM agent_credentials ORDER BY agent_id',
      );
      const byId = new Map(rows.map((row) => [row.agent_id, row]));
      expect(await checkPassword(byId.get('demo-calltaker')?.password_hash ?? null, PASSWORD)).toBe(true);
      expect(byId.get('demo-lead')).toMatchObject({ totp_secret: null, failed_attempts: 0, locked_until: null });
      const audit = await store.query<{ action: string; object_id: string; details: { by: string } }>('SELECT action, object_id, details FROM audit_log ORDER BY seq');
      expect(audit).toMatchObject([
        { action: 'auth.password_set', object_id: 'demo-calltaker', details: { by: 'operator' } },
        { action: 'auth.totp_reset', object_id: 'demo-lead' },
        { action: 'auth.unlocked', object_id: 'demo-lead' },
      ]);
      expect(JSON.stringify(audit)).not.toContain(PASSWORD);
    } finally {
      await store.close();
    }
  }, 180_000);
});
