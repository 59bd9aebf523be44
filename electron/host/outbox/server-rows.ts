// The server's version of every row that outbox mutations changed locally. A row is copied here
// before its first local change; pulls keep the copy current; the rebase puts it back.
import type { CacheDatabase as Database, CacheStatement as Statement } from '../cache/open-cache.js';
import type { SyncedEntity } from '../../../shared/sync-protocol.js';
import { rowStoreFor, type MutableEntity, type SyncedRecords } from '../cache/row-store.js';

export interface ServerRows {
  /** Keeps the current (server) row before a mutation first changes it; later calls do nothing. */
  touch(entity: MutableEntity, id: string): void;
  /** Keys of tracked rows, "entity id", for a pull page to check cheaply. */
  trackedKeys(): Set<string>;
  /** A pull brought the server's new version of a tracked row (null: deleted). */
  updateTracked(entity: SyncedEntity, id: string, row: SyncedRecords[SyncedEntity] | null): void;
  /** Puts every tracked row back to its server version and forgets them all. */
  restoreAll(): { entity: SyncedEntity; id: string }[];
}

export const trackedKey = (entity: string, id: string): string => `${entity} ${id}`;

interface Statements {
  has: Statement;
  insert: Statement;
  update: Statement;
  all: Statement;
  clear: Statement;
  keys: Statement;
}
const preparedByDb = new WeakMap<Database, Statements>();

export function serverRowsFor(db: Database): ServerRows {
  let s = preparedByDb.get(db);
  if (!s) {
    s = {
      has: db.prepare('SELECT 1 FROM server_rows WHERE entity = ? AND id = ?').pluck(),
      insert: db.prepare('INSERT INTO server_rows (entity, id, row) VALUES (?, ?, ?)'),
      update: db.prepare('UPDATE server_rows SET row = ? WHERE entity = ? AND id = ?'),
      all: db.prepare('SELECT entity, id, row FROM server_rows'),
      clear: db.prepare('DELETE FROM server_rows'),
      keys: db.prepare('SELECT entity, id FROM server_rows'),
    };
    preparedByDb.set(db, s);
  }
  const statements = s;
  const rows = rowStoreFor(db);
  return {
    touch(entity, id) {
      if (statements.has.get(entity, id)) return;
      const current = rows.get(entity, id);
      statements.insert.run(entity, id, current ? JSON.stringify(current) : null);
    },
    trackedKeys() {
      return new Set((statements.keys.all() as { entity: string; id: string }[]).map((key) => trackedKey(key.entity, key.id)));
    },
    updateTracked(entity, id, row) {
      statements.update.run(row === null ? null : JSON.stringify(row), entity, id);
    },
    restoreAll() {
      const tracked = statements.all.all() as { entity: SyncedEntity; id: string; row: string | null }[];
      for (const entry of tracked) {
        if (entry.row === null) rows.del(entry.entity, entry.id);
        else rows.put(entry.entity, JSON.parse(entry.row) as SyncedRecords[SyncedEntity]);
      }
      statements.clear.run();
      return tracked.map(({ entity, id }) => ({ entity, id }));
    },
  };
}
