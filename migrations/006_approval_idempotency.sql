-- Approval workflows requested under a caller-chosen idempotency key (the Pulsar door uses
-- 'pulsar:<event_id>'). The unique column makes a repeated request find the workflow it already
-- created instead of creating a second one, even when the caller died between the workflow's commit
-- and recording that it had asked. NULL for workflows requested without a key (unique allows many).
ALTER TABLE workflow_runs ADD COLUMN idempotency_key text UNIQUE;
