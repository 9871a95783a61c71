export type * from './key-signer.js';
export type * from './transparency-log.js';
export type * from './evidence-store.js';
export type * from './clock.js';
export type * from './tracer.js';
export type * from './audit.js';
export type * from './timestamp-authority.js';
export type * from './colocated-append.js';
