-- Issue #20: one index entry less per notarization. Every query on evidence.created_at (the
-- listing, newest first, and retention's oldest unpurged bodies) filters body_purged_at IS NULL,
-- so one partial index ordered like the listing serves both (retention scans it backwards);
-- a purged row leaves it, as it left evidence_unpurged_created.
CREATE INDEX evidence_unpurged_listing ON evidence (created_at DESC, hash DESC) WHERE body_purged_at IS NULL;
DROP INDEX evidence_created;
DROP INDEX evidence_unpurged_created;
