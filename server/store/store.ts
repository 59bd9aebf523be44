// One small interface over the two databases the server runs on: PostgreSQL (through `pg`) and
// PGlite (embedded Postgres, the default), so every query is written once in one SQL dialect.

export type StoreKind = 'pglite' | 'postgres';

export interface Store {
  readonly kind: StoreKind;
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. Inside,
   * use only the `tx` it is given. A transaction started on `tx` joins the outer one.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Both drivers hand back int8 as a JS number (set up in each store), timestamptz as Date. */
export function toIso(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function requireIso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
