-- Real sign-in: each agent's credentials (Argon2id password hash, TOTP second factor, lockout)
-- and the sessions a sign-in opens. Refresh tokens are stored as SHA-256 hashes only; a spent
-- one is remembered so that presenting it again is recognised as reuse.

CREATE TABLE agent_credentials (
  agent_id text PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
  password_hash text,                        -- Argon2id PHC string; null: this agent cannot sign in
  password_changed_at timestamptz,
  totp_secret text,                          -- base32; null until enrolled
  totp_enrolled_at timestamptz,
  totp_last_step bigint,                     -- the last accepted time step: a code is good once
  failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked_until timestamptz
);

CREATE TABLE auth_sessions (
  id uuid PRIMARY KEY,
  agent_id text NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  client_id text,                            -- the desk install that signed in, when it said
  refresh_token_hash text NOT NULL UNIQUE,   -- SHA-256 (hex) of the current refresh token
  created_at timestamptz NOT NULL,
  last_used_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_reason text
);
CREATE INDEX auth_sessions_agent_idx ON auth_sessions (agent_id) WHERE revoked_at IS NULL;

-- Refresh tokens already exchanged: presenting one again revokes its session.
CREATE TABLE auth_spent_refresh_tokens (
  token_hash text PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
  spent_at timestamptz NOT NULL
);
CREATE INDEX auth_spent_refresh_tokens_session_idx ON auth_spent_refresh_tokens (session_id);
