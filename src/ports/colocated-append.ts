/**
 * One notarization and the log entry that anchors it, committing together. Opaque to the core: it
 * hands the unit to `EvidenceStore.save` and `TransparencyLog.append`, and cancels it if one of
 * the two calls fails before handing its part over (the other would wait for it forever).
 */
export interface CommitUnit {
  cancel(reason: unknown): void;
}

/**
 * Port: "commit the anchor with the notarization". Wired by the composition root only where the
 * transparency log lives in the store's own database (the embedded log): the evidence, signature,
 * log leaf, anchor and audit row of a notarization then commit in one transaction, one per batch
 * of the group commit. Both `save` and `append` resolve once that transaction committed, and
 * both fail if it did not. Without it (Rekor) the core saves first and appends after: a signature
 * must be durable before an anchor that cannot be undone.
 */
export interface ColocatedAppend {
  open(): CommitUnit;
}
