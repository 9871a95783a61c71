-- Issue #22: evidence bodies encrypted at rest (envelope encryption, AES-256-GCM) and retention.
-- The clear columns that queries need (hash, event type, actor, artifact hashes, times) stay; the
-- body (the canonical bytes) moves to `body`: ciphertext under a per-row data key, itself wrapped
-- by a versioned key-encryption key (body_kek, body_kek_version). Rows written before this
-- migration keep `canonical` and are read as they are until `afdp-notary rewrap` seals them.
ALTER TABLE evidence ALTER COLUMN canonical DROP NOT NULL;
ALTER TABLE evidence ADD COLUMN body_kek text;
ALTER TABLE evidence ADD COLUMN body_kek_version integer;
-- base64 iv|tag|ciphertext of the data key (AAD: KEK id, version, hash) and of the canonical bytes (AAD: hash)
ALTER TABLE evidence ADD COLUMN body_wrapped_key text;
ALTER TABLE evidence ADD COLUMN body text;
ALTER TABLE evidence ADD COLUMN body_purged_at timestamptz;
ALTER TABLE evidence ADD CONSTRAINT evidence_body_form CHECK (
  (body_purged_at IS NOT NULL AND canonical IS NULL AND body IS NULL AND body_wrapped_key IS NULL)
  OR (body_purged_at IS NULL AND (canonical IS NOT NULL OR (body IS NOT NULL AND body_wrapped_key IS NOT NULL AND body_kek IS NOT NULL AND body_kek_version IS NOT NULL))));
-- retention: the oldest bodies not yet purged
CREATE INDEX evidence_unpurged_created ON evidence (created_at) WHERE body_purged_at IS NULL;

-- Migration 009 refused every UPDATE of evidence. Three changes are now let through, and only
-- these; every other column (hash, the clear fields, created_at) stays final, DELETE and TRUNCATE
-- stay refused:
--  * re-wrap: only the data key's wrapping (body_kek, body_kek_version, body_wrapped_key) changes;
--  * seal: a row written in clear before this migration gets its ciphertext and loses `canonical`;
--  * purge: the body and its wrapped key are removed for good and body_purged_at is set; a purged
--    row cannot come back.
-- None of them can put readable different content under a hash: a reader opens the body with
-- AES-GCM (AAD = the hash) and checks that its SHA-256 is the hash, which is signed and logged.
CREATE FUNCTION afdp_evidence_body_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  body_cols text[] := ARRAY['canonical', 'body_kek', 'body_kek_version', 'body_wrapped_key', 'body', 'body_purged_at'];
BEGIN
  IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - body_cols) = (to_jsonb(OLD) - body_cols) THEN
    IF OLD.body_purged_at IS NULL AND OLD.body IS NOT NULL AND NEW.body IS NOT DISTINCT FROM OLD.body
       AND NEW.canonical IS NOT DISTINCT FROM OLD.canonical AND NEW.body_purged_at IS NULL THEN
      RETURN NEW; -- re-wrap
    END IF;
    IF OLD.canonical IS NOT NULL AND OLD.body IS NULL AND NEW.canonical IS NULL AND NEW.body IS NOT NULL AND NEW.body_purged_at IS NULL THEN
      RETURN NEW; -- seal a row written in clear
    END IF;
    IF OLD.body_purged_at IS NULL AND NEW.body_purged_at IS NOT NULL THEN
      RETURN NEW; -- purge (the CHECK constraint makes it remove the body and its key)
    END IF;
  END IF;
  RAISE EXCEPTION 'afdp-notary: % on % refused: only a re-wrap, a seal or a purge of the body may change an evidence row', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege', HINT = 'rows of this table are never changed or deleted';
END
$$;
DROP TRIGGER evidence_append_only ON evidence;
CREATE TRIGGER evidence_append_only BEFORE UPDATE OR DELETE ON evidence FOR EACH ROW EXECUTE FUNCTION afdp_evidence_body_change();
ALTER TABLE evidence ENABLE ALWAYS TRIGGER evidence_append_only;
