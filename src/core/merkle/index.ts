export * from './rfc6962.js';
