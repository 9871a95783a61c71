-- The embedded RFC 6962 transparency log: leaves, signed checkpoints and the log's own key.
CREATE TABLE log_leaves (
  idx             bigint PRIMARY KEY,
  leaf_hash       bytea NOT NULL UNIQUE,
  body            bytea NOT NULL,
  integrated_time bigint NOT NULL,
  set_signature   bytea NOT NULL
);

CREATE TABLE log_checkpoints (
  tree_size  bigint PRIMARY KEY,
  root_hash  bytea NOT NULL,
  note       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row: every replica must sign checkpoints with the same key, so it lives in the shared database,
-- sealed with the keyring's key-encryption key.
CREATE TABLE log_keys (
  id             integer PRIMARY KEY,
  public_key_pem text NOT NULL,
  sealed_private jsonb NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
