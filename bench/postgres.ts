// Where benchmarks put PostgreSQL data: the CI/test database, in a schema of their own that is
// dropped afterwards, or nothing when no server answers (the benchmark then uses PGlite).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dropPgSchema } from '../server/store/pg-store.js';

export const BENCH_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type BenchPostgres = { url: string; schema: string; drop(): Promise<void> };

export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** A fresh schema name on the benchmark database; `drop` removes it and everything in it. */
export function benchPostgresSchema(): BenchPostgres {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  return { url: BENCH_POSTGRES_URL, schema, drop: () => dropPgSchema(BENCH_POSTGRES_URL, schema) };
}
