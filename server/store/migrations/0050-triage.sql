-- Triage protocols (every published version, kept forever) and triage records (immutable audit
-- of each run: every question shown, every answer, the outcome). Both are synced to desks.

CREATE TABLE triage_protocols (
  key text PRIMARY KEY,                 -- "<id>@<version>"
  id text NOT NULL,
  version int NOT NULL,
  title text NOT NULL,
  effective_from timestamptz NOT NULL,
  published_at timestamptz NOT NULL,
  published_by text REFERENCES agents (id),
  document jsonb NOT NULL,
  UNIQUE (id, version)
);

CREATE TABLE triage_records (
  id uuid PRIMARY KEY,
  case_id uuid REFERENCES service_requests (id),
  call_id uuid,
  call_taker_id text NOT NULL,
  outcome_kind text,
  determinant text,
  escalated boolean NOT NULL,
  started_at timestamptz NOT NULL,
  elapsed_ms integer NOT NULL,
  record jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX triage_records_case_idx ON triage_records (case_id);
CREATE INDEX triage_records_started_idx ON triage_records (started_at);

-- Published versions and records are never changed or removed: the audit depends on it.
CREATE FUNCTION refuse_triage_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER triage_protocols_immutable BEFORE UPDATE OR DELETE ON triage_protocols
  FOR EACH ROW EXECUTE FUNCTION refuse_triage_rewrite();
CREATE TRIGGER triage_records_immutable BEFORE UPDATE OR DELETE ON triage_records
  FOR EACH ROW EXECUTE FUNCTION refuse_triage_rewrite();
