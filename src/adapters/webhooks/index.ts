export { WebhookDispatcher, type WebhookDispatcherOptions } from './dispatcher.js';
export { PgWebhookOutbox, type OutboxDelivery } from './pg-outbox.js';
export { SIGNATURE_HEADER, signBody, verifyBody } from './signature.js';
export { checkResolvable, postPinned, systemResolve, WebhookTargetRefused, type Resolve } from './pinned-post.js';
