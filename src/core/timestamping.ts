/**
 * The timestamping step of the pipeline: an RFC 3161 timestamp over each signature right after it
 * is made, or — when the TSA cannot be reached — 'pending', stored with the signature and fetched
 * later by the anchorer, exactly once (like anchoring). Without a TSA, signatures get none.
 */
import type { Logger } from '../ports/clock.js';
import type { EvidenceStore } from '../ports/evidence-store.js';
import type { SignedTimestamp, TimestampAuthority, TimestampAuthorityInfo } from '../ports/timestamp-authority.js';
import { noopTracer, type Tracer } from '../ports/tracer.js';
import { certificatesFromPem, type TrustedTimestampAuthority } from './timestamp/index.js';

export class Timestamping {
  private cached?: { key: string; authorities: TrustedTimestampAuthority[] };

  constructor(
    private readonly tsa: TimestampAuthority | undefined,
    private readonly store: Pick<EvidenceStore, 'saveTimestamp' | 'pendingTimestamps'>,
    private readonly logger: Logger,
    private readonly tracer: Tracer = noopTracer,
  ) {}

  /** The timestamp for a fresh signature: made now, 'pending' if the TSA failed, undefined without a TSA. */
  async stamp(signature: Buffer): Promise<SignedTimestamp | 'pending' | undefined> {
    if (!this.tsa) return undefined;
    try {
      return await this.tracer.span('notary.timestamp', () => this.tsa!.timestamp(signature));
    } catch (err) {
      this.logger.warn({ err }, 'timestamping deferred: will retry');
      return 'pending';
    }
  }

  /** Timestamps signatures left pending. Returns how many succeeded; stops at the first failure. */
  async runPending(limit = 100): Promise<number> {
    if (!this.tsa) return 0;
    let done = 0;
    for (const p of await this.store.pendingTimestamps(limit)) {
      let timestamp: SignedTimestamp;
      try {
        timestamp = await this.tsa.timestamp(p.signature);
      } catch (err) {
        this.logger.warn({ err, workflowId: p.workflowId }, 'timestamping deferred: will retry');
        break; // the TSA is still failing: the next round retries
      }
      await this.store.saveTimestamp(p.workflowId, timestamp);
      done++;
    }
    return done;
  }

  authorities(): Promise<TimestampAuthorityInfo[]> {
    return this.tsa ? this.tsa.authorities() : Promise.resolve([]);
  }

  /** The same authorities as verification trust material (reused until they change: parsing certificates costs). */
  async trusted(): Promise<TrustedTimestampAuthority[]> {
    const infos = await this.authorities();
    const key = JSON.stringify(infos);
    if (this.cached?.key !== key) this.cached = { key, authorities: toTrustedAuthorities(infos) };
    return this.cached.authorities;
  }
}

export function toTrustedAuthorities(infos: readonly TimestampAuthorityInfo[]): TrustedTimestampAuthority[] {
  return infos.map((a) => ({
    name: a.url,
    chain: certificatesFromPem(a.certChainPem.join('\n')),
    validFor: { start: new Date(a.validFor.start), ...(a.validFor.end && { end: new Date(a.validFor.end) }) },
  }));
}
