-- Team leads' actions: a waiting call's priority and the lead's seat in a call's conference
-- (listen, coach, barge). Who did what, and when, goes to the audit log (0060).

-- high goes ahead of every normal call, never ahead of a 911 transfer (shared/supervisor-api.ts).
ALTER TABLE calls ADD COLUMN priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'high'));

-- One row per time a lead joined a call; ended_at is set when they leave or the leg ends.
CREATE TABLE supervisor_monitors (
  id bigserial PRIMARY KEY,
  call_id uuid NOT NULL REFERENCES calls (id),
  supervisor_id text NOT NULL REFERENCES agents (id),
  mode text NOT NULL CHECK (mode IN ('listen', 'coach', 'barge')),
  -- The lead's leg, once Twilio created it (the REST answer or the first status callback).
  leg_sid text,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz
);
CREATE UNIQUE INDEX supervisor_monitors_active_idx ON supervisor_monitors (call_id, supervisor_id) WHERE ended_at IS NULL;
