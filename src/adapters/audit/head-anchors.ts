/**
 * Signed, logged audit heads: what makes the chain tamper-evident against someone who can write the
 * database. A writer can recompute every hash after an edit, but cannot sign the result with the
 * notary's key nor remove the statement from the transparency log.
 */
import { createPublicKey } from 'node:crypto';
import canonicalize from 'canonicalize';
import { verifiesWithKey } from '../../core/signature.js';
import { expectedAnchor, signBytes } from '../../core/signing.js';
import { describeFailures, entryIsValid, verifyLogEntry } from '../../core/transparency/index.js';
import type { KeySigner } from '../../ports/key-signer.js';
import type { LogEntry, TransparencyLog } from '../../ports/transparency-log.js';
import type { SqlClient, SqlQueryable } from '../db/sql-client.js';
import { readAuditHead } from './chain-writer.js';

export const AUDIT_HEAD_TYPE = 'afdp-notary/audit-head/v1';

/** A statement about the audit chain, signed with the notary's key and logged in the transparency log. */
export interface SignedStatement {
  /** RFC 8785 JSON: the bytes signed and logged */
  statement: string;
  signature: string; // base64 DER
  keyId: string;
  keyVersion: number;
  logUrl: string;
  entry: LogEntry;
}

/** The columns audit_anchors and audit_chain_starts share for a signed statement, in this order. */
export const SIGNED_STATEMENT_COLUMNS = 'statement, signature, key_id, key_version, log_url, entry';

export interface SignedStatementRow {
  statement: string;
  signature: string;
  key_id: string;
  key_version: number;
  log_url: string;
  entry: string;
}

/** Query parameters for SIGNED_STATEMENT_COLUMNS. */
export function signedStatementParams(s: SignedStatement): unknown[] {
  return [s.statement, s.signature, s.keyId, s.keyVersion, s.logUrl, JSON.stringify(s.entry)];
}

export function signedStatementOf(r: SignedStatementRow): SignedStatement {
  return {
    statement: r.statement,
    signature: r.signature,
    keyId: r.key_id,
    keyVersion: Number(r.key_version),
    logUrl: r.log_url,
    entry: JSON.parse(r.entry) as LogEntry,
  };
}

export interface AuditAnchor extends SignedStatement {
  seq: number;
  headHash: string;
}

/** Signs `statement` with the notary's key and appends the signature to the transparency log. */
export async function signAndLog(signer: KeySigner, log: TransparencyLog, statement: string): Promise<SignedStatement> {
  const { sig, anchor: request } = await signBytes(signer, Buffer.from(statement, 'utf8'));
  const entry = await log.append(request);
  return {
    statement,
    signature: sig.signature.toString('base64'),
    keyId: sig.keyId,
    keyVersion: sig.keyVersion,
    logUrl: (await log.info()).url,
    entry,
  };
}

export function headStatement(seq: number, headHash: string, at: string): string {
  return canonicalize({ type: AUDIT_HEAD_TYPE, seq, head_hash: headHash, at })!;
}

/**
 * Signs the committed head with the notary's key and logs the signature, unless it is already
 * anchored. Returns the anchor written, or undefined when there was nothing new. A replica racing
 * another on the same head loses quietly (the first row stays; its log entry is still valid).
 */
export async function anchorAuditHead(
  db: SqlClient,
  signer: KeySigner,
  log: TransparencyLog,
  now = new Date(),
): Promise<AuditAnchor | undefined> {
  const head = await readAuditHead(db);
  if (!head) return undefined;
  const { rows } = await db.query<{ seq: string | null }>('SELECT max(seq)::text AS seq FROM audit_anchors');
  if (rows[0]?.seq != null && Number(rows[0].seq) >= head.seq) return undefined;
  const statement = headStatement(head.seq, head.hash, now.toISOString());
  const anchor: AuditAnchor = { seq: head.seq, headHash: head.hash, ...(await signAndLog(signer, log, statement)) };
  await db.query(
    `INSERT INTO audit_anchors (seq, head_hash, ${SIGNED_STATEMENT_COLUMNS})
     VALUES ($1::bigint, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (seq) DO NOTHING`,
    [anchor.seq, anchor.headHash, ...signedStatementParams(anchor)],
  );
  return anchor;
}

/** Every anchor, in seq order; with `seq`, only that one. */
export async function readAnchors(db: SqlQueryable, seq?: number): Promise<AuditAnchor[]> {
  const { rows } = await db.query<SignedStatementRow & { seq: string; head_hash: string }>(
    // ORDER BY the table's column: the output column seq is text ("10" sorts before "5")
    `SELECT seq::text, head_hash, ${SIGNED_STATEMENT_COLUMNS} FROM audit_anchors
      ${seq === undefined ? '' : 'WHERE seq = $1::bigint'} ORDER BY audit_anchors.seq`,
    seq === undefined ? [] : [seq],
  );
  return rows.map((r) => ({ seq: Number(r.seq), headHash: r.head_hash, ...signedStatementOf(r) }));
}

/** The keys an anchor is checked with: the notary's signing keys by version and the log's key. */
export interface AnchorTrust {
  signingKey(version: number): string | undefined;
  logPublicKeyPem: string;
  /** the log's checkpoint key name (a Rekor v2 log's Ed25519 key ID commits to it) */
  logKeyName?: string;
}

/** Why an anchor is not genuine (its statement, signature or log entry), or undefined when it is. */
export function anchorForgery(anchor: AuditAnchor, trust: AnchorTrust): string | undefined {
  let statement: { type?: unknown; seq?: unknown; head_hash?: unknown };
  try {
    statement = JSON.parse(anchor.statement) as typeof statement;
  } catch {
    return 'its statement is not JSON';
  }
  if (statement.type !== AUDIT_HEAD_TYPE || statement.seq !== anchor.seq || statement.head_hash !== anchor.headHash) {
    return 'its statement does not name this seq and head';
  }
  return signatureForgery(anchor, trust);
}

/** Why a signed statement is not the notary's (its signature or its log entry), or undefined when it is. */
export function signatureForgery(signed: SignedStatement, trust: AnchorTrust): string | undefined {
  const pem = trust.signingKey(signed.keyVersion);
  if (!pem) return `key version ${signed.keyVersion} is not in the trust root`;
  const bytes = Buffer.from(signed.statement, 'utf8');
  const signature = Buffer.from(signed.signature, 'base64');
  if (!verifiesWithKey(bytes, pem, signature)) return "its signature does not verify with the notary's key";
  const checks = verifyLogEntry(signed.entry, createPublicKey(trust.logPublicKeyPem), expectedAnchor(bytes, pem, signature), {
    keyName: trust.logKeyName,
  });
  return entryIsValid(checks) ? undefined : `its transparency-log entry does not verify (${describeFailures(checks)})`;
}
