// "Open cases nearby" is a two-dimensional range query, which a B-tree on (lat, lon) answers by
// scanning a whole band of latitude across the city. An R*Tree over the open cases answers it
// from the few cells around the caller; triggers keep it in step with service_requests.
import type { CacheMigration } from './types.js';

export const openCaseLocations: CacheMigration = {
  version: 20,
  name: 'open-case-locations',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE open_case_locations USING rtree (case_seq, min_lat, max_lat, min_lon, max_lon);

      CREATE TRIGGER open_case_locations_after_insert AFTER INSERT ON service_requests
      WHEN new.status != 'closed' AND new.lat IS NOT NULL AND new.lon IS NOT NULL
      BEGIN
        INSERT INTO open_case_locations VALUES (new.seq, new.lat, new.lat, new.lon, new.lon);
      END;

      CREATE TRIGGER open_case_locations_after_update AFTER UPDATE OF status, lat, lon ON service_requests
      BEGIN
        DELETE FROM open_case_locations WHERE case_seq = old.seq;
        INSERT INTO open_case_locations
          SELECT new.seq, new.lat, new.lat, new.lon, new.lon
          WHERE new.status != 'closed' AND new.lat IS NOT NULL AND new.lon IS NOT NULL;
      END;

      CREATE TRIGGER open_case_locations_after_delete AFTER DELETE ON service_requests
      BEGIN
        DELETE FROM open_case_locations WHERE case_seq = old.seq;
      END;

      INSERT INTO open_case_locations
        SELECT seq, lat, lat, lon, lon FROM service_requests
        WHERE status != 'closed' AND lat IS NOT NULL AND lon IS NOT NULL;
    `);
  },
};
