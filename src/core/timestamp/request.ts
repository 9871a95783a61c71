/** RFC 3161 TimeStampReq for one signature: SHA-256 imprint, a fresh nonce, certReq set. */
import { createHash, randomBytes } from 'node:crypto';
import { OctetString } from '@peculiar/asn1-schema';
import { MessageImprint, TimeStampReq } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { der, OID } from './asn1.js';

export interface TimestampRequest {
  der: Buffer;
  nonce: bigint;
}

export function timestampRequest(signature: Uint8Array): TimestampRequest {
  const nonce = randomBytes(16);
  nonce[0]! &= 0x7f; // a positive INTEGER
  return {
    der: der(
      new TimeStampReq({
        version: 1,
        messageImprint: new MessageImprint({
          hashAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256 }),
          hashedMessage: new OctetString(createHash('sha256').update(signature).digest()),
        }),
        nonce: nonce.buffer.slice(nonce.byteOffset, nonce.byteOffset + nonce.byteLength) as ArrayBuffer,
        certReq: true,
      }),
    ),
    nonce: BigInt(`0x${nonce.toString('hex')}`),
  };
}
