// The Pulsar door: pure event handling (no transport) and the thin pulsar-client adapter.
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { decodeEvent, MAX_BATCH_ITEMS, MAX_EVENT_ID_LENGTH } from './decode-event.js';
export { decodeApproval } from './decode-approval.js';
export { handleEvent, type Action, type HandleDeps, type IncomingMessage } from './handle-event.js';
export { PgEventLedger, type EventLedger, type LedgerEntry } from './ledger.js';
export * from './messages.js';
export { errorTypeOf, toFailure, UNSUPPORTED_WORKFLOW, type Failure } from './outcomes.js';
export { idempotencyKey } from './sign-items.js';
export { startApproval, type RequestApproval } from './start-approval.js';
export { evidenceEventType, PIPELINE_EVENT_KEY, toEvidencePackages } from './to-evidence.js';
export {
  fullTopicName,
  PULSAR_DEFAULTS,
  resolvePulsarConfig,
  type PulsarAuth,
  type PulsarConfig,
  type PulsarOptions,
  type PulsarTls,
} from '../../config/pulsar-settings.js';
export { startPulsarConsumer, type PulsarConsumerHandle, type StartPulsarConsumerOptions } from './pulsar/consumer.js';
export {
  clientConfig,
  defaultClientFactory,
  loadPulsarModule,
  PulsarUnavailableError,
  type PulsarClientFactory,
} from './pulsar/load-client.js';
export type * from './pulsar/types.js';
