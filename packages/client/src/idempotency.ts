import { randomUUID } from 'node:crypto';

/** A fresh Idempotency-Key (1–255 printable ASCII for the service): unique per logical sign call. */
export const newIdempotencyKey = (): string => `afdp-client-${randomUUID()}`;
