-- The first schema: reference data, callers and cases (synced to desktops through change_log),
-- agents, and the calls Twilio tells us about.

CREATE TABLE service_types (
  code text PRIMARY KEY,
  name text NOT NULL,
  agency text NOT NULL,
  active boolean NOT NULL,
  needs_location boolean NOT NULL
);

-- The polygons stay here; desktops get the name and label point only.
CREATE TABLE neighborhoods (
  id text PRIMARY KEY,
  name text NOT NULL,
  label_lat double precision NOT NULL,
  label_lon double precision NOT NULL,
  geometry jsonb NOT NULL
);

CREATE TABLE callers (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  phones text[] NOT NULL,
  email text,
  address text,
  zipcode text,
  neighborhood_id text REFERENCES neighborhoods (id),
  lat double precision,
  lon double precision,
  preferred_language text NOT NULL DEFAULT 'en',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- "Who is calling from +1215...?" is `phones @> ARRAY[$1]`, answered by this index.
CREATE INDEX callers_phones_idx ON callers USING gin (phones);

-- Official service-request numbers continue after the highest one seeded or imported.
CREATE SEQUENCE service_request_reference_seq START WITH 19000001;

CREATE TABLE service_requests (
  id uuid PRIMARY KEY,
  reference text NOT NULL UNIQUE,
  caller_id uuid REFERENCES callers (id),
  service_type_code text NOT NULL REFERENCES service_types (code),
  status text NOT NULL CHECK (status IN ('open', 'in_progress', 'closed')),
  channel text NOT NULL,
  description text NOT NULL,
  address text,
  zipcode text,
  neighborhood_id text REFERENCES neighborhoods (id),
  lat double precision,
  lon double precision,
  agency text NOT NULL,
  requested_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz
);
CREATE INDEX service_requests_caller_idx ON service_requests (caller_id);
CREATE INDEX service_requests_open_idx ON service_requests (requested_at) WHERE status <> 'closed';

CREATE TABLE agents (
  id text PRIMARY KEY,
  display_name text NOT NULL,
  role text NOT NULL,
  skills text[] NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'offline',
  state_since timestamptz NOT NULL DEFAULT now()
);

-- Our call id is stable across transfers; Twilio's CallSid is the parent leg's.
-- status: ringing (offered to agent_id), queued, answered, ended.
CREATE TABLE calls (
  id uuid PRIMARY KEY,
  call_sid text NOT NULL UNIQUE,
  from_number text NOT NULL,
  to_number text NOT NULL,
  queue text NOT NULL,
  is_911_transfer boolean NOT NULL DEFAULT false,
  status text NOT NULL,
  twilio_status text,
  agent_id text REFERENCES agents (id),
  received_at timestamptz NOT NULL,
  answered_at timestamptz,
  ended_at timestamptz
);
CREATE INDEX calls_agent_active_idx ON calls (agent_id) WHERE ended_at IS NULL;

-- Status callbacks exactly as received, for audit and for reports later.
CREATE TABLE call_events (
  id bigserial PRIMARY KEY,
  call_sid text NOT NULL,
  status text,
  params jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX call_events_call_sid_idx ON call_events (call_sid);

-- Every write of a synced entity appends its new row here (shared-domain JSON); desk hosts pull
-- by version. Written only through server/store/change-log.ts.
CREATE TABLE change_log (
  version bigserial PRIMARY KEY,
  entity text NOT NULL,
  entity_id text NOT NULL,
  op text NOT NULL CHECK (op IN ('put', 'del')),
  row jsonb,
  changed_at timestamptz NOT NULL DEFAULT now()
);
