-- Telephony: why an agent is in their state, each offer of a call to an agent, the call's
-- timeline, and the lifecycle columns queue reports aggregate (times and durations in seconds).

ALTER TABLE agents
  ADD COLUMN state_reason text,
  -- Offers in a row the agent let ring out; reset when they answer or choose a state.
  ADD COLUMN missed_calls integer NOT NULL DEFAULT 0;

-- status: queued, ringing (offered to agent_id), answered, ended. Wrap-up is an ended call with
-- answered_at set and wrapped_up_at not yet set.
ALTER TABLE calls
  ADD COLUMN offered_at timestamptz,
  ADD COLUMN offer_count integer NOT NULL DEFAULT 0,
  ADD COLUMN abandoned boolean NOT NULL DEFAULT false,
  -- The leg of the agent who holds the call (the <Dial><Client> child, or a transfer's leg).
  ADD COLUMN agent_leg_sid text,
  -- Set when the call is promoted to a conference (named after the call id) for hold or transfer.
  ADD COLUMN conference_name text,
  ADD COLUMN conference_sid text,
  ADD COLUMN caller_in_conference boolean NOT NULL DEFAULT false,
  ADD COLUMN on_hold boolean NOT NULL DEFAULT false,
  ADD COLUMN hold_started_at timestamptz,
  -- The transfer in progress or the last one (shared/call-control.ts Transfer plus the target's leg).
  ADD COLUMN transfer jsonb,
  ADD COLUMN summary text,
  ADD COLUMN disposition text,
  ADD COLUMN case_id uuid,
  ADD COLUMN wrap_up_note text,
  ADD COLUMN wrapped_up_at timestamptz,
  ADD COLUMN wait_seconds integer,
  ADD COLUMN talk_seconds integer,
  ADD COLUMN hold_seconds integer NOT NULL DEFAULT 0,
  ADD COLUMN wrap_up_seconds integer;
CREATE INDEX calls_waiting_idx ON calls (is_911_transfer DESC, received_at) WHERE status = 'queued';
CREATE INDEX calls_received_idx ON calls (received_at);
CREATE INDEX calls_agent_leg_idx ON calls (agent_leg_sid) WHERE agent_leg_sid IS NOT NULL;

-- Each time a call rang an agent and how that ended: answered, declined, missed, cancelled
-- (the caller hung up or the call was taken elsewhere while it rang).
CREATE TABLE call_offers (
  id bigserial PRIMARY KEY,
  call_id uuid NOT NULL REFERENCES calls (id),
  agent_id text NOT NULL REFERENCES agents (id),
  offered_at timestamptz NOT NULL DEFAULT now(),
  outcome text CHECK (outcome IN ('answered', 'declined', 'missed', 'cancelled')),
  ended_at timestamptz
);
CREATE INDEX call_offers_call_idx ON call_offers (call_id);
CREATE INDEX call_offers_agent_idx ON call_offers (agent_id, offered_at);

-- The steps of a call as shared/call-control.ts CallTimelineEvent names them.
CREATE TABLE call_timeline (
  id bigserial PRIMARY KEY,
  call_id uuid NOT NULL REFERENCES calls (id),
  at timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL,
  agent_id text,
  detail text
);
CREATE INDEX call_timeline_call_idx ON call_timeline (call_id, id);

-- Callbacks carry a per-leg SequenceNumber: a repeat or a late one is kept but not applied.
ALTER TABLE call_events
  ADD COLUMN sequence integer,
  ADD COLUMN applied boolean NOT NULL DEFAULT true;
CREATE INDEX call_events_sequence_idx ON call_events (call_sid, sequence) WHERE sequence IS NOT NULL;
