/**
 * An audit record as an RFC 5424 syslog message, framed for TLS transport by octet counting
 * (RFC 5425 §4.3: `MSG-LEN SP SYSLOG-MSG`). The chain fields travel twice: as structured data
 * (`[afdp@32473 seq= hash= prev_hash=]`, for SIEM field extraction) and in the JSON message, which
 * holds every hashed column exactly as stored, so the SIEM copy can be re-hashed and linked
 * (src/adapters/audit/chain.ts) and compared with the anchored heads.
 */
import type { AuditRecord } from '../audit/chain.js';

/** IANA's example enterprise number (RFC 5612), as the embedded TSA's default policy OID uses; SD-IDs need one. */
export const SD_ID = 'afdp@32473';
const BOM = '\uFEFF';

export interface SyslogOptions {
  facility: number;
  hostname: string;
  appName: string;
  procId: string;
}

// success: informational (6); denied or failed: warning (4) — what a SIEM rule looks at first
const severity = (r: AuditRecord) => (r.outcome === 'success' ? 6 : 4);

/** SD-PARAM values escape `"`, `\` and `]` (RFC 5424 §6.3.3). */
const sdValue = (v: string) => v.replace(/["\\\]]/g, (c) => `\\${c}`);

/** MSGID: up to 32 printable US-ASCII characters. */
const msgId = (event: string) => event.replace(/[^\x21-\x7e]/g, '_').slice(0, 32) || '-';

/** Every hashed column as stored (details as its RFC 8785 text): what a SIEM re-hashes. Both sinks send it. */
export const auditRecordJson = (r: AuditRecord): string =>
  JSON.stringify({
    seq: r.seq,
    at: r.at,
    event: r.event,
    outcome: r.outcome,
    principal: r.principal,
    details: r.details,
    prev_hash: r.prev_hash,
    hash: r.hash,
  });

export function toSyslogMessage(r: AuditRecord, o: SyslogOptions): string {
  const pri = o.facility * 8 + severity(r);
  const sd = `[${SD_ID} seq="${r.seq}" hash="${r.hash}" prev_hash="${r.prev_hash}" outcome="${sdValue(r.outcome)}"${r.principal === null ? '' : ` principal="${sdValue(r.principal)}"`}]`;
  return `<${pri}>1 ${r.at} ${o.hostname} ${o.appName} ${o.procId} ${msgId(r.event)} ${sd} ${BOM}${auditRecordJson(r)}`;
}

/** RFC 5425 octet-counting frame: the length is in bytes of the UTF-8 message. */
export function frame(message: string): Buffer {
  const bytes = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${bytes.length} `, 'ascii'), bytes]);
}
