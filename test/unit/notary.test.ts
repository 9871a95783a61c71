/**
 * The Notary pipeline (validate → canonicalize → hash → sign → store → anchor) through its ports,
 * over in-memory fakes of those ports: what a caller gets back and what ends up stored and logged
 * when each dependency works, fails or is down.
 */
import { createHash, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { NotaryError } from '../../src/core/errors.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { Notary, type NotaryDeps } from '../../src/core/notary.js';
import type { Receipt } from '../../src/core/receipt.js';
import { MemoryLog, MemorySigner, MemoryStore, outage } from '../support/port-fakes.js';
import { uniquePackage } from '../support/records.js';

const NOW = new Date('2026-12-02T03:00:00.000Z');
const silent = { info: () => {}, warn: () => {}, error: () => {} };

function setup(over: Partial<NotaryDeps> = {}) {
  const clock = { now: () => NOW };
  const signer = new MemorySigner('ecdsa-p256', clock);
  const log = new MemoryLog(clock);
  const store = new MemoryStore();
  let n = 0;
  const notary = new Notary({
    signer,
    log,
    store,
    logger: silent,
    limits: DEFAULT_LIMITS,
    clock,
    ids: { next: () => `wf-${++n}` },
    idempotencyWaitMs: 1_000,
    ...over,
  });
  return { notary, signer, log, store };
}

/** Signing waits until the returned function is called: a request kept in flight. */
function holdSigning(signer: MemorySigner): () => void {
  let release!: () => void;
  signer.hold = new Promise<void>((r) => {
    release = r;
  });
  return release;
}

const sha = (hash: string, bytes: Uint8Array | string) => createHash(hash).update(bytes).digest('hex');
const canonicalBytes = (pkg: unknown) => Buffer.from(canonicalize(pkg)!);
const publicKeyOf = (receipt: Receipt) => Buffer.from(receipt.public_key_b64, 'base64').toString();
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (err: unknown) => (err instanceof NotaryError ? err.code : `untyped: ${String(err)}`),
  );

describe('Notary.notarize', () => {
  it('signs the SHA-256 of the RFC 8785 bytes, stores package, signature and audit row, and anchors that signature', async () => {
    const { notary, log, store } = setup();
    const pkg = uniquePackage('happy');
    const { receipt, workflow, replayed } = await notary.notarize(pkg, { principal: 'jwt:alice', audit: { door: 'rest' } });

    const bytes = canonicalBytes(pkg);
    expect(replayed).toBe(false);
    expect(receipt).toMatchObject({
      workflow_id: 'wf-1',
      evidence_package_hash: sha('sha256', bytes),
      key_id: 'memory-key',
      key_version: 1,
      signed_at: NOW.toISOString(),
      anchoring: 'anchored',
      log_index: 0,
      rekor_server_url: log.url,
    });
    expect(verify('sha256', bytes, publicKeyOf(receipt), Buffer.from(receipt.signature_b64, 'base64'))).toBe(true);
    expect(workflow).toMatchObject({ id: 'wf-1', type: 'simple_sign', status: 'completed', submitted_by: 'jwt:alice' });

    // the log was handed exactly the signature and digest the receipt carries
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]!.request).toEqual({
      digestHex: receipt.evidence_package_hash,
      signature: Buffer.from(receipt.signature_b64, 'base64'),
      publicKeyPem: publicKeyOf(receipt),
    });
    expect(receipt.rekor_entry_uuid).toBe(log.entries[0]!.entry.uuid);

    expect(store.kept.get('wf-1')!.record.evidence.canonical.equals(bytes)).toBe(true);
    expect(store.audit).toEqual([
      {
        event: 'evidence.created',
        outcome: 'success',
        principal: 'jwt:alice',
        details: { door: 'rest', workflow_id: 'wf-1', evidence_package_hash: receipt.evidence_package_hash },
      },
    ]);
    // the receipt is what the store says, later as now
    expect(await notary.getReceipt('wf-1')).toEqual(receipt);
    expect((await notary.getEvidence(receipt.evidence_package_hash)).workflow_ids).toEqual(['wf-1']);
  });

  it('with a P-384 key: signs and logs the SHA-384 digest, and the anchorer later logs the same one', async () => {
    const signer = new MemorySigner('ecdsa-p384', { now: () => NOW });
    const { notary, log } = setup({ signer });
    log.failure = outage('log');
    const pkg = uniquePackage('p384');
    const { receipt } = await notary.notarize(pkg);
    expect(receipt.anchoring).toBe('pending');
    expect(verify('sha384', canonicalBytes(pkg), publicKeyOf(receipt), Buffer.from(receipt.signature_b64, 'base64'))).toBe(true);

    log.failure = null;
    expect(await notary.anchorPending()).toBe(1);
    expect(log.entries.map((e) => e.request)).toEqual([
      {
        digestHex: sha('sha384', canonicalBytes(pkg)),
        hashAlgorithm: 'sha384',
        signature: Buffer.from(receipt.signature_b64, 'base64'),
        publicKeyPem: publicKeyOf(receipt),
      },
    ]);
  });

  it('refuses a package that is not AFDP evidence with a typed input error and stores nothing', async () => {
    const { notary, store, log } = setup();
    const err = await notary.notarize({ spec_version: '1.0.0' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotaryError);
    expect(['invalid_request', 'validation_failed']).toContain((err as NotaryError).code);
    expect((err as NotaryError).field).toBeTruthy();
    expect(store.kept.size + log.entries.length).toBe(0);
  });
});

describe('Notary idempotency', () => {
  it('replays the first result for the same key and body: one signature, one log entry', async () => {
    const { notary, store, log } = setup();
    const pkg = uniquePackage('idem');
    const first = await notary.notarize(pkg, { idempotencyKey: 'k-1' });
    const again = await notary.notarize(structuredClone(pkg), { idempotencyKey: 'k-1' });
    expect(again.replayed).toBe(true);
    expect(again.receipt).toEqual(first.receipt);
    expect([store.kept.size, log.entries.length]).toEqual([1, 1]);

    const other = await notary.notarize(pkg, { idempotencyKey: 'k-2' });
    expect(other.replayed).toBe(false);
    expect(other.receipt.workflow_id).not.toBe(first.receipt.workflow_id);
  });

  it('refuses the same key with another body (idempotency_mismatch) and keeps nothing of it', async () => {
    const { notary, store } = setup();
    await notary.notarize(uniquePackage('idem-a'), { idempotencyKey: 'k-1' });
    expect(await codeOf(notary.notarize(uniquePackage('idem-b'), { idempotencyKey: 'k-1' }))).toBe('idempotency_mismatch');
    expect([...store.kept.keys()]).toEqual(['wf-1']);
  });

  it('answers conflict to a duplicate while the first request is still signing, then replays its result', async () => {
    const { notary, signer } = setup({ idempotencyWaitMs: 30 });
    const release = holdSigning(signer);
    const pkg = uniquePackage('in-flight');
    const first = notary.notarize(pkg, { idempotencyKey: 'k-1' });
    expect(await codeOf(notary.notarize(pkg, { idempotencyKey: 'k-1' }))).toBe('conflict');
    release();
    const done = await first;
    const replay = await notary.notarize(pkg, { idempotencyKey: 'k-1' });
    expect([replay.replayed, replay.receipt]).toEqual([true, done.receipt]);
  });
});

describe('Notary when a dependency fails', () => {
  it('a failing signer: its typed error reaches the caller, nothing is stored or logged, the key is free again', async () => {
    const { notary, signer, store, log } = setup();
    signer.failure = outage('vault');
    const pkg = uniquePackage('signer-down');
    expect(await codeOf(notary.notarize(pkg, { idempotencyKey: 'k-1' }))).toBe('unavailable');
    expect([store.kept.size, store.audit.length, log.entries.length]).toEqual([0, 0, 0]);

    signer.failure = null;
    const retried = await notary.notarize(pkg, { idempotencyKey: 'k-1' });
    expect([retried.replayed, retried.receipt.anchoring]).toEqual([false, 'anchored']);
  });

  it('a failing store: unavailable, no audit row, and nothing anchored (an anchor cannot be undone)', async () => {
    const { notary, store, log } = setup();
    store.saveFailure = outage('database');
    const pkg = uniquePackage('store-down');
    expect(await codeOf(notary.notarize(pkg, { idempotencyKey: 'k-1' }))).toBe('unavailable');
    expect([store.kept.size, store.audit.length, log.entries.length]).toEqual([0, 0, 0]);

    store.saveFailure = null;
    expect((await notary.notarize(pkg, { idempotencyKey: 'k-1' })).replayed).toBe(false);
  });

  it('a log that failed its self-check: unavailable before anything is signed or stored', async () => {
    const { notary, log, store } = setup();
    log.unwritable = new NotaryError('unavailable', 'the transparency log failed its integrity check');
    expect(await codeOf(notary.notarize(uniquePackage('unwritable')))).toBe('unavailable');
    expect([store.kept.size, log.entries.length]).toEqual([0, 0]);
  });

  it('a log that is down: the signature is acknowledged and stored pending, and the anchorer anchors it exactly once', async () => {
    const { notary, log, store } = setup();
    log.failure = outage('log');
    const { receipt } = await notary.notarize(uniquePackage('log-down'));
    expect(receipt).toMatchObject({ anchoring: 'pending', log_index: null, rekor_entry_uuid: null, bundle: null });
    expect(store.kept.has(receipt.workflow_id)).toBe(true);

    expect(await notary.anchorPending()).toBe(0); // still down: nothing anchored, nothing lost
    log.failure = null;
    expect(await notary.anchorPending()).toBe(1);
    expect(await notary.anchorPending()).toBe(0);
    const anchored = await notary.getReceipt(receipt.workflow_id);
    expect(anchored).toMatchObject({ anchoring: 'anchored', log_index: 0, signature_b64: receipt.signature_b64 });
    expect(log.entries.map((e) => e.request.signature.toString('base64'))).toEqual([receipt.signature_b64]);
  });

  it('?wait=anchored: a log that comes back within the bound anchors before the answer', async () => {
    const { notary, log } = setup();
    log.failure = outage('log');
    const back = setTimeout(() => {
      log.failure = null;
    }, 120);
    const { receipt } = await notary.notarize(uniquePackage('wait'), { waitAnchoredMs: 5_000 });
    clearTimeout(back);
    expect(receipt.anchoring).toBe('anchored');
    expect(log.entries).toHaveLength(1);
  });
});

describe('Notary.settled (shutdown)', () => {
  const within = <T>(ms: number, promise: Promise<T>) =>
    Promise.race([promise, new Promise<'still waiting'>((r) => setTimeout(r, ms, 'still waiting'))]);

  it('waits for every notarization begun, whatever its outcome', async () => {
    const { notary, signer } = setup();
    const release = holdSigning(signer);
    const running = notary.notarize(uniquePackage('settle'));
    const settled = notary.settled();
    expect(await within(50, settled)).toBe('still waiting');
    release();
    await settled;
    expect((await running).receipt.anchoring).toBe('anchored');
  });

  it('?wait=anchored with the log down: answers pending at once instead of waiting out its bound', async () => {
    const { notary, log, store } = setup();
    log.failure = outage('log');
    const waiting = notary.notarize(uniquePackage('wait-at-close'), { waitAnchoredMs: 30_000 });
    await new Promise((r) => setTimeout(r, 100)); // stored, now retrying the anchor
    expect(await within(2_000, notary.settled())).toBeUndefined();
    const { receipt } = await waiting;
    expect(receipt.anchoring).toBe('pending'); // durable: the anchorer of the next start anchors it
    expect(store.kept.has(receipt.workflow_id)).toBe(true);
  });

  it('a duplicate under an Idempotency-Key stops waiting for its first request once shutdown begins: unavailable (retry)', async () => {
    const { notary, signer } = setup({ idempotencyWaitMs: 30_000 });
    const release = holdSigning(signer);
    const pkg = uniquePackage('dup-at-close');
    const first = notary.notarize(pkg, { idempotencyKey: 'k-1' });
    const duplicate = codeOf(notary.notarize(pkg, { idempotencyKey: 'k-1' }));
    await new Promise((r) => setTimeout(r, 20)); // polling for the first's receipt
    const settled = notary.settled();
    expect(await within(2_000, duplicate)).toBe('unavailable');
    release();
    await settled;
    expect((await first).replayed).toBe(false);
  });
});

describe('Notary.validate', () => {
  it('accepts its own receipt offline and refuses it for a changed package or a forged signature', async () => {
    const { notary } = setup();
    const pkg = uniquePackage('validate');
    const { receipt } = await notary.notarize(pkg);
    const ok = await notary.validate(pkg, receipt);
    expect([
      ok.is_valid,
      ok.validation_result.signature_valid,
      ok.validation_result.evidence_hash_valid,
      ok.validation_result.rekor_entry_valid,
    ]).toEqual([true, true, true, true]);

    const changed = await notary.validate({ ...pkg, actor: { ...pkg.actor, id: 'mallory' } }, receipt);
    expect([changed.is_valid, changed.validation_result.evidence_hash_valid]).toEqual([false, false]);
    const other = (await notary.notarize(uniquePackage('validate-other'))).receipt;
    const forged = await notary.validate(pkg, { ...receipt, signature_b64: other.signature_b64 });
    expect([forged.is_valid, forged.validation_result.signature_valid]).toEqual([false, false]);
  });

  it('a receipt that is not an object is an invalid_request', async () => {
    const { notary } = setup();
    expect(await codeOf(notary.validate(uniquePackage('v'), 'receipt'))).toBe('invalid_request');
  });
});

describe('Notary reads', () => {
  it('unknown workflow, receipt and evidence are not_found', async () => {
    const { notary } = setup();
    expect(await codeOf(notary.getWorkflow('nope'))).toBe('not_found');
    expect(await codeOf(notary.getReceipt('nope'))).toBe('not_found');
    expect(await codeOf(notary.getEvidence('00'.repeat(32)))).toBe('not_found');
  });

  it('dependencies() names the one that is down, without its cause', async () => {
    const { notary, log } = setup();
    log.failure = new NotaryError('unavailable', 'connect ECONNREFUSED 10.0.0.7:3000 token=s3cret');
    const health = await notary.dependencies();
    expect(health.map((d) => [d.name, d.healthy, d.error])).toEqual([
      ['store', true, null],
      ['signer', true, null],
      ['transparency_log', false, 'transparency_log is not answering'],
    ]);
    expect(await codeOf(notary.ready())).toBe('unavailable');
  });
});
