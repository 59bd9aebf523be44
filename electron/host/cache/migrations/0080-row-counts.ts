// How many callers and cases the cache holds, kept by triggers: the sync status reports the counts
// after every sync, and counting a million encrypted rows reads and decrypts every page of an index
// (about 100 ms at full size), long enough to hold up a screen pop that arrives meanwhile.
import type { CacheMigration } from './types.js';

export const rowCounts: CacheMigration = {
  version: 80,
  name: 'row-counts',
  up(db) {
    db.exec(`
      CREATE TABLE row_counts (
        name TEXT PRIMARY KEY,
        n INTEGER NOT NULL
      ) STRICT;
      INSERT INTO row_counts (name, n) VALUES
        ('callers', (SELECT count(*) FROM callers)),
        ('service_requests', (SELECT count(*) FROM service_requests));

      -- An upsert that updates fires neither: only rows that arrive or leave change a count.
      CREATE TRIGGER row_counts_callers_insert AFTER INSERT ON callers
        BEGIN UPDATE row_counts SET n = n + 1 WHERE name = 'callers'; END;
      CREATE TRIGGER row_counts_callers_delete AFTER DELETE ON callers
        BEGIN UPDATE row_counts SET n = n - 1 WHERE name = 'callers'; END;
      CREATE TRIGGER row_counts_service_requests_insert AFTER INSERT ON service_requests
        BEGIN UPDATE row_counts SET n = n + 1 WHERE name = 'service_requests'; END;
      CREATE TRIGGER row_counts_service_requests_delete AFTER DELETE ON service_requests
        BEGIN UPDATE row_counts SET n = n - 1 WHERE name = 'service_requests'; END;
    `);
  },
};
