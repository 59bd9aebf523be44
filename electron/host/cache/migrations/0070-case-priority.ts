// A case's priority (standard, high, urgent), as the server now sends it in the case row.
import type { CacheMigration } from './types.js';

export const casePriority: CacheMigration = {
  version: 70,
  name: 'case-priority',
  up(db) {
    db.exec(`ALTER TABLE service_requests ADD COLUMN priority TEXT NOT NULL DEFAULT 'standard' CHECK (priority IN ('standard', 'high', 'urgent'))`);
  },
};
