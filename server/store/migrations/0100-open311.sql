-- Open311 GeoReport v2: the api keys partner apps post service requests with (only a SHA-256 of
-- each key is kept), and which key filed which case.

CREATE TABLE open311_api_keys (
  id text PRIMARY KEY,
  name text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- One row per case filed through POST requests; its id is the write's mutation id in the case's
-- field origins (agent "open311", client "open311:<key id>").
CREATE TABLE open311_submissions (
  id bigserial PRIMARY KEY,
  api_key_id text NOT NULL REFERENCES open311_api_keys (id),
  case_id uuid NOT NULL UNIQUE REFERENCES service_requests (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX open311_submissions_key_idx ON open311_submissions (api_key_id);
