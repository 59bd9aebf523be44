-- How soon the department should act on a case; a triage outcome sets it, intake defaults to
-- standard. Part of the synced case row.
ALTER TABLE service_requests
  ADD COLUMN priority text NOT NULL DEFAULT 'standard' CHECK (priority IN ('standard', 'high', 'urgent'));
