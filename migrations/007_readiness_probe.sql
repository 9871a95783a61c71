-- /ready commits a write here: a database that answers SELECT 1 but cannot commit (disk full,
-- read-only after a failover, out of transaction ids) must not be reported ready.
CREATE TABLE readiness_probe (
  id        int PRIMARY KEY CHECK (id = 1),
  probed_at timestamptz NOT NULL
);
