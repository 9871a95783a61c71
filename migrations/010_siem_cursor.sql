-- Audit events streamed to a SIEM (issue 22): per sink, the last audit_log.seq handed over, and a
-- lease so that one replica at a time streams (another takes over once the lease runs out).
CREATE TABLE siem_cursors (
  sink        text PRIMARY KEY,
  last_seq    bigint NOT NULL DEFAULT 0,
  leased_by   text,
  lease_until timestamptz,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
