-- The audit log: who saw or changed what, when, from which desktop. Rows are only ever appended
-- (server/audit/audit-log.ts, under an advisory lock) and each carries the SHA-256 of the
-- previous row's hash and its own canonical JSON, so a changed, removed or reordered row breaks
-- the chain (`npm run audit:verify`).

CREATE TABLE audit_log (
  seq bigint PRIMARY KEY CHECK (seq > 0),   -- 1, 2, 3…: no gaps, the chain's order
  at timestamptz NOT NULL,                   -- when it happened (on the desk, for entries made offline)
  recorded_at timestamptz NOT NULL,          -- when the server appended it
  agent_id text,                             -- who; no foreign key: the log outlives the roster
  action text NOT NULL,
  object_type text,
  object_id text,
  details jsonb NOT NULL,
  client_id text,                            -- which desktop install
  ip text,
  prev_hash text NOT NULL,
  hash text NOT NULL UNIQUE
);
CREATE INDEX audit_log_agent_idx ON audit_log (agent_id, seq);
CREATE INDEX audit_log_action_idx ON audit_log (action, seq);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, seq);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE FUNCTION refuse_audit_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_rewrite();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_rewrite();
