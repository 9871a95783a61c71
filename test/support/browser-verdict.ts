/**
 * What "the console's verifier agrees with the offline CLI" means once receipts carry RFC 3161
 * timestamps, which the browser does not verify: the page's checks are the CLI's when the CLI trusts
 * no timestamp authority (so that both use the same trusted times: the log's integrated time), except
 * that the RFC 3161 row says "not checked in this browser" where that CLI says the authority is not
 * trusted; and the page's verdict is the CLI's (with the real trust root), except for a forgery of the
 * timestamp alone.
 */
import { expect } from 'vitest';
import type { Forgery } from './receipt-forgeries.js';

type Obj = Record<string, any>;
export interface Verdict {
  ok: boolean;
  checks: { check: string; status: string; detail: string }[];
  warnings: string[];
}

/** The trust root without its timestamp authorities. */
export const withoutTimestampAuthorities = (trust: Obj): Obj => ({ ...trust, timestamp_authorities: [] });

export function expectAgreement(f: Forgery, receipt: Obj, shown: Verdict, cli: Verdict, cliWithoutTsa: Verdict): void {
  const stamped = receipt.rfc3161_timestamp !== undefined && receipt.rfc3161_timestamp !== null;
  const expected = cliWithoutTsa.checks.map((c) =>
    stamped && c.check === 'RFC 3161 timestamp'
      ? { check: c.check, status: 'skip', detail: expect.stringMatching(/^not checked in this browser/) as unknown as string }
      : c,
  );
  expect(shown.checks).toEqual(expected);
  expect(shown.warnings).toEqual(cliWithoutTsa.warnings);
  expect(shown.ok).toBe(f.timestampOnly ? true : cli.ok);
  expect(cli.ok).toBe(f.valid);
}
