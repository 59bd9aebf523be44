// The embedded store: PGlite (Postgres compiled to WebAssembly) in a data directory, used when no
// DATABASE_URL is given. It runs one query at a time, which suits a single-machine demo.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import type { Store } from './store.js';

type Queryable = Pick<Transaction, 'query' | 'exec'>;

// Versions and counts are int8; keep them numbers, as the pg store does.
const parsers = { [types.INT8]: (value: string) => Number(value) };

function wrap(db: Queryable, root: PGlite, inTransaction: boolean): Store {
  const store: Store = {
    kind: 'pglite',
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      const result = await db.query<T>(sql, params);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
    async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      if (inTransaction) return fn(store);
      return root.transaction((tx) => fn(wrap(tx, root, true)));
    },
    async close(): Promise<void> {
      if (!inTransaction) await root.close();
    },
  };
  return store;
}

/** Opens (creating when needed) a PGlite database in `dataDir`, or in memory when it is null. */
export async function openPgliteStore(dataDir: string | null): Promise<Store> {
  if (dataDir !== null) mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  const db = dataDir === null ? await PGlite.create({ parsers }) : await PGlite.create(dataDir, { parsers });
  return wrap(db, db, false);
}
