-- Issue #20: the evidence body (~3.3 KB of base64 ciphertext) and the anchor's LogEntry JSON
-- (~2.1 KB) stay in the heap row instead of going out of line. Past the default toast_tuple_target
-- (2032 B) each went to TOAST in two chunks, with a TOAST index entry per chunk: 6 more WAL records
-- and two more B-tree inserts per notarization, and a TOAST fetch on every read of either value.
-- pglz gained nothing on either (0 % compressed: ciphertext, and JSON made of base64 and hex), so
-- the compression attempt was wasted too. With the target at its maximum (the page's free space,
-- 8160 B) a row is left as it is until it no longer fits a page; a larger value (a body up to
-- NOTARY_MAX_BODY_BYTES) is still compressed or moved out of line as before. Like every storage
-- parameter it applies to rows written from now on: rows already in TOAST stay there and read
-- the same.
ALTER TABLE evidence SET (toast_tuple_target = 8160);
ALTER TABLE anchors SET (toast_tuple_target = 8160);
