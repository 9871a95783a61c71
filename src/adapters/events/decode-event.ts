import { NotaryError } from '../../core/errors.js';
import { parseIJson } from '../../core/ijson.js';
import { storableText } from '../../core/integrity.js';
import { DEFAULT_LIMITS, parseDepth } from '../../core/limits.js';
import { decodeApproval } from './decode-approval.js';
import type { EventPriority, EventVariant, PipelineActor, PipelineEvent, WorkflowKind } from './messages.js';

type Obj = Record<string, unknown>;

const EVENT_KEYS = new Set([
  'event_id',
  'event_type',
  'timestamp',
  'source',
  'actor',
  'artifacts',
  'metadata',
  'trace_id',
  'span_id',
  'priority',
  'workflow_config',
  'evidence_packages',
]);
const PRIORITIES: readonly EventPriority[] = ['low', 'normal', 'high', 'critical'];
const WORKFLOWS: readonly WorkflowKind[] = ['simple_sign', 'approval_sign', 'batch_sign'];
/** AFDP's required fields of each event_type variant (serde rejects a variant without them) */
const VARIANT_FIELDS: Record<string, { strings: string[]; lists?: string[] }> = {
  model_deployment: { strings: ['model_id', 'version', 'environment', 'strategy'] },
  data_pipeline: { strings: ['pipeline_id', 'run_id'], lists: ['data_sources', 'outputs'] },
  inference: { strings: ['model_id', 'request_id', 'input_hash', 'prediction_hash'] },
  compliance: { strings: ['check_type', 'status', 'audit_ref'] },
};
const CUSTOM_NAME_RE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export const MAX_EVENT_ID_LENGTH = 256;
export const MAX_BATCH_ITEMS = 1000;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (field: string, message: string) => new NotaryError('invalid_request', `${field}: ${message}`, { field });

/**
 * Bytes → PipelineEvent. The bytes go through the same strict I-JSON parser as REST bodies (no
 * duplicate names, no lone surrogates, no unsafe integers, UTF-8 only): its refusals are validation
 * errors, dead-lettered at once. Checks the envelope only; the evidence it maps to is validated by
 * the core. Unknown top-level fields are refused, as the REST door refuses them: a producer must not
 * believe a field was signed when it was not.
 */
export function decodeEvent(data: Buffer, maxDepth = parseDepth(DEFAULT_LIMITS)): PipelineEvent {
  const value = parse(data, maxDepth);
  if (!isObject(value)) throw bad('event', 'must be a JSON object');
  for (const key of Object.keys(value)) if (!EVENT_KEYS.has(key)) throw bad(`event.${key}`, 'is not a field of PipelineEvent');
  const event_id = str(value, 'event_id');
  if (event_id.length > MAX_EVENT_ID_LENGTH) throw bad('event.event_id', `at most ${MAX_EVENT_ID_LENGTH} characters`);
  storableText(event_id, 'event.event_id'); // the ledger's key and the idempotency key
  const metadata = value.metadata ?? {};
  if (!isObject(metadata)) throw bad('event.metadata', 'must be a JSON object');
  if (!Array.isArray(value.artifacts)) throw bad('event.artifacts', 'is required and must be an array');
  const event: PipelineEvent = {
    event_id,
    event_type: variant(value.event_type),
    timestamp: str(value, 'timestamp'),
    source: str(value, 'source'),
    actor: actor(value.actor),
    artifacts: value.artifacts as PipelineEvent['artifacts'], // item shape: checked by the core on the mapped package
    metadata,
    trace_id: optionalStr(value, 'trace_id'),
    span_id: optionalStr(value, 'span_id'),
    priority: priority(value.priority),
    workflow_type: workflowType(value.workflow_config),
  };
  if (value.evidence_packages !== undefined) event.evidence_packages = batchItems(value.evidence_packages, event.workflow_type);
  // an object here: workflowType() answers simple_sign for an absent config
  if (event.workflow_type === 'approval_sign') event.approval = decodeApproval(value.workflow_config as Obj);
  return event;
}

/** Faults of the whole message (not UTF-8, not JSON) name `message`; others their JSON pointer. */
function parse(data: Buffer, maxDepth: number): unknown {
  try {
    return parseIJson(data, { maxDepth });
  } catch (err) {
    if (err instanceof NotaryError && err.field === undefined)
      throw new NotaryError(err.code, `message: ${err.message}`, { field: 'message' });
    throw err;
  }
}

function str(obj: Obj, key: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || v.length === 0) throw bad(`event.${key}`, 'is required and must be a non-empty string');
  return v;
}

function optionalStr(obj: Obj, key: string): string | null {
  if (obj[key] === undefined || obj[key] === null) return null;
  return str(obj, key);
}

/** Externally tagged (`{"model_deployment": {...}}`); a bare variant name is accepted for the four fixed ones. */
function variant(v: unknown): EventVariant {
  if (typeof v === 'string' && v in VARIANT_FIELDS) return { kind: v as 'inference', details: {} };
  if (!isObject(v) || Object.keys(v).length !== 1)
    throw bad('event.event_type', 'must be an object with exactly one variant, e.g. {"model_deployment": {...}}');
  const [kind, details] = Object.entries(v)[0]!;
  if (kind === 'custom') {
    if (typeof details !== 'string' || !CUSTOM_NAME_RE.test(details))
      throw bad('event.event_type.custom', 'must be a name of letters, digits, _ - and dots');
    return { kind: 'custom', name: details };
  }
  const spec = VARIANT_FIELDS[kind];
  if (!spec) throw bad('event.event_type', `unknown variant "${kind}"`);
  if (!isObject(details)) throw bad(`event.event_type.${kind}`, 'must be an object');
  for (const f of spec.strings)
    if (typeof details[f] !== 'string') throw bad(`event.event_type.${kind}.${f}`, 'is required and must be a string');
  for (const f of spec.lists ?? []) {
    const list = details[f];
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
      throw bad(`event.event_type.${kind}.${f}`, 'must be an array of strings');
  }
  return { kind: kind as 'inference', details };
}

function actor(v: unknown): PipelineActor {
  if (!isObject(v)) throw bad('event.actor', 'is required and must be an object');
  const { actor_type, type, ...rest } = v;
  // One spelling on the way out (`actor_type`); `type` (the Rust serde name) is accepted on the way in.
  if (actor_type !== undefined && type !== undefined && actor_type !== type)
    throw bad('event.actor.type', 'disagrees with actor.actor_type');
  return { actor_type: (actor_type ?? type) as string, ...rest } as PipelineActor; // field checks: the core's, on the mapped package
}

function priority(v: unknown): EventPriority {
  if (v === undefined || v === null) return 'normal'; // AFDP's Default
  if (!PRIORITIES.includes(v as EventPriority)) throw bad('event.priority', `must be one of ${PRIORITIES.join(', ')}`);
  return v as EventPriority;
}

/** The workflow kind; approval_sign also reads approvers, quorum, timeout. retry_config and notifications are accepted and not used. */
function workflowType(config: unknown): PipelineEvent['workflow_type'] {
  if (config === undefined || config === null) return 'simple_sign'; // AFDP's Default
  if (!isObject(config)) throw bad('event.workflow_config', 'must be an object');
  const t = config.workflow_type ?? 'simple_sign';
  if (typeof t === 'string' && WORKFLOWS.includes(t as WorkflowKind)) return t as WorkflowKind;
  if (isObject(t) && typeof t.custom === 'string' && Object.keys(t).length === 1) return `custom:${t.custom}`;
  throw bad('event.workflow_config.workflow_type', `must be one of ${WORKFLOWS.join(', ')} or {"custom": name}`);
}

function batchItems(v: unknown, workflow: PipelineEvent['workflow_type']): unknown[] {
  if (workflow !== 'batch_sign') throw bad('event.evidence_packages', 'is only allowed with workflow_type batch_sign');
  if (!Array.isArray(v) || v.length === 0) throw bad('event.evidence_packages', 'must be a non-empty array');
  if (v.length > MAX_BATCH_ITEMS)
    throw new NotaryError('payload_too_large', `event.evidence_packages: at most ${MAX_BATCH_ITEMS} packages`, {
      field: 'event.evidence_packages',
    });
  return v;
}
