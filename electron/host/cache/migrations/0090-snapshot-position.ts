// A first sync reads the server's current rows entity by entity, in key order, before it pulls the
// log (electron/host/sync/sync-work.ts). Where it has got to is kept with the rows of each page, in
// the same transaction, so a cut connection or a killed host resumes at the next page.
import type { CacheMigration } from './types.js';

export const snapshotPosition: CacheMigration = {
  version: 90,
  name: 'snapshot-position',
  up(db) {
    db.exec(`
      -- All NULL unless a snapshot is under way: the entity and the last id held, the log head its
      -- first page reported (the pull resumes there once the snapshot is done), the rows so far and
      -- the rows the server counted at the start, for the progress bar.
      ALTER TABLE sync_state ADD COLUMN snapshot_entity TEXT;
      ALTER TABLE sync_state ADD COLUMN snapshot_after_id TEXT;
      ALTER TABLE sync_state ADD COLUMN snapshot_as_of INTEGER;
      ALTER TABLE sync_state ADD COLUMN snapshot_rows INTEGER;
      ALTER TABLE sync_state ADD COLUMN snapshot_total_rows INTEGER;
    `);
  },
};
