export { EmbeddedLog, TILES_PATH, type EmbeddedLogOptions } from './embedded-log.js';
export { loadOrCreateLogKey, type LogKey } from './log-key.js';
