// `npm run open311:keys` as an operator runs it: a separate process on the server's database that
// prints a new key once, lists keys without their secrets, and revokes one so it stops working.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findActiveApiKey } from '../../../server/open311/api-keys.js';
import { openPgStore } from '../../../server/store/pg-store.js';
import { openPgliteStore } from '../../../server/store/pglite-store.js';
import type { Store } from '../../../server/store/store.js';
import { openScratchStore, storeTargets, type ScratchStore } from '../../integration/server/helpers.js';

function runKeys(scratch: ScratchStore, args: string[]): { status: number | null; out: string } {
  const { dataDir, databaseUrl, databaseSchema } = scratch.serverConfig;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, FRONTDESK_DATA_DIR: dataDir };
  if (databaseUrl) Object.assign(env, { FRONTDESK_DATABASE_URL: databaseUrl, FRONTDESK_DATABASE_SCHEMA: databaseSchema });
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/open311-keys.ts', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

async function withStore<T>(scratch: ScratchStore, use: (store: Store) => Promise<T>): Promise<T> {
  const { dataDir, databaseUrl, databaseSchema } = scratch.serverConfig;
  const store = databaseUrl ? await openPgStore({ connectionString: databaseUrl, schema: databaseSchema }) : await openPgliteStore(path.join(dataDir, 'server-db'));
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

describe.each(storeTargets())('npm run open311:keys on $kind', (target) => {
  let scratch: ScratchStore;
  afterEach(async () => {
    await scratch?.dispose();
  });

  it('creates a key shown once, lists it without the secret, and revokes it', async () => {
    scratch = await openScratchStore(target);
    // PGlite allows one process per data directory: the command gets it alone.
    await scratch.store.close();

    const created = runKeys(scratch, ['create', 'Neighborhood App']);
    expect(created.status, created.out).toBe(0);
    const id = /^created (key-[0-9a-f]{12}) for "Neighborhood App"$/m.exec(created.out)?.[1] as string;
    const key = /^(o311_[A-Za-z0-9_-]{43})$/m.exec(created.out)?.[1] as string;
    expect(id).toBeDefined();
    expect(key).toBeDefined();
    expect(await withStore(scratch, (store) => findActiveApiKey(store, key))).toMatchObject({ id, name: 'Neighborhood App', revokedAt: null });

    const listed = runKeys(scratch, ['list']);
    expect(listed.status).toBe(0);
    expect(listed.out).toMatch(new RegExp(`^${id}\\tNeighborhood App\\tcreated \\S+\\tactive$`, 'm'));
    expect(listed.out).not.toContain(key);

    expect(runKeys(scratch, ['revoke', id])).toMatchObject({ status: 0 });
    expect(await withStore(scratch, (store) => findActiveApiKey(store, key))).toBeNull();
    expect(runKeys(scratch, ['revoke', id])).toMatchObject({ status: 1, out: `no active key ${id}\n` });
  }, 120_000);
});
