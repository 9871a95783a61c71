-- Issue #22: audit-row retention. Rows older than NOTARY_RETENTION_AUDIT_DAYS may be purged, but
-- only behind a new, verifiable start of the chain: a "chain start" statement {first_seq, prev_hash,
-- purged_rows, purged_through, …} signed with the notary's signing key and logged in the
-- transparency log like the heads in audit_anchors. `afdp-notary audit verify` checks the chain from
-- the newest start instead of from genesis. The transparency log and audit_anchors are never purged.
CREATE TABLE audit_chain_starts (
  first_seq      bigint PRIMARY KEY,   -- the first row kept: every row below it was purged
  prev_hash      text NOT NULL,        -- hash of the last purged row (seq first_seq - 1), an anchored head
  purged_rows    bigint NOT NULL,      -- rows purged before first_seq, in all purges so far (first_seq - 1)
  purged_through timestamptz NOT NULL, -- `at` of the last purged row
  statement      text NOT NULL,        -- RFC 8785 JSON: what was signed and logged
  signature      text NOT NULL,        -- base64 DER ECDSA over the statement, by the notary's signing key
  key_id         text NOT NULL,
  key_version    integer NOT NULL,
  log_url        text NOT NULL,
  entry          text NOT NULL,        -- the transparency-log entry (LogEntry JSON, inclusion proof and checkpoint)
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- A chain start is final, like an anchored head.
CREATE TRIGGER audit_chain_starts_append_only BEFORE UPDATE OR DELETE ON audit_chain_starts FOR EACH ROW EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER audit_chain_starts_no_truncate BEFORE TRUNCATE ON audit_chain_starts FOR EACH STATEMENT EXECUTE FUNCTION afdp_append_only();
ALTER TABLE audit_chain_starts ENABLE ALWAYS TRIGGER audit_chain_starts_append_only;
ALTER TABLE audit_chain_starts ENABLE ALWAYS TRIGGER audit_chain_starts_no_truncate;

-- A new start must rest on the chain as it is: it moves forward, it sits right after a head that
-- was signed and anchored (so every purged row is covered by an anchored head), the row there is
-- still present with that hash, the newest row stays (the purge's own audit row follows the
-- start), and no SIEM destination's cursor is behind it (no event is purged before it was
-- streamed). The database cannot check the signature: `audit verify --trust-root` does. This check
-- is not ALWAYS: a restore (session_replication_role = replica) loads starts whose rows are gone.
CREATE FUNCTION afdp_audit_chain_start_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.first_seq <= (SELECT coalesce(max(first_seq), 1) FROM audit_chain_starts) OR NEW.purged_rows <> NEW.first_seq - 1 THEN
    RAISE EXCEPTION 'afdp-notary: an audit chain start only moves forward, past every row it purges' USING ERRCODE = 'check_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM audit_anchors WHERE seq = NEW.first_seq - 1 AND head_hash = NEW.prev_hash)
     OR NOT EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.first_seq - 1 AND hash = NEW.prev_hash AND at = NEW.purged_through) THEN
    RAISE EXCEPTION 'afdp-notary: audit rows are purged only up to a signed, anchored head of the chain' USING ERRCODE = 'check_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM audit_log WHERE seq >= NEW.first_seq) THEN
    RAISE EXCEPTION 'afdp-notary: the newest audit row is never purged' USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM siem_cursors WHERE last_seq < NEW.first_seq - 1) THEN
    RAISE EXCEPTION 'afdp-notary: a SIEM destination has not received the audit rows to purge' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_chain_starts_check BEFORE INSERT ON audit_chain_starts FOR EACH ROW EXECUTE FUNCTION afdp_audit_chain_start_check();

-- Migration 009 refused every DELETE of audit_log. Now exactly one is let through: a row below the
-- newest chain start (the retention purge). UPDATE and TRUNCATE stay refused, also under
-- session_replication_role = replica.
CREATE FUNCTION afdp_audit_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.seq < (SELECT coalesce(max(first_seq), 0) FROM audit_chain_starts) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'afdp-notary: % on % refused: only rows below a signed chain start may be purged', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege', HINT = 'rows of this table are never changed or deleted';
END
$$;
DROP TRIGGER audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION afdp_audit_log_change();
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_append_only;
