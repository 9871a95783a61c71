export { certificatesFromPem, isTimestampingCertificate, toPem, type TrustedTimestampAuthority } from './authority.js';
export { TimestampError, type TimestampErrorCode } from './errors.js';
export { parseTimestampResponse, type ParsedTimestamp } from './parse.js';
export { timestampRequest, type TimestampRequest } from './request.js';
export { verifyTimestamp, type VerifiedTimestamp, type VerifyTimestampOptions } from './verify.js';
