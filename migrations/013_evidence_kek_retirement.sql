-- Issue #22: retired evidence KEK versions (`afdp-notary rewrap --retire-old`). Their key material
-- is destroyed in the keyring; this table remembers which (KEK id, version) pairs are gone, so the
-- database refuses a body wrapped by one: a process that sealed a body with an old version just
-- before the retirement cannot commit a row nobody could open any more (it fails, it is not lost).
CREATE TABLE evidence_kek_retired (
  kek_id     text NOT NULL,
  version    integer NOT NULL,
  retired_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kek_id, version)
);
CREATE TRIGGER evidence_kek_retired_append_only BEFORE UPDATE OR DELETE ON evidence_kek_retired FOR EACH ROW EXECUTE FUNCTION afdp_append_only();
CREATE TRIGGER evidence_kek_retired_no_truncate BEFORE TRUNCATE ON evidence_kek_retired FOR EACH STATEMENT EXECUTE FUNCTION afdp_append_only();
ALTER TABLE evidence_kek_retired ENABLE ALWAYS TRIGGER evidence_kek_retired_append_only;
ALTER TABLE evidence_kek_retired ENABLE ALWAYS TRIGGER evidence_kek_retired_no_truncate;

CREATE FUNCTION afdp_evidence_kek_live() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM evidence_kek_retired WHERE kek_id = NEW.body_kek AND version = NEW.body_kek_version) THEN
    RAISE EXCEPTION 'afdp-notary: evidence KEK % v% is retired: no body may be wrapped by it', NEW.body_kek, NEW.body_kek_version
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
-- only rows that carry a wrapped key call it: a clear or purged row costs nothing
CREATE TRIGGER evidence_kek_live BEFORE INSERT OR UPDATE OF body_kek, body_kek_version, body_wrapped_key ON evidence
  FOR EACH ROW WHEN (NEW.body_wrapped_key IS NOT NULL) EXECUTE FUNCTION afdp_evidence_kek_live();
