// Applies the numbered SQL files in ./migrations in order, each in its own transaction, and
// records them in schema_migrations. A database migrated by a newer build is refused untouched.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeskFailure } from '../../shared/errors.js';
import type { Store } from './store.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE_PATTERN = /^(\d{4})-([a-z0-9-]+)\.sql$/;
// Held while migrating, so two server instances starting together do not both apply a file.
const MIGRATION_LOCK = 3110010;

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .map((file) => ({ file, match: FILE_PATTERN.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({
      version: Number(match[1]),
      name: match[2] as string,
      sql: readFileSync(`${dir}/${file}`, 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]?.version === migrations[i - 1]?.version) {
      throw new Error(`two migrations share version ${migrations[i]?.version}`);
    }
  }
  return migrations;
}

async function appliedVersions(store: Store): Promise<Array<{ version: number; name: string }>> {
  const [exists] = await store.query<{ present: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
  );
  if (!exists?.present) return [];
  return store.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
}

function refuseNewer(applied: Array<{ version: number; name: string }>, known: Migration[]): void {
  const newestKnown = known.at(-1)?.version ?? 0;
  const unknown = applied.filter((row) => !known.some((migration) => migration.version === row.version));
  const newer = unknown.filter((row) => row.version > newestKnown);
  if (newer.length > 0) {
    const list = newer.map((row) => `${row.version}-${row.name}`).join(', ');
    throw new DeskFailure(
      'DATABASE_TOO_NEW',
      `The database was migrated by a newer Frontdesk311 server (migration ${list}; this build knows up to ${newestKnown}). ` +
        'Refusing to use it; run a server at least that new, or point DATABASE_URL / FRONTDESK_DATA_DIR elsewhere.',
    );
  }
}

/** Brings the database up to date; returns the versions it applied. */
export async function migrate(store: Store, migrations: Migration[] = loadMigrations()): Promise<number[]> {
  refuseNewer(await appliedVersions(store), migrations);
  const applied: number[] = [];
  await store.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  for (const migration of migrations) {
    const didApply = await store.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (didApply) applied.push(migration.version);
  }
  return applied;
}
