import type { EvidencePackage } from '../../core/evidence.js';
import { NotaryError } from '../../core/errors.js';
import { jsonToStruct, rfc3339ToTimestamp, structToJson, timestampToRfc3339 } from './struct.js';
import type { EvidencePackageMsg } from './wire.js';

/**
 * An EvidencePackage message → the JSON a REST caller would send for it, for the core to validate
 * and hash. Unset fields stay absent so the core names them ("… is required"); empty optional
 * strings are absent because proto3 cannot tell "" from unset.
 */
export function toRawPackage(msg: EvidencePackageMsg | undefined, path: string, maxDepth: number): Record<string, unknown> {
  if (!msg) throw new NotaryError('invalid_request', `${path}: is required`, { field: path });
  const raw: Record<string, unknown> = {};
  if (msg.spec_version) raw.spec_version = msg.spec_version;
  const timestamp = timestampText(msg, path);
  if (timestamp !== undefined) raw.timestamp_utc = timestamp;
  if (msg.event_type) raw.event_type = msg.event_type;
  if (msg.actor) {
    const { actor_type, id, auth_provider } = msg.actor;
    raw.actor = { actor_type, id, ...(auth_provider ? { auth_provider } : {}) };
  }
  raw.artifacts = (msg.artifacts ?? []).map(({ name, uri, hash_sha256 }) => ({ name, ...(uri ? { uri } : {}), hash_sha256 }));
  if (msg.metadata) raw.metadata = structToJson(msg.metadata, `${path}.metadata`, maxDepth);
  return raw;
}

function timestampText(msg: EvidencePackageMsg, path: string): string | undefined {
  if (msg.timestamp_utc && msg.timestamp_utc_rfc3339) {
    const field = `${path}.timestamp_utc_rfc3339`;
    throw new NotaryError('invalid_request', `${field}: set either timestamp_utc or timestamp_utc_rfc3339, not both`, { field });
  }
  if (msg.timestamp_utc) return timestampToRfc3339(msg.timestamp_utc, `${path}.timestamp_utc`);
  return msg.timestamp_utc_rfc3339 || undefined;
}

/**
 * For clients: a JSON evidence package (as sent over REST) → the message that hashes identically.
 * The timestamp goes as a Timestamp when that renders back to the very same text, otherwise as
 * timestamp_utc_rfc3339 verbatim (another offset, no fraction …), so no spelling changes the hash.
 */
export function toProtoPackage(pkg: EvidencePackage): EvidencePackageMsg {
  const msg: EvidencePackageMsg = {
    spec_version: pkg.spec_version,
    event_type: pkg.event_type,
    actor: pkg.actor,
    artifacts: pkg.artifacts,
  };
  const ts = safeTimestamp(pkg.timestamp_utc);
  if (ts && sameText(ts, pkg.timestamp_utc)) msg.timestamp_utc = ts;
  else msg.timestamp_utc_rfc3339 = pkg.timestamp_utc;
  if (pkg.metadata !== undefined) msg.metadata = jsonToStruct(pkg.metadata);
  return msg;
}

/** Whether the Timestamp renders back to exactly this text (out of Timestamp's range: it does not). */
function sameText(ts: ReturnType<typeof rfc3339ToTimestamp>, text: string): boolean {
  try {
    return timestampToRfc3339(ts, 'timestamp_utc') === text;
  } catch {
    return false;
  }
}

function safeTimestamp(text: string) {
  try {
    return rfc3339ToTimestamp(text);
  } catch {
    return undefined;
  }
}
