export { AuthFailureThrottle, type FailureTally } from './auth-failures.js';
export { clientKey, grpcClientAddress, peerAddress, type TrustProxy } from './client-address.js';
export { RedisWindowCounter } from './redis-counter.js';
export { RequestBudget, type Admission } from './request-budget.js';
export { MemoryWindowCounter, type WindowCount, type WindowCounter } from './window-counter.js';
