// Drops the index on case status: no query filters on status alone (the screen pop counts open
// cases per caller through the caller index), and a three-valued index cost every pulled case an
// insert into a long run of equal keys during a first sync.
import type { CacheMigration } from './types.js';

export const dropStatusIndex: CacheMigration = {
  version: 40,
  name: 'drop-status-index',
  up(db) {
    db.exec('DROP INDEX IF EXISTS service_requests_by_status');
  },
};
