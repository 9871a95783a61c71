/**
 * Any RFC 3161 timestamp authority over HTTP (RFC 3161 §3.4: POST application/timestamp-query,
 * answer application/timestamp-reply), Sigstore's timestamp-authority included. Each answer is
 * verified before use: granted, imprint = SHA-256 of our signature, our nonce, the TSA's
 * certificate in the token (certReq), ESS signing-certificate, and its chain to the pinned one.
 */
import { X509Certificate } from 'node:crypto';
import { NotaryError } from '../../../core/errors.js';
import {
  certificatesFromPem,
  timestampRequest,
  TimestampError,
  verifyTimestamp,
  type TrustedTimestampAuthority,
} from '../../../core/timestamp/index.js';
import type { SignedTimestamp, TimestampAuthority, TimestampAuthorityInfo } from '../../../ports/timestamp-authority.js';
import { guard } from '../../http/guard.js';
import { HttpClient } from '../../http/http-client.js';

export interface HttpTsaOptions {
  /** where timestamp queries are POSTed, e.g. https://timestamp.sigstore.dev/api/v1/timestamp */
  url: string;
  /** PEM chain, TSA certificate first. Absent: fetched once from `<url>/certchain` (Sigstore's TSA) and logged. */
  certChainPem?: string;
  timeoutMs?: number;
  retries?: number;
  retryBaseDelayMs?: number;
  fetch?: typeof fetch;
  logger?: { info(obj: object, msg: string): void };
}

export class HttpTsa implements TimestampAuthority {
  readonly backend = 'rfc3161';
  private readonly http: HttpClient;
  private chain?: Promise<TrustedTimestampAuthority>;

  constructor(private readonly options: HttpTsaOptions) {
    const { url, timeoutMs, retries, retryBaseDelayMs } = options;
    this.http = new HttpClient({
      baseUrl: url,
      timeoutMs: timeoutMs ?? 5_000,
      retries: retries ?? 1,
      retryBaseDelayMs,
      fetch: options.fetch,
    });
    if (options.certChainPem) this.chain = Promise.resolve(toAuthority(options.url, options.certChainPem));
  }

  async timestamp(signature: Buffer): Promise<SignedTimestamp> {
    const authority = await this.authority();
    const request = timestampRequest(signature);
    const res = await guard('reach the TSA', () =>
      this.http.send('POST', '', { bytes: request.der, contentType: 'application/timestamp-query' }, 'application/timestamp-reply'),
    );
    if (!Buffer.isBuffer(res.body))
      throw new NotaryError(
        'internal',
        `the TSA answered ${res.headers.get('content-type') ?? 'no content type'}, not application/timestamp-reply`,
      );
    try {
      const verified = verifyTimestamp(res.body, signature, [authority], { nonce: request.nonce, requireCertificate: true });
      return { response: res.body, genTime: verified.genTime.toISOString(), tsaUrl: this.options.url };
    } catch (err) {
      if (err instanceof TimestampError)
        throw new NotaryError('internal', `the TSA's answer failed verification (${err.code}): ${err.message}`, { cause: err });
      throw err;
    }
  }

  async authorities(): Promise<TimestampAuthorityInfo[]> {
    const a = await this.authority();
    return [{ url: this.options.url, certChainPem: a.chain.map((c) => c.toString()), validFor: { start: a.validFor.start.toISOString() } }];
  }

  async close(): Promise<void> {}

  private authority(): Promise<TrustedTimestampAuthority> {
    this.chain ??= guard('fetch the TSA certificate chain', () =>
      this.http.request('GET', '/certchain', undefined, 'application/pem-certificate-chain'),
    ).then((res) => {
      const a = toAuthority(this.options.url, String(res.body));
      this.options.logger?.info(
        { url: this.options.url, tsa: a.chain[0]!.subject.replace(/\n/g, ', '), fingerprint256: a.chain[0]!.fingerprint256 },
        'TSA certificate chain fetched (not pinned)',
      );
      return a;
    });
    this.chain.catch(() => (this.chain = undefined)); // a failed fetch is tried again next time
    return this.chain;
  }
}

/** Trusted from the TSA certificate's notBefore: the chain is what the operator pinned. */
function toAuthority(url: string, pem: string): TrustedTimestampAuthority {
  let chain: X509Certificate[];
  try {
    chain = certificatesFromPem(pem);
  } catch (err) {
    throw new NotaryError('internal', `the TSA certificate chain is not PEM certificates: ${(err as Error).message}`, { cause: err });
  }
  return { name: url, chain, validFor: { start: chain[0]!.validFromDate } };
}
