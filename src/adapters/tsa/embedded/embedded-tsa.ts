/**
 * The embedded default TSA: timestamps each signature in-process (no network, well under a
 * millisecond) with its own key and certificate chain, kept in the database like the log key.
 * Its certificates are published in the trust root, each with the period it signed in.
 */
import { createHash } from 'node:crypto';
import type { SignedTimestamp, TimestampAuthority, TimestampAuthorityInfo } from '../../../ports/timestamp-authority.js';
import type { SqlClient } from '../../db/sql-client.js';
import { issueTimestampResponse } from './issue.js';
import { currentTsaKey, loadTsaKeys, renewalTime, type TsaKey, type TsaKeyPolicy } from './tsa-keys.js';

export interface EmbeddedTsaOptions {
  db: SqlClient;
  kek: Buffer;
  /** names the certificates: `<name> TSA root`, `<name> TSA` */
  name: string;
  /** the TSA policy OID its tokens name */
  policy: string;
  now?: () => Date;
  tsaYears?: number;
  rootYears?: number;
  renewBeforeDays?: number;
}

export const EMBEDDED_TSA_URL = 'embedded';

/** Replicas look for another one's rotation this often … */
const REFRESH_MS = 10 * 60_000;
/** … so a replaced certificate stays trusted this long after its successor appeared. */
export const ROTATION_OVERLAP_MS = 60 * 60_000;

export class EmbeddedTsa implements TimestampAuthority {
  readonly backend = 'embedded';
  private keys: TsaKey[] = [];
  private renewAt = new Date(0);
  private refreshedAt = 0;
  private refreshing?: Promise<void>;
  private readonly policy: TsaKeyPolicy;

  private constructor(private readonly options: EmbeddedTsaOptions) {
    const { name, tsaYears, rootYears, renewBeforeDays } = options;
    this.policy = { name, tsaYears, rootYears, renewBeforeDays, now: options.now ?? (() => new Date()) };
  }

  static async open(options: EmbeddedTsaOptions): Promise<EmbeddedTsa> {
    const tsa = new EmbeddedTsa(options);
    await tsa.refresh();
    return tsa;
  }

  async timestamp(signature: Buffer): Promise<SignedTimestamp> {
    const now = this.policy.now();
    if (now >= this.renewAt || now.getTime() - this.refreshedAt > REFRESH_MS) await this.refresh();
    const key = currentTsaKey(this.keys);
    const response = issueTimestampResponse(
      { privateKey: key.privateKey, certificate: key.certificate, policy: this.options.policy },
      { sha256: createHash('sha256').update(signature).digest(), certReq: true },
      now,
    );
    return { response, genTime: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(), tsaUrl: EMBEDDED_TSA_URL };
  }

  async authorities(): Promise<TimestampAuthorityInfo[]> {
    const tsas = this.keys.filter((k) => k.role === 'tsa');
    return tsas.map((k, i) => {
      const root = this.keys.find((r) => r.id === k.issuerId)!;
      const next = tsas[i + 1];
      return {
        url: EMBEDDED_TSA_URL,
        certChainPem: [k.certificate.toString(), root.certificate.toString()],
        // in use from its creation until its successor's, plus the time other replicas take to notice
        validFor: {
          start: k.certificate.validFromDate.toISOString(),
          ...(next && { end: new Date(next.createdAt.getTime() + ROTATION_OVERLAP_MS).toISOString() }),
        },
      };
    });
  }

  /** A new TSA certificate now (normally automatic, a year before the current one expires). */
  async rotate(): Promise<void> {
    const current = currentTsaKey(this.keys).id;
    this.loaded(await loadTsaKeys(this.options.db, this.options.kek, this.policy, current));
  }

  async close(): Promise<void> {}

  private loaded(keys: TsaKey[]): void {
    this.keys = keys;
    this.renewAt = renewalTime(keys, this.policy);
    this.refreshedAt = this.policy.now().getTime();
  }

  /** Picks up a rotation (ours, or another replica's); concurrent callers share one. */
  private refresh(): Promise<void> {
    this.refreshing ??= loadTsaKeys(this.options.db, this.options.kek, this.policy)
      .then((keys) => this.loaded(keys))
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
