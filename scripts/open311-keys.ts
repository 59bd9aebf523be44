// `npm run open311:keys -- <command>`: the api keys partner apps post Open311 service requests
// with, on the database the server would use (FRONTDESK_DATABASE_URL or DATABASE_URL, else the
// PGlite files in the data dir; stop the server first with PGlite).
//   create <name>   prints the new key once; only its SHA-256 is stored
//   list            every key: id, name, created, revoked
//   revoke <id>     the key stops working at once
import { createApiKey, listApiKeys, revokeApiKey } from '../server/open311/api-keys.js';
import type { Store } from '../server/store/store.js';
import { runWithStore } from './with-store.js';

const USAGE = 'usage: npm run open311:keys -- create <name> | list | revoke <key id>\n';

async function run(store: Store, [command, argument]: string[]): Promise<number> {
  if (command === 'create' && argument) {
    const created = await createApiKey(store, argument);
    process.stdout.write(`created ${created.id} for "${created.name}"\n${created.key}\nThis key is shown once: give it to the partner now.\n`);
    return 0;
  }
  if (command === 'list' && !argument) {
    const keys = await listApiKeys(store);
    if (keys.length === 0) process.stdout.write('no Open311 api keys\n');
    for (const key of keys) {
      process.stdout.write(`${key.id}\t${key.name}\tcreated ${key.createdAt}\t${key.revokedAt ? `revoked ${key.revokedAt}` : 'active'}\n`);
    }
    return 0;
  }
  if (command === 'revoke' && argument) {
    if (await revokeApiKey(store, argument)) {
      process.stdout.write(`revoked ${argument}\n`);
      return 0;
    }
    process.stderr.write(`no active key ${argument}\n`);
    return 1;
  }
  process.stderr.write(USAGE);
  return 2;
}

// The keys table may be newer than the database: brought up to date as the server would.
runWithStore({ name: 'open311:keys', migrate: true }, ({ store }) => run(store, process.argv.slice(2)));
