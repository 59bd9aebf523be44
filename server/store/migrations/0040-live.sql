-- Live events fanned out between server instances, and each team lead's wallboard preferences.

-- Every published call or agent change, in one global order. NOTIFY carries only the sequence
-- (payloads are capped at 8000 bytes and a call's timeline can outgrow that); each instance reads
-- the rows after the last one it delivered, so a burst of notifications costs one query.
-- Rows are kept for an hour: enough for an instance to catch up, never a report source.
CREATE TABLE live_events (
  seq bigserial PRIMARY KEY,
  event jsonb NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX live_events_published_idx ON live_events (published_at);

CREATE TABLE wallboard_preferences (
  agent_id text PRIMARY KEY REFERENCES agents (id),
  preferences jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
