/** An RFC 3161 timestamp over one signature, as the TSA answered it. */
export interface SignedTimestamp {
  /** DER TimeStampResp (what Sigstore bundles keep as rfc3161Timestamps[].signedTimestamp) */
  response: Buffer;
  /** the token's genTime, RFC 3339 */
  genTime: string;
  /** who issued it: `embedded`, or the TSA's URL */
  tsaUrl: string;
}

/** What a verifier must trust for one TSA certificate: its chain and the period it was in use. */
export interface TimestampAuthorityInfo {
  url: string;
  /** PEM certificates, the TSA's signing certificate first and the root last */
  certChainPem: string[];
  validFor: { start: string; end?: string };
}

/** Port: timestamps signatures (the embedded TSA, or any RFC 3161 service such as Sigstore's). */
export interface TimestampAuthority {
  readonly backend: 'embedded' | 'rfc3161';
  /** Timestamps the signature bytes (message imprint = SHA-256 of them); the answer is verified before it is returned. */
  timestamp(signature: Buffer): Promise<SignedTimestamp>;
  /** Every certificate chain its timestamps verify with, oldest first: rotated ones stay listed. */
  authorities(): Promise<TimestampAuthorityInfo[]>;
  close(): Promise<void>;
}
