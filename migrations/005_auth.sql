-- Authentication, RBAC and the audit trail.

-- Who submitted, as authenticated (the package's own actor is kept as claimed). NULL: anonymous
-- (auth off) or written before this migration. On evidence: who first submitted this package.
ALTER TABLE workflows ADD COLUMN submitted_by text;
ALTER TABLE evidence ADD COLUMN submitted_by text;

-- API keys: only the SHA-256 of the key is stored (the key is 256 random bits: no stretching needed);
-- the key itself is shown once, at creation. Revoked keys stay for the audit trail.
CREATE TABLE api_keys (
  id         uuid PRIMARY KEY,
  name       text NOT NULL,
  roles      text[] NOT NULL,
  key_hash   text NOT NULL UNIQUE, -- hex; the lookup key of every authenticated request
  hint       text NOT NULL,        -- first characters of the key, to recognise it in a list
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text,
  revoked_at timestamptz,
  revoked_by text
);

-- Append-only, hash-chained audit trail: hash = SHA-256 of the RFC 8785 form of the other columns,
-- prev_hash = the previous row's hash (64 zeros for seq 1). Appends hold an advisory lock, so
-- concurrent replicas cannot fork the chain; `npx tsx src/cli/audit-verify.ts` walks it.
CREATE TABLE audit_log (
  seq       bigint PRIMARY KEY,
  at        timestamptz NOT NULL,
  event     text NOT NULL,
  outcome   text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  principal text,
  details   text NOT NULL, -- RFC 8785 JSON, hashed as stored
  prev_hash text NOT NULL,
  hash      text NOT NULL
);
CREATE INDEX audit_log_event ON audit_log (event, seq DESC);
CREATE INDEX audit_log_principal ON audit_log (principal, seq DESC);
