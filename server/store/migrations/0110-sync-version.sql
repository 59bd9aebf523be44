-- A first sync reads each synced table in key order (POST /sync/snapshot). sync_version is the
-- change-log version that last wrote the row, set by the statement that writes both
-- (server/store/change-log.ts), so the snapshot hands out each row exactly as the log holds it.
-- No index: the snapshot walks a table by its key and joins change_log on its primary key.

ALTER TABLE service_types ADD COLUMN sync_version bigint;
ALTER TABLE neighborhoods ADD COLUMN sync_version bigint;
ALTER TABLE callers ADD COLUMN sync_version bigint;
ALTER TABLE service_requests ADD COLUMN sync_version bigint;
ALTER TABLE case_notes ADD COLUMN sync_version bigint;
ALTER TABLE case_conflicts ADD COLUMN sync_version bigint;
ALTER TABLE triage_protocols ADD COLUMN sync_version bigint;
ALTER TABLE triage_records ADD COLUMN sync_version bigint;

-- Rows written before this migration: the newest log entry of each.
CREATE TEMPORARY TABLE latest_change ON COMMIT DROP AS
  SELECT entity, entity_id, max(version) AS version FROM change_log WHERE op = 'put' GROUP BY entity, entity_id;

UPDATE service_types t SET sync_version = l.version FROM latest_change l WHERE l.entity = 'service_type' AND l.entity_id = t.code;
UPDATE neighborhoods t SET sync_version = l.version FROM latest_change l WHERE l.entity = 'neighborhood' AND l.entity_id = t.id;
UPDATE callers t SET sync_version = l.version FROM latest_change l WHERE l.entity = 'caller' AND l.entity_id = t.id::text;
UPDATE service_requests t SET sync_version = l.version FROM latest_change l WHERE l.entity = 'service_request' AND l.entity_id = t.id::text;
UPDATE case_notes t SET sync_version = l.version FROM latest_change l WHERE l.entity = 'case_note' AND l.entity_id = t.id::text;
UPDATE case_conflicts t SET sync_version = l.version FROM latest_change l WHERE l.entity = 'case_conflict' AND l.entity_id = t.id::text;
UPDATE triage_protocols t SET sync_version = l.version FROM latest_change l WHERE l.entity = 'triage_protocol' AND l.entity_id = t.key;
UPDATE triage_records t SET sync_version = l.version FROM latest_change l WHERE l.entity = 'triage_record' AND l.entity_id = t.id::text;
