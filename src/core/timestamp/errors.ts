/** Why a timestamp was refused; stable codes for tests and the CLI's JSON. */
export type TimestampErrorCode =
  | 'malformed' // not a TimeStampResp / token of the expected shape
  | 'status' // the TSA did not grant the request
  | 'imprint' // the message imprint is not the hash of this signature
  | 'nonce' // the nonce is not the one we sent
  | 'signer' // no trusted authority has the signer's certificate
  | 'attributes' // contentType / messageDigest / ESS signing-certificate attributes missing or wrong
  | 'signature' // the TSA's signature over the signed attributes does not verify
  | 'chain' // the signer's certificate does not chain to the authority's root, or is not for timestamping
  | 'validity'; // genTime outside a certificate's or the authority's validity

export class TimestampError extends Error {
  constructor(
    readonly code: TimestampErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TimestampError';
  }
}
