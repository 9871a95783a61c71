-- RFC 3161 timestamps over signatures (embedded TSA or NOTARY_TSA_URL), and the embedded TSA's keys.

-- One timestamp per signature, the TSA's answer kept byte for byte: it is what verifiers check.
CREATE TABLE signature_timestamps (
  workflow_id uuid PRIMARY KEY REFERENCES signatures (workflow_id),
  tsa_url     text NOT NULL,        -- 'embedded' or the TSA's URL
  gen_time    timestamptz NOT NULL,
  response    text NOT NULL         -- base64 DER TimeStampResp
);

-- A signature whose timestamp is still to be fetched (the TSA could not be reached); the anchorer
-- retries. Rows written before timestamps existed, or with them turned off, wait for none.
ALTER TABLE signatures ADD COLUMN timestamp_pending boolean NOT NULL DEFAULT false;
CREATE INDEX signatures_untimestamped ON signatures (signed_at) WHERE timestamp_pending;

-- The embedded TSA: a root certificate and the TSA signing certificates it issued, private keys
-- sealed with the keyring's key-encryption key like the log key. Rotated TSA certificates stay:
-- the trust root lists each with the period it signed in, so old timestamps keep verifying.
CREATE TABLE tsa_keys (
  id              integer PRIMARY KEY,
  role            text NOT NULL CHECK (role IN ('root', 'tsa')),
  issuer_id       integer REFERENCES tsa_keys (id),
  certificate_pem text NOT NULL,
  sealed_private  jsonb NOT NULL,
  created_at      timestamptz NOT NULL
);
