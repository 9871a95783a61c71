-- Issue #16: what the notary has signed, logged or audited can no longer be changed or removed by
-- a statement: UPDATE, DELETE and TRUNCATE are refused by the database itself on the append-only
-- tables. The triggers fire ALWAYS, also with session_replication_role = replica (the usual way to
-- skip triggers); only DDL (ALTER TABLE … DISABLE TRIGGER, DROP TRIGGER) by the table's owner or a
-- superuser removes them, and what such a writer can still do is detected instead: the signed,
-- anchored audit heads (audit_anchors) and the embedded log's self-check.

-- Refuses the change unless the only columns it touches are the ones named as trigger arguments.
CREATE FUNCTION afdp_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_NARGS > 0 AND (to_jsonb(NEW) - TG_ARGV) = (to_jsonb(OLD) - TG_ARGV) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'afdp-notary: % on % refused: the table is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege', HINT = 'rows of this table are never changed or deleted';
END
$$;

-- Every column of these rows is final once written.
CREATE TRIGGER evidence_append_only BEFORE UPDATE OR DELETE ON evidence FOR EACH ROW EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER anchors_append_only BEFORE UPDATE OR DELETE ON anchors FOR EACH ROW EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER log_leaves_append_only BEFORE UPDATE OR DELETE ON log_leaves FOR EACH ROW EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE ON log_checkpoints FOR EACH ROW EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER log_keys_append_only BEFORE UPDATE OR DELETE ON log_keys FOR EACH ROW EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER approval_decisions_append_only BEFORE UPDATE OR DELETE ON approval_decisions FOR EACH ROW EXECUTE FUNCTION afdp_append_only();
-- The embedded TSA's certificates and sealed keys: rotation adds rows, old ones stay (old timestamps verify).
CREATE TRIGGER tsa_keys_append_only BEFORE UPDATE OR DELETE ON tsa_keys FOR EACH ROW EXECUTE FUNCTION afdp_append_only();
-- A timestamp is the TSA's answer kept byte for byte: written once (ON CONFLICT DO NOTHING), never changed.
CREATE TRIGGER signature_timestamps_append_only BEFORE UPDATE OR DELETE ON signature_timestamps FOR EACH ROW EXECUTE FUNCTION afdp_append_only();
-- A signature is final; only the state of what is filled in later moves: anchored once logged,
-- timestamp_pending cleared once its timestamp is stored (migration 008).
CREATE TRIGGER signatures_append_only BEFORE UPDATE OR DELETE ON signatures FOR EACH ROW EXECUTE FUNCTION afdp_append_only('anchored', 'timestamp_pending');

-- The audit chain's head, signed with the notary's key and anchored in the transparency log at
-- intervals: a database writer who rewrites, deletes or cuts audit rows cannot produce a matching
-- signature (`afdp-notary audit verify` checks every row against these heads).
CREATE TABLE audit_anchors (
  seq         bigint PRIMARY KEY,   -- the audit row whose hash is the head signed
  head_hash   text NOT NULL,
  statement   text NOT NULL,        -- RFC 8785 JSON of {type, seq, head_hash, at}: what was signed and logged
  signature   text NOT NULL,        -- base64 DER ECDSA P-256 over the statement, by the notary's signing key
  key_id      text NOT NULL,
  key_version integer NOT NULL,
  log_url     text NOT NULL,
  entry       text NOT NULL,        -- the transparency-log entry (LogEntry JSON, inclusion proof and checkpoint)
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER audit_anchors_append_only BEFORE UPDATE OR DELETE ON audit_anchors FOR EACH ROW EXECUTE FUNCTION afdp_append_only();

CREATE TRIGGER evidence_no_truncate BEFORE TRUNCATE ON evidence FOR EACH STATEMENT EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER signatures_no_truncate BEFORE TRUNCATE ON signatures FOR EACH STATEMENT EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER anchors_no_truncate BEFORE TRUNCATE ON anchors FOR EACH STATEMENT EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER log_leaves_no_truncate BEFORE TRUNCATE ON log_leaves FOR EACH STATEMENT EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON log_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER log_keys_no_truncate BEFORE TRUNCATE ON log_keys FOR EACH STATEMENT EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_anchors FOR EACH STATEMENT EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER approval_decisions_no_truncate BEFORE TRUNCATE ON approval_decisions FOR EACH STATEMENT EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER tsa_keys_no_truncate BEFORE TRUNCATE ON tsa_keys FOR EACH STATEMENT EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER signature_timestamps_no_truncate BEFORE TRUNCATE ON signature_timestamps FOR EACH STATEMENT EXECUTE FUNCTION afdp_append_only();

-- ALWAYS: they fire under session_replication_role = replica too.
ALTER TABLE evidence ENABLE ALWAYS TRIGGER evidence_append_only;
ALTER TABLE anchors ENABLE ALWAYS TRIGGER anchors_append_only;
ALTER TABLE log_leaves ENABLE ALWAYS TRIGGER log_leaves_append_only;
ALTER TABLE log_checkpoints ENABLE ALWAYS TRIGGER log_checkpoints_append_only;
ALTER TABLE log_keys ENABLE ALWAYS TRIGGER log_keys_append_only;
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_append_only;
ALTER TABLE approval_decisions ENABLE ALWAYS TRIGGER approval_decisions_append_only;
ALTER TABLE signatures ENABLE ALWAYS TRIGGER signatures_append_only;
ALTER TABLE audit_anchors ENABLE ALWAYS TRIGGER audit_anchors_append_only;
ALTER TABLE evidence ENABLE ALWAYS TRIGGER evidence_no_truncate;
ALTER TABLE signatures ENABLE ALWAYS TRIGGER signatures_no_truncate;
ALTER TABLE anchors ENABLE ALWAYS TRIGGER anchors_no_truncate;
ALTER TABLE log_leaves ENABLE ALWAYS TRIGGER log_leaves_no_truncate;
ALTER TABLE log_checkpoints ENABLE ALWAYS TRIGGER log_checkpoints_no_truncate;
ALTER TABLE log_keys ENABLE ALWAYS TRIGGER log_keys_no_truncate;
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_truncate;
ALTER TABLE audit_anchors ENABLE ALWAYS TRIGGER audit_anchors_no_truncate;
ALTER TABLE approval_decisions ENABLE ALWAYS TRIGGER approval_decisions_no_truncate;
ALTER TABLE tsa_keys ENABLE ALWAYS TRIGGER tsa_keys_append_only;
ALTER TABLE tsa_keys ENABLE ALWAYS TRIGGER tsa_keys_no_truncate;
ALTER TABLE signature_timestamps ENABLE ALWAYS TRIGGER signature_timestamps_append_only;
ALTER TABLE signature_timestamps ENABLE ALWAYS TRIGGER signature_timestamps_no_truncate;

-- Issue #16, attack 9: approval and batch workflows created under an Idempotency-Key remember what
-- was asked (SHA-256 of the request's canonical form), so a repeat with another body is refused.
ALTER TABLE workflow_runs ADD COLUMN request_hash text;
