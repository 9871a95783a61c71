export * from './access.js';
export * from './errors.js';
export * from './permissions.js';
export * from './principal.js';
export * from './peer-certificate.js';
