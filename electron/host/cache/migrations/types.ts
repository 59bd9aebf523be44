// The shape of one cache migration. Versions are spaced by ten so a fix can slot in between.
import type { CacheDatabase as Database } from '../open-cache.js';

export interface CacheMigration {
  /** Recorded in `PRAGMA user_version` once applied; strictly increasing through the list. */
  version: number;
  name: string;
  up(db: Database): void;
}
