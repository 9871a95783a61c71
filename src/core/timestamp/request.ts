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
  // a positive INTEGER in minimal DER: a first byte of 0x00 before one below 0x80 is a padding byte
  // strict DER parsers refuse (openssl ts rejected 1 request in 256; Go's encoding/asn1, which
  // Sigstore's timestamp-authority parses with, refuses such an INTEGER); 0x01–0x7f keeps it
  // positive, minimal, and 16 bytes long
  nonce[0] = nonce[0]! & 0x7f || 1;
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
