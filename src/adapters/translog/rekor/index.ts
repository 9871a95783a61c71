export { RekorLog, type RekorLogOptions } from './rekor-log.js';
export { RekorClient, singleEntry, type RekorEntryJson, type RekorLogInfoJson, type UuidEntry } from './client.js';
export {
  HttpClient,
  HttpError,
  isRetryableStatus,
  parseRetryAfter,
  type HttpClientOptions,
  type RekorErrorBody,
} from '../../http/http-client.js';
export { toLogEntry } from './rekor-log.js';
