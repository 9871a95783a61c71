-- Approval and batch workflows: requests, decisions, batch items, orchestration leases, webhook outbox.
-- A batch covers many packages, so its own workflow row has no single evidence hash.
ALTER TABLE workflows ALTER COLUMN evidence_hash DROP NOT NULL;

-- Orchestration state of an approval or batch workflow (simple_sign rows never get one).
-- lease_until: whoever signs for the workflow holds it; an expired lease (a process died) may be taken over.
CREATE TABLE workflow_runs (
  workflow_id uuid PRIMARY KEY REFERENCES workflows (id),
  webhook_url text,
  lease_until timestamptz,
  attempts    integer NOT NULL DEFAULT 0,
  last_error  text
);

CREATE TABLE approval_requests (
  workflow_id uuid PRIMARY KEY REFERENCES workflows (id),
  approvers   text[] NOT NULL,
  quorum      integer NOT NULL CHECK (quorum >= 1),
  expires_at  timestamptz NOT NULL,
  -- canonical attestation JSON {payload, signature_b64, key_id, key_version}, written with the signature
  attestation text
);
CREATE INDEX approval_requests_expiry ON approval_requests (expires_at);

-- One decision per approver: the primary key makes a second approval by the same approver a no-op.
CREATE TABLE approval_decisions (
  workflow_id uuid NOT NULL REFERENCES approval_requests (workflow_id),
  approver    text NOT NULL,
  decision    text NOT NULL CHECK (decision IN ('approve', 'reject')),
  comment     text,
  decided_at  timestamptz NOT NULL,
  PRIMARY KEY (workflow_id, approver)
);

-- One row per package of a batch. item_workflow_id is chosen up front so a resumed batch signs under
-- the same id; evidence_hash is null for an item that failed validation.
CREATE TABLE batch_items (
  batch_id         uuid NOT NULL REFERENCES workflows (id),
  idx              integer NOT NULL,
  item_workflow_id uuid NOT NULL UNIQUE,
  evidence_hash    text REFERENCES evidence (hash),
  status           text NOT NULL CHECK (status IN ('pending', 'signed', 'failed')),
  error_code       text,
  error_message    text,
  error_field      text,
  PRIMARY KEY (batch_id, idx)
);

-- Transactional outbox: a notification commits with the transition that caused it, then a
-- dispatcher delivers it at least once.
CREATE TABLE webhook_outbox (
  id              bigserial PRIMARY KEY,
  workflow_id     uuid NOT NULL,
  event           text NOT NULL,
  url             text NOT NULL,
  body            text NOT NULL, -- exactly the bytes sent and signed, fixed at enqueue
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  delivered_at    timestamptz,
  gave_up_at      timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
