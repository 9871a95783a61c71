-- Evidence, workflows, signatures, anchors and idempotency keys.
-- Large values are text, not jsonb/bytea: the canonical form is already JSON text, and converting
-- 2 KB rows to jsonb or hex-encoded bytea cut insert throughput tenfold (bench notes in README).
CREATE TABLE evidence (
  hash            text PRIMARY KEY,
  canonical       text NOT NULL, -- RFC 8785 form: exactly the signed bytes (UTF-8)
  event_type      text NOT NULL,
  actor_id        text NOT NULL,
  actor_type      text NOT NULL,
  artifact_hashes text[] NOT NULL,
  timestamp_utc   timestamptz NOT NULL,
  created_at      timestamptz NOT NULL
);
CREATE INDEX evidence_artifact_hashes ON evidence USING gin (artifact_hashes);
CREATE INDEX evidence_event_type ON evidence (event_type, created_at DESC, hash DESC);
CREATE INDEX evidence_actor_id ON evidence (actor_id, created_at DESC, hash DESC);
CREATE INDEX evidence_created ON evidence (created_at DESC, hash DESC);

CREATE TABLE workflows (
  id            uuid PRIMARY KEY,
  type          text NOT NULL,
  status        text NOT NULL,
  evidence_hash text NOT NULL REFERENCES evidence (hash),
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  completed_at  timestamptz,
  error_message text
);
CREATE INDEX workflows_created ON workflows (created_at DESC, id DESC);
CREATE INDEX workflows_status_created ON workflows (status, created_at DESC, id DESC);
CREATE INDEX workflows_evidence ON workflows (evidence_hash);

CREATE TABLE signatures (
  workflow_id    uuid PRIMARY KEY REFERENCES workflows (id),
  key_id         text NOT NULL,
  key_version    integer NOT NULL,
  signature      text NOT NULL, -- base64 DER
  public_key_pem text NOT NULL,
  signed_at      timestamptz NOT NULL,
  anchored       boolean NOT NULL DEFAULT false
);
CREATE INDEX signatures_unanchored ON signatures (signed_at) WHERE NOT anchored;

CREATE TABLE anchors (
  workflow_id     uuid PRIMARY KEY REFERENCES signatures (workflow_id),
  log_url         text NOT NULL,
  log_id          text NOT NULL,
  log_index       bigint NOT NULL,
  entry_uuid      text NOT NULL,
  integrated_time bigint NOT NULL,
  entry           text NOT NULL, -- the LogEntry as JSON
  anchored_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE idempotency_keys (
  key          text PRIMARY KEY,
  request_hash text NOT NULL,
  workflow_id  uuid NOT NULL,
  claimed_at   timestamptz NOT NULL DEFAULT now()
);
