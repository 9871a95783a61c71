import { NotaryError } from '../../core/errors.js';
import type { EventVariant, PipelineEvent } from './messages.js';

/** AFDP's own mapping (`PipelineEvent::event_type_string` in the Rust notary). */
export function evidenceEventType(v: EventVariant): string {
  switch (v.kind) {
    case 'model_deployment':
      return 'ai.model.deployment';
    case 'data_pipeline':
      return 'ai.data.pipeline';
    case 'inference':
      return 'ai.inference';
    case 'compliance':
      return 'ai.compliance';
    case 'custom':
      return `ai.custom.${v.name}`;
  }
}

/** The metadata key that carries what the event says beyond the evidence package fields. */
export const PIPELINE_EVENT_KEY = 'pipeline_event';

/**
 * PipelineEvent → the evidence package(s) to sign. Deterministic: the same event content gives the
 * same bytes, whatever the delivery.
 *
 * Signed: timestamp (as sent), event_type (AFDP's dot name), actor, artifacts, the producer's
 * metadata, plus `metadata.pipeline_event = {source, event_type, details}` so the variant's own
 * fields (model_id, version, environment …) and the emitting system are part of the claim — AFDP's
 * Rust mapping drops them, which would leave the signature silent about what was deployed.
 *
 * Not signed: event_id, trace_id, span_id, priority, workflow_config. They are about this
 * delivery, not about what happened: a producer that re-sends the same event under a new id gets
 * the same evidence hash (the evidence row is shared; a second workflow signs it), and traces or
 * priorities never change a hash.
 *
 * batch_sign: the packages in `evidence_packages` are signed as given, one item each; without that
 * field the batch holds the one package mapped from the event, as AFDP does.
 */
export function toEvidencePackages(event: PipelineEvent): unknown[] {
  if (event.evidence_packages) return event.evidence_packages;
  if (PIPELINE_EVENT_KEY in event.metadata) {
    throw new NotaryError('invalid_request', `event.metadata.${PIPELINE_EVENT_KEY}: is reserved for the notary`, {
      field: `event.metadata.${PIPELINE_EVENT_KEY}`,
    });
  }
  const v = event.event_type;
  const pipelineEvent =
    v.kind === 'custom'
      ? { source: event.source, event_type: 'custom', details: { name: v.name } }
      : { source: event.source, event_type: v.kind, details: v.details };
  return [
    {
      spec_version: '1.0.0',
      timestamp_utc: event.timestamp,
      event_type: evidenceEventType(v),
      actor: event.actor,
      artifacts: event.artifacts,
      metadata: { ...event.metadata, [PIPELINE_EVENT_KEY]: pipelineEvent },
    },
  ];
}

/** Where the core found a fault in a mapped package, named as the producer wrote it. */
export function eventField(field: string | undefined): string | undefined {
  if (field === undefined) return field;
  return field.replace(/^event\.timestamp_utc/, 'event.timestamp').replace(/^event\.metadata\.pipeline_event\.details/, 'event.event_type');
}
