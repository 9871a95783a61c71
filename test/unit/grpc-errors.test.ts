import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { NotaryError, type ErrorCode } from '../../src/core/errors.js';
import { DoorError, GRPC_STATUS, toRpcStatus, toServiceError } from '../../src/api/grpc/errors.js';
import { decodeRpcStatus } from '../../src/api/grpc/index.js';
import { HTTP_STATUS } from '../../src/api/rest/problem.js';

const lines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (l: string) => lines.push(l) });
const ctx = { logger, method: 'SignEvidence' };

describe('core error → gRPC status', () => {
  it('maps every core code once', () => {
    // the same codes as REST's table: a code added to the core must be mapped on every door
    expect(Object.keys(GRPC_STATUS).sort()).toEqual(Object.keys(HTTP_STATUS).sort());
    for (const code of Object.keys(GRPC_STATUS) as ErrorCode[]) expect(grpc.status[GRPC_STATUS[code]], code).toBeDefined();
    expect(GRPC_STATUS).toMatchObject({
      invalid_request: grpc.status.INVALID_ARGUMENT,
      validation_failed: grpc.status.INVALID_ARGUMENT,
      not_found: grpc.status.NOT_FOUND,
      idempotency_mismatch: grpc.status.ALREADY_EXISTS,
      unavailable: grpc.status.UNAVAILABLE,
      rate_limited: grpc.status.RESOURCE_EXHAUSTED,
    });
  });

  it('puts the core code in ErrorInfo and the field in BadRequest, in the standard trailer', () => {
    const err = toServiceError(
      new NotaryError('validation_failed', 'evidence_package.spec_version: must look like 1.0', { field: 'evidence_package.spec_version' }),
      ctx,
    );
    expect(err).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: 'evidence_package.spec_version: must look like 1.0' });
    const status = decodeRpcStatus(err.metadata!.get('grpc-status-details-bin')[0] as Buffer);
    expect(status).toEqual({
      code: grpc.status.INVALID_ARGUMENT,
      message: 'evidence_package.spec_version: must look like 1.0',
      details: [
        { type: 'google.rpc.ErrorInfo', reason: 'VALIDATION_FAILED', domain: 'notary.afdp.dev', metadata: {} },
        {
          type: 'google.rpc.BadRequest',
          field_violations: [{ field: 'evidence_package.spec_version', description: 'evidence_package.spec_version: must look like 1.0' }],
        },
      ],
    });
  });

  it('adds RetryInfo to retryable codes and keeps their message', () => {
    const s = decodeRpcStatus(toRpcStatus(new NotaryError('rate_limited', 'slow down'), ctx));
    expect(s.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(s.details.find((d) => d.type === 'google.rpc.RetryInfo')).toMatchObject({ retry_delay: { seconds: 1 } });
  });

  it('masks unexpected errors and logs them with the request id', () => {
    const md = new grpc.Metadata();
    md.set('x-request-id', 'abc-1');
    const s = toRpcStatus(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { ...ctx, metadata: md });
    expect(s).toMatchObject({ code: grpc.status.INTERNAL, message: 'internal error; quote request id abc-1' });
    expect(lines.some((l) => l.includes('ECONNREFUSED') && l.includes('abc-1'))).toBe(true);
  });

  it('passes door errors through with their own status and details', () => {
    const s = toRpcStatus(
      new DoorError(grpc.status.FAILED_PRECONDITION, 'nope', [
        { type: 'google.rpc.PreconditionFailure', violations: [{ type: 'T', subject: 'S', description: 'D' }] },
      ]),
      ctx,
    );
    expect(decodeRpcStatus(s)).toEqual({
      code: grpc.status.FAILED_PRECONDITION,
      message: 'nope',
      details: [{ type: 'google.rpc.PreconditionFailure', violations: [{ type: 'T', subject: 'S', description: 'D' }] }],
    });
  });
});
