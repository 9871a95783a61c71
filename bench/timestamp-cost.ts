/**
 * What RFC 3161 timestamps cost on the CPU, per signature: issuing a token with the embedded TSA
 * (every notarization, on the main thread, by default), building a request for a remote TSA, and
 * verifying a token (a remote TSA's answer; /validate and the CLI for every receipt). Medians of
 * --runs runs of --iterations each, in µs.
 *   npx tsx bench/timestamp-cost.ts [--runs 5] [--iterations 500]
 */
import { createHash, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { issueTimestampResponse } from '../src/adapters/tsa/embedded/issue.js';
import { generateP256KeyPair } from '../src/core/keys.js';
import { timestampRequest, verifyTimestamp } from '../src/core/timestamp/index.js';
import { benchTsaKey } from './tsa-key.js';
import { median } from './stats.js';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' }, iterations: { type: 'string', default: '500' } } });
const runs = Number(args.runs),
  iterations = Number(args.iterations);

const now = new Date();
const { key, rootCert, tsaCert } = benchTsaKey(now);
const signature = sign('sha256', Buffer.from('evidence'), generateP256KeyPair().privateKey);
const embedded = issueTimestampResponse(key, { sha256: createHash('sha256').update(signature).digest(), certReq: true }, now);
const embeddedAuthority = [{ name: 'embedded', chain: [tsaCert, rootCert], validFor: { start: new Date(0) } }];

const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/sigstore-rekor-v2/bundle.sigstore.json', import.meta.url), 'utf8'));
const trusted = JSON.parse(readFileSync(new URL('../test/fixtures/sigstore-rekor-v2/trusted_root.json', import.meta.url), 'utf8'));
const sigstoreToken = Buffer.from(fixture.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp, 'base64');
const sigstoreSignature = Buffer.from(fixture.messageSignature.signature, 'base64');
const sigstoreAuthority = trusted.timestampAuthorities.map((a: any) => ({
  name: a.uri,
  chain: a.certChain.certificates.map((c: any) => new X509Certificate(Buffer.from(c.rawBytes, 'base64'))),
  validFor: { start: new Date(a.validFor.start) },
}));

function measure(name: string, fn: () => unknown): void {
  for (let i = 0; i < Math.min(iterations, 100); i++) fn(); // warm up
  const perRun: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    perRun.push(((performance.now() - t) * 1000) / iterations);
  }
  console.log(`${name}: ${median(perRun).toFixed(0)} µs (runs: ${perRun.map((x) => x.toFixed(0)).join(', ')})`);
}

measure('embedded TSA: issue a token', () =>
  issueTimestampResponse(key, { sha256: createHash('sha256').update(signature).digest(), certReq: true }, new Date()),
);
measure('remote TSA: build a request', () => timestampRequest(signature));
measure('verify an embedded-TSA token', () => verifyTimestamp(embedded, signature, embeddedAuthority));
measure('verify a timestamp.sigstage.dev token', () => verifyTimestamp(sigstoreToken, sigstoreSignature, sigstoreAuthority));
