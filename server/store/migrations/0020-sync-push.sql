-- Sync push: which mutations each desk client has had processed (and what came of each, so a
-- retried push gets the same answer), case notes and conflicts, and the case columns that
-- conflict detection and provisional references need.

CREATE TABLE sync_clients (
  client_id text PRIMARY KEY,
  -- The agent who pushed last from this desk; desks are shared between shifts.
  agent_id text NOT NULL REFERENCES agents (id),
  last_mutation_id bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sync_mutation_results (
  client_id text NOT NULL REFERENCES sync_clients (client_id),
  mutation_id bigint NOT NULL,
  name text NOT NULL,
  status text NOT NULL CHECK (status IN ('applied', 'rejected')),
  result jsonb NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, mutation_id)
);

ALTER TABLE service_requests
  ADD COLUMN provisional_reference text,
  -- {field: change-log version that last set it}; part of the synced row.
  ADD COLUMN field_versions jsonb NOT NULL DEFAULT '{}',
  -- {field: who set it (agent, client, mutation, time)}; server-only, for a conflict's keptBy.
  ADD COLUMN field_origins jsonb;
CREATE UNIQUE INDEX service_requests_provisional_reference_idx
  ON service_requests (provisional_reference) WHERE provisional_reference IS NOT NULL;

CREATE TABLE case_notes (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES service_requests (id),
  text text NOT NULL,
  author_agent_id text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX case_notes_case_idx ON case_notes (case_id);

CREATE TABLE case_conflicts (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES service_requests (id),
  field text NOT NULL,
  kept_value jsonb,
  kept_by jsonb,
  losing_value jsonb,
  losing_by jsonb NOT NULL,
  detected_at timestamptz NOT NULL,
  resolved_at timestamptz,
  resolved_by text,
  resolution text CHECK (resolution IN ('keep', 'take_losing'))
);
CREATE INDEX case_conflicts_case_idx ON case_conflicts (case_id);
CREATE INDEX case_conflicts_open_idx ON case_conflicts (case_id) WHERE resolved_at IS NULL;

-- A database seeded before this migration: official numbers continue after its highest one.
SELECT setval('service_request_reference_seq', GREATEST(
  19000001,
  (SELECT COALESCE(MAX(reference::bigint), 0) + 1 FROM service_requests WHERE reference ~ '^[0-9]+$'),
  (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM service_request_reference_seq)
), false);
