-- Issue #20: evidence_kek_live (migration 013) ran once per inserted row: a PL/pgSQL call and a
-- lookup in evidence_kek_retired for every notarization of a group-commit batch (0.86 ms of a
-- 63-row batch statement). An INSERT is now checked once per statement, over the rows it inserted
-- (a transition table), with the same error and SQLSTATE; the whole statement fails, as it did when
-- one row's trigger raised. An UPDATE that changes a row's wrapping (re-wrap, seal) keeps the
-- per-row check: a trigger with a column list cannot have a transition table.
CREATE FUNCTION afdp_evidence_kek_live_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  stale record;
BEGIN
  SELECT i.body_kek, i.body_kek_version INTO stale FROM inserted i
    JOIN evidence_kek_retired r ON r.kek_id = i.body_kek AND r.version = i.body_kek_version
   WHERE i.body_wrapped_key IS NOT NULL LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'afdp-notary: evidence KEK % v% is retired: no body may be wrapped by it', stale.body_kek, stale.body_kek_version
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER evidence_kek_live ON evidence;
CREATE TRIGGER evidence_kek_live BEFORE UPDATE OF body_kek, body_kek_version, body_wrapped_key ON evidence
  FOR EACH ROW WHEN (NEW.body_wrapped_key IS NOT NULL) EXECUTE FUNCTION afdp_evidence_kek_live();
CREATE TRIGGER evidence_kek_live_inserted AFTER INSERT ON evidence REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION afdp_evidence_kek_live_inserted();
