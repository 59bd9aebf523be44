// When the cache is unreadable, the unsent mutations may still be: read what can be read of the
// outbox (and the client id and mutation counter they are numbered under) before the file is
// moved aside, and carry it into the fresh cache so nothing the agent saved is lost.
import { MutationSchema } from '../../../shared/mutations.js';
import { writeMeta } from './meta.js';
import { openCacheFile, type CacheDatabase } from './open-cache.js';

interface RescuedEntry {
  mutation_id: number;
  name: string;
  args: string;
  created_at: string;
  summary: string;
  case_id: string | null;
  state: string;
  error: string | null;
}

export interface RescuedOutbox {
  clientId: string;
  lastIssued: number;
  entries: RescuedEntry[];
}

/** Best effort: null when not even the client id can be read (mutations without it cannot be pushed safely). */
export function readOutboxForRescue(path: string, options: { key?: Buffer; nativeBinding?: string } = {}): RescuedOutbox | null {
  let db: CacheDatabase | undefined;
  try {
    db = openCacheFile(path, { ...options, readonly: true });
    const meta = (key: string): string | null => {
      try {
        return (db!.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
      } catch {
        return null;
      }
    };
    const clientId = meta('client_id');
    if (!clientId) return null;
    const entries: RescuedEntry[] = [];
    try {
      // Row by row, so a damaged page late in the table still leaves the ones before it.
      for (const row of db.prepare('SELECT * FROM outbox ORDER BY mutation_id').iterate()) entries.push(row as RescuedEntry);
    } catch {
      // Keep what was read.
    }
    let lastMutationId = 0;
    try {
      lastMutationId = (db.prepare('SELECT last_mutation_id FROM sync_state WHERE id = 1').pluck().get() as number | undefined) ?? 0;
    } catch {
      // The counter below and the first pull's lastMutationId still keep new ids above old ones.
    }
    const lastIssued = Math.max(Number(meta('last_mutation_id_issued') ?? 0), lastMutationId, ...entries.map((entry) => entry.mutation_id));
    return { clientId, lastIssued, entries };
  } catch {
    return null;
  } finally {
    try {
      db?.close();
    } catch {
      // Closing a broken handle may fail too; nothing more to save.
    }
  }
}

/** Writes the rescued outbox into a fresh cache; the first pull's rebase replays its effects. */
export function restoreRescuedOutbox(db: CacheDatabase, rescued: RescuedOutbox): number {
  return db.transaction(() => {
    writeMeta(db, 'client_id', rescued.clientId);
    writeMeta(db, 'last_mutation_id_issued', String(rescued.lastIssued));
    writeMeta(db, 'rebase_needed', '1');
    const insert = db.prepare(
      `INSERT INTO outbox (mutation_id, name, args, created_at, summary, case_id, state, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let kept = 0;
    for (const entry of rescued.entries) {
      if (!isReadableMutation(entry)) continue;
      // An "applied" one whose pull never came is asked again; the server answers from its record.
      const state = entry.state === 'rejected' ? 'rejected' : 'pending';
      insert.run(entry.mutation_id, entry.name, entry.args, entry.created_at, entry.summary, entry.case_id, state, entry.error);
      kept += 1;
    }
    return kept;
  }).immediate();
}

/** A damaged page can hand back garbage; only mutations that still parse are carried over. */
function isReadableMutation(entry: RescuedEntry): boolean {
  try {
    return MutationSchema.safeParse({ id: entry.mutation_id, name: entry.name, args: JSON.parse(entry.args), createdAt: entry.created_at }).success;
  } catch {
    return false;
  }
}
