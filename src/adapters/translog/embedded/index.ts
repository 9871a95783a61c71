export { checkpointKeyName, EmbeddedLog, type EmbeddedLogOptions } from './embedded-log.js';
export { loadOrCreateLogKey, type LogKey } from './log-key.js';
