export { RekorV2Log, type RekorV2LogOptions } from './rekor-v2-log.js';
export { RekorV2Client, type TleJson } from './client.js';
