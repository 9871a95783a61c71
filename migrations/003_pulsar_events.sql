-- Pulsar door: one row per pipeline event_id that reached a final outcome (signed, or items refused).
-- A redelivered or re-sent event finds its row and re-publishes the stored messages instead of signing
-- again. Signing itself is made exactly-once by the idempotency key 'pulsar:<event_id>' (table
-- idempotency_keys), which also covers a crash between storing the evidence and writing this row.
-- result is text, not jsonb: it is re-published byte for byte (jsonb would reorder keys), and it is
-- never queried inside.
CREATE TABLE pulsar_events (
  event_id        text PRIMARY KEY,
  workflow_type   text NOT NULL,
  workflow_id     uuid,            -- simple_sign: the workflow that signed; null for batch_sign
  evidence_hashes text[] NOT NULL, -- per item, null where the item was refused
  result          text NOT NULL,   -- JSON array of {topic, payload, properties} as first published
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pulsar_events_created ON pulsar_events (created_at);
