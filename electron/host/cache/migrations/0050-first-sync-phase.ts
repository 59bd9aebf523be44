// A first sync into an empty cache writes a city's worth of rows; it runs faster with the case
// indexes and the map triggers set aside and rebuilt once caught up. The phase lives in the sync
// state and the set-aside definitions in their own table, both changed in the same transaction
// as the indexes themselves, so a crash at any point leaves a cache that knows what to redo.
import type { CacheMigration } from './types.js';

export const firstSyncPhase: CacheMigration = {
  version: 50,
  name: 'first-sync-phase',
  up(db) {
    db.exec(`
      -- NULL: normal; 'bulk': a first sync is filling the cache with the objects below set aside.
      ALTER TABLE sync_state ADD COLUMN first_sync_phase TEXT CHECK (first_sync_phase IN ('bulk'));

      -- The CREATE statements of the indexes and triggers set aside, exactly as SQLite kept them.
      CREATE TABLE first_sync_deferred (
        name TEXT PRIMARY KEY,
        type TEXT NOT NULL CHECK (type IN ('index', 'trigger')),
        sql TEXT NOT NULL
      ) STRICT;
    `);
  },
};
