/**
 * `afdp-notary verify` and `trust-root` as a user runs them: files on disk, no network. Each exit
 * status (0 verified, 1 a check failed, 2 usage or input error) and each command is seen from a real
 * process (`cli`); the many variants of the same command run in this process (`here`, the bin's own
 * `run` and output lines), which spares some 25 Node starts.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { cliInProcess as here } from '../support/cli.js';
import { tempDir } from '../support/databases.js';
import { sign } from '../support/http.js';
import { fixtures, uniquePackage } from '../support/records.js';
import { startRekorV2Server } from '../support/rekor-v2-server.js';
import { CLI_JS } from '../support/service-process.js';

const ROOT = join(import.meta.dirname, '../..');

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_JS, ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 99) : 0, stdout, stderr });
    });
  });
}

const lines = (stdout: string) => stdout.trim().split('\n');
const flip = (b64: string) => {
  const buf = Buffer.from(b64, 'base64');
  buf[buf.length - 1]! ^= 1;
  return buf.toString('base64');
};

describe('afdp-notary verify', () => {
  let app: TestApp;
  const dir = tempDir();
  const file = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(value, null, 2));
    return path;
  };
  let signed: { workflow_id: string; status: string; receipt: Record<string, any> };
  let e: string, r: string, t: string;
  const pkg = uniquePackage('cli');

  beforeAll(async () => {
    app = await startTestApp();
    for (const p of Object.values(fixtures())) await sign(app.rest, p); // a proof with sibling hashes
    signed = (await sign(app.rest, pkg)).body;
    e = file('e.json', pkg);
    r = file('r.json', signed);
    t = file('t.json', (await app.rest.inject('/api/v1/trust-root')).json());
    await app.close(); // nothing left to ask: the CLI has only the three files
  });

  it('passes a genuine receipt (sign response or bare receipt; package bare or in a request body), one line per check, exit 0', async () => {
    const { code, stdout } = await cli('verify', '--evidence', e, '--receipt', r, '--trust-root', t);
    expect(code).toBe(0);
    const out = lines(stdout);
    for (const check of [
      'evidence hash',
      'signature',
      'log entry body',
      'SET',
      'inclusion proof',
      'checkpoint',
      'RFC 3161 timestamp',
      'key validity',
      'timestamp',
      'bundle',
    ]) {
      expect(
        out.some((l) => l.startsWith(`✓ ${check}: `)),
        `${check} in\n${stdout}`,
      ).toBe(true);
    }
    expect(out.at(-1)).toBe('receipt verified offline');
    expect(stdout).toContain(`✓ evidence hash: ${signed.receipt.evidence_package_hash}`);

    const bare = await here(
      'verify',
      '--evidence',
      file('req.json', { evidence_package: pkg }),
      '--receipt',
      file('bare.json', signed.receipt),
      '--trust-root',
      t,
      '--json',
    );
    expect(bare.code).toBe(0);
    const json = JSON.parse(bare.stdout);
    expect(json.ok).toBe(true);
    expect(json.checks.map((c: { status: string }) => c.status)).toEqual(Array(10).fill('pass'));
  });

  it('fails a tampered evidence file: hash, signature and log entry body', async () => {
    const tampered = file('e-tampered.json', { ...pkg, metadata: { ...pkg.metadata, gpu_count: 9 } });
    const { code, stdout } = await cli('verify', '--evidence', tampered, '--receipt', r, '--trust-root', t);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^✗ evidence hash: /m);
    expect(stdout).toMatch(/^✗ signature: /m);
    expect(stdout).toMatch(/^✗ log entry body: /m);
    expect(stdout).toMatch(/^✓ SET: /m);
    expect(lines(stdout).at(-1)).toBe('receipt NOT verified: 3 checks failed');
  });

  it('fails a tampered receipt: signature, proof, SET or bundle', async () => {
    const rc = signed.receipt;
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['sig', { signature_b64: flip(rc.signature_b64) }, /^✗ signature: /m],
      [
        'proof',
        { inclusion_proof: { ...rc.inclusion_proof, hashes: ['00'.repeat(32), ...rc.inclusion_proof.hashes.slice(1)] } },
        /^✗ inclusion proof: /m,
      ],
      ['set', { signed_entry_timestamp: flip(rc.signed_entry_timestamp) }, /^✗ SET: SET signature does not verify/m],
      ['tsa', { rfc3161_timestamp: flip(rc.rfc3161_timestamp) }, /^✗ RFC 3161 timestamp: /m],
      [
        'bundle',
        {
          bundle: {
            ...rc.bundle,
            messageSignature: { ...rc.bundle.messageSignature, signature: flip(rc.bundle.messageSignature.signature) },
          },
        },
        /^✗ bundle: bundle\.messageSignature\.signature differs from the receipt$/m,
      ],
    ];
    for (const [name, change, line] of cases) {
      const { code, stdout } = await here(
        'verify',
        '--evidence',
        e,
        '--receipt',
        file(`r-${name}.json`, { ...rc, ...change }),
        '--trust-root',
        t,
      );
      expect(code, name).toBe(1);
      expect(stdout, name).toMatch(line);
    }
  });

  it("fails under another notary's trust root: signature, SET and checkpoint", async () => {
    const other = await startTestApp();
    const wrong = file('t-other.json', (await other.rest.inject('/api/v1/trust-root')).json());
    await other.close();
    const { code, stdout } = await here('verify', '--evidence', e, '--receipt', r, '--trust-root', wrong);
    expect(code).toBe(1);
    for (const check of ['signature', 'SET', 'checkpoint', 'RFC 3161 timestamp']) expect(stdout).toMatch(new RegExp(`^✗ ${check}: `, 'm'));
  });

  it('accepts an older receipt without a bundle, and fails a receipt still pending anchoring', async () => {
    const { bundle: _, ...old } = signed.receipt;
    const legacy = await here('verify', '--evidence', e, '--receipt', file('r-old.json', old), '--trust-root', t);
    expect(legacy.code).toBe(0);
    expect(legacy.stdout).toMatch(/^- bundle: absent/m);

    const pending = {
      ...old,
      anchoring: 'pending',
      bundle: null,
      rekor_log_id: null,
      rekor_entry_uuid: null,
      integrated_time: null,
      log_index: null,
      inclusion_proof: null,
      signed_entry_timestamp: null,
      rekor_entry_body: null,
    };
    const p = await here('verify', '--evidence', e, '--receipt', file('r-pending.json', pending), '--trust-root', t);
    expect(p.code).toBe(1);
    expect(p.stdout).toMatch(/^✓ signature: /m);
    expect(p.stdout).toMatch(/^✗ transparency log: not anchored yet \(anchoring: pending\); fetch the receipt again once anchored/m);
  });

  it('judges the key version by the trusted time: valid before its rotation, refused after it', async () => {
    const trust = JSON.parse(readFileSync(t, 'utf8'));
    const at = Date.parse(signed.receipt.timestamped_at);
    const successor = (createdAt: number) => ({
      ...trust.signing_keys.at(-1),
      version: trust.signing_keys.at(-1).version + 1,
      created_at: new Date(createdAt).toISOString(),
    });
    const later = file('t-rotated-later.json', { ...trust, signing_keys: [...trust.signing_keys, successor(at + 3_600_000)] });
    const ok = await here('verify', '--evidence', e, '--receipt', r, '--trust-root', later);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^✓ key validity: key version \d+ \(rotated /m);
    // a successor created an hour before the signature was timestamped: the old key signed after its rotation
    const earlier = file('t-rotated-earlier.json', { ...trust, signing_keys: [...trust.signing_keys, successor(at - 3_600_000)] });
    const bad = await here('verify', '--evidence', e, '--receipt', r, '--trust-root', earlier);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^✗ key validity: RFC 3161 timestamp .* is after key version \d+ was rotated/m);
  });

  it("needs the trust root's timestamp authorities to accept the timestamp", async () => {
    const { timestamp_authorities: _, ...withoutTsa } = JSON.parse(readFileSync(t, 'utf8'));
    const { code, stdout } = await here('verify', '--evidence', e, '--receipt', r, '--trust-root', file('t-no-tsa.json', withoutTsa));
    expect(code).toBe(1);
    expect(stdout).toMatch(/^✗ RFC 3161 timestamp: signer: no trusted timestamp authority/m);
  });

  it('trust-root --sigstore exports a Sigstore trusted root and, with --keys-out, the signing keys by hint', async () => {
    const keysFile = join(dir, 'keys.json');
    const { code, stdout } = await cli('trust-root', '--trust-root', t, '--sigstore', '--keys-out', keysFile);
    expect(code).toBe(0);
    const root = JSON.parse(stdout);
    expect(root).toMatchObject({ mediaType: 'application/vnd.dev.sigstore.trustedroot.v0.2+json', certificateAuthorities: [], ctlogs: [] });
    expect(root.tlogs).toEqual([
      expect.objectContaining({ hashAlgorithm: 'SHA2_256', publicKey: expect.objectContaining({ keyDetails: 'PKIX_ECDSA_P256_SHA_256' }) }),
    ]);
    expect(root.timestampAuthorities[0].certChain.certificates).toHaveLength(2);
    const keys = JSON.parse(readFileSync(keysFile, 'utf8'));
    expect(Object.keys(keys)).toContain(signed.receipt.bundle.verificationMaterial.publicKey.hint);
    expect((await here('trust-root', '--trust-root', t)).stdout).toBe(`${JSON.stringify(JSON.parse(readFileSync(t, 'utf8')), null, 2)}\n`);
    for (const args of [
      ['trust-root'],
      ['trust-root', '--trust-root', t, '--url', 'http://x'],
      ['trust-root', '--trust-root', t, '--keys-out', keysFile],
      ['trust-root', '--trust-root', r],
    ]) {
      expect((await here(...args)).code, args.join(' ')).toBe(2);
    }
  });

  it('answers --help with exit 0, and usage or input errors with exit 2', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: afdp-notary verify --evidence');
    const usage = await cli('verify', '--evidence', e); // exit 2 from a real process once; the variants below in-process
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^afdp-notary: /);
    expect(usage.stdout).toBe('');
    const cases: string[][] = [
      [],
      ['verify', '--evidence', e],
      ['notarize', '--evidence', e, '--receipt', r, '--trust-root', t], // no such command (sign is one now, tested in cli-sign.test.ts)
      ['verify', '--evidence', e, '--receipt', r, '--trust-root', t, '--bogus'],
      ['verify', '--evidence', join(dir, 'missing.json'), '--receipt', r, '--trust-root', t],
      ['verify', '--evidence', e, '--receipt', t, '--trust-root', t],
      ['verify', '--evidence', e, '--receipt', r, '--trust-root', r],
    ];
    for (const args of cases) {
      const res = await here(...args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr, args.join(' ')).toMatch(/^afdp-notary: /);
      expect(res.stdout).toBe('');
    }
    writeFileSync(join(dir, 'not-json.json'), '{');
    expect((await here('verify', '--evidence', join(dir, 'not-json.json'), '--receipt', r, '--trust-root', t)).stderr).toMatch(
      /is not JSON/,
    );
  });
});

describe('afdp-notary verify, Rekor v2 receipts', () => {
  it('verifies one offline: 0.0.2 body, inclusion, checkpoint, RFC 3161 timestamp as the only time; refuses it without the timestamp', async () => {
    const rekor = await startRekorV2Server();
    const dir = tempDir();
    const file = (name: string, value: unknown) => {
      writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
      return join(dir, name);
    };
    const app = await startTestApp({
      REKOR_URL: rekor.url,
      REKOR_API_VERSION: '2',
      REKOR_PUBLIC_KEY_FILE: file('rekor.pub', rekor.publicKeyPem),
      REKOR_ORIGIN: rekor.origin,
    });
    const pkg = uniquePackage('cli-v2');
    let signed;
    let trust;
    try {
      signed = (await sign(app.rest, pkg)).body;
      trust = (await app.rest.inject('/api/v1/trust-root')).json();
    } finally {
      await app.close();
      await rekor.close();
    }
    const e = file('e.json', pkg);
    const t = file('t.json', trust);
    const { code, stdout } = await here('verify', '--evidence', e, '--receipt', file('r.json', signed), '--trust-root', t);
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/^✓ log entry body: /m);
    expect(stdout).not.toMatch(/SET/);
    expect(stdout).toMatch(/^✓ checkpoint: checkpoint signed by the log: rekor-v2\.loopback @ \d+/m);
    expect(stdout).toMatch(/^✓ key validity: .* was valid at RFC 3161 timestamp /m);
    const { rfc3161_timestamp: _, ...untimed } = signed.receipt;
    const bad = await here('verify', '--evidence', e, '--receipt', file('r-untimed.json', { ...untimed, bundle: null }), '--trust-root', t);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^✗ RFC 3161 timestamp: a Rekor v2 entry carries no time/m);
  }, 120_000);
});
