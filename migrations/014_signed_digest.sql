-- Issue #22 (Suite B): a P-384 key signs SHA-384 of the canonical bytes, not the SHA-256 that is the
-- evidence hash. The digest it signed is kept with the signature, so the anchorer can log a pending
-- signature with the right hashedrekord digest. NULL for SHA-256 signatures: their digest is the
-- evidence hash. Written once with the row, like every other column of a signature.
ALTER TABLE signatures ADD COLUMN digest_algorithm text;
ALTER TABLE signatures ADD COLUMN digest_hex text;
ALTER TABLE signatures ADD CONSTRAINT signatures_digest_form CHECK (
  (digest_algorithm IS NULL AND digest_hex IS NULL)
  OR (digest_algorithm = 'sha384' AND digest_hex ~ '^[0-9a-f]{96}$'));
