export { AuthFailureThrottle, type FailureTally } from './auth-failures.js';
export { clientKey } from '../../core/request-rules.js';
export type { TrustProxy } from '../../ports/request-limits.js';
export { RedisWindowCounter } from './redis-counter.js';
export { RequestBudget, type Admission } from './request-budget.js';
export { MemoryWindowCounter, type WindowCount, type WindowCounter } from './window-counter.js';
