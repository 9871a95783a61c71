-- The embedded RFC 6962 transparency log: leaves, signed checkpoints and the log's own key.
CREATE TABLE log_leaves (
  idx             bigint PRIMARY KEY,
  leaf_hash       text NOT NULL UNIQUE, -- hex; also the entry uuid
  body            text NOT NULL,        -- canonical hashedrekord JSON
  integrated_time bigint NOT NULL,
  set_signature   text NOT NULL         -- base64
);

CREATE TABLE log_checkpoints (
  tree_size  bigint PRIMARY KEY,
  root_hash  text NOT NULL, -- hex
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
