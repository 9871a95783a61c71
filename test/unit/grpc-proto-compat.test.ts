import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { PROTO_DIR } from '../../src/api/grpc/index.js';

/**
 * AFDP's published proto (Caia-Tech/afdp, services/notary-service/proto/notary.proto, package
 * afdp.notary.v1), field by field as `name number type`. Ours must keep every one of them: an AFDP
 * client and this server must read each other's bytes. Additions are allowed only on new numbers.
 */
const AFDP_MESSAGES: Record<string, string> = {
  EvidencePackage: 'spec_version 1 string, timestamp_utc 2 google.protobuf.Timestamp, event_type 3 string, actor 4 Actor, artifacts 5 Artifact*, metadata 6 google.protobuf.Struct',
  Actor: 'actor_type 1 string, id 2 string, auth_provider 3 string',
  Artifact: 'name 1 string, uri 2 string, hash_sha256 3 string',
  NotarizationReceipt: 'evidence_package_hash 1 string, rekor_log_id 2 string, rekor_server_url 3 string, signature_b64 4 string, public_key_b64 5 string, integrated_time 6 int64, log_index 7 int64',
  SignEvidenceRequest: 'evidence_package 1 EvidencePackage',
  SignEvidenceResponse: 'workflow_id 1 string, receipt 2 NotarizationReceipt, status 3 WorkflowStatus',
  SignEvidenceWithApprovalRequest: 'evidence_package 1 EvidencePackage, approvers 2 string*',
  SignEvidenceWithApprovalResponse: 'workflow_id 1 string, status 2 WorkflowStatus, approval_statuses 3 ApprovalStatus*',
  ApprovalStatus: 'approver 1 string, status 2 ApprovalState, timestamp 3 google.protobuf.Timestamp, comment 4 string',
  SignEvidenceBatchRequest: 'evidence_packages 1 EvidencePackage*',
  SignEvidenceBatchResponse: 'batch_workflow_id 1 string, results 2 SignEvidenceResponse*, status 3 WorkflowStatus',
  GetWorkflowStatusRequest: 'workflow_id 1 string',
  GetWorkflowStatusResponse: 'workflow_id 1 string, status 2 WorkflowStatus, created_at 3 google.protobuf.Timestamp, completed_at 4 google.protobuf.Timestamp, error_message 5 string, result 6 google.protobuf.Struct',
  ValidateEvidenceRequest: 'evidence_package 1 EvidencePackage, signature 2 string',
  ValidateEvidenceResponse: 'is_valid 1 bool, validation_error 2 string, validation_result 3 ValidationResult',
  ValidationResult: 'signature_valid 1 bool, evidence_hash_valid 2 bool, rekor_entry_valid 3 bool, timestamp_valid 4 bool, warnings 5 string*',
  GetNotarizationReceiptRequest: 'workflow_id 1 string',
  GetNotarizationReceiptResponse: 'receipt 1 NotarizationReceipt, found 2 bool',
  ListWorkflowsRequest: 'page_size 1 int32, page_token 2 string, status_filter 3 WorkflowStatus, start_time 4 google.protobuf.Timestamp, end_time 5 google.protobuf.Timestamp',
  ListWorkflowsResponse: 'workflows 1 WorkflowSummary*, next_page_token 2 string, total_count 3 int32',
  WorkflowSummary: 'workflow_id 1 string, workflow_type 2 string, status 3 WorkflowStatus, created_at 4 google.protobuf.Timestamp, completed_at 5 google.protobuf.Timestamp, event_type 6 string, actor_id 7 string',
  HealthRequest: '',
  HealthResponse: 'status 1 string, version 2 string, uptime_seconds 3 int64, dependencies 4 DependencyStatus*',
  DependencyStatus: 'name 1 string, healthy 2 bool, response_time_ms 3 int64, error 4 string',
};
const AFDP_ENUMS: Record<string, string> = {
  ApprovalState: 'APPROVAL_STATE_UNSPECIFIED 0, APPROVAL_STATE_PENDING 1, APPROVAL_STATE_APPROVED 2, APPROVAL_STATE_REJECTED 3',
  WorkflowStatus: 'WORKFLOW_STATUS_UNSPECIFIED 0, WORKFLOW_STATUS_PENDING 1, WORKFLOW_STATUS_RUNNING 2, WORKFLOW_STATUS_COMPLETED 3, WORKFLOW_STATUS_FAILED 4, WORKFLOW_STATUS_CANCELLED 5',
};
const AFDP_METHODS = ['SignEvidence', 'SignEvidenceWithApproval', 'SignEvidenceBatch', 'GetWorkflowStatus', 'ValidateEvidence', 'GetNotarizationReceipt', 'ListWorkflows', 'HealthCheck'];

function load(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_o, target) => join(PROTO_DIR, target);
  root.loadSync('afdp/notary/v1/notary.proto', { keepCase: true }).resolveAll();
  return root;
}

describe('notary.proto stays wire compatible with AFDP', () => {
  const root = load();
  const pkg = 'afdp.notary.v1';

  it.each(Object.entries(AFDP_MESSAGES))('%s keeps every AFDP field name, number and type', (name, spec) => {
    const type = root.lookupType(`${pkg}.${name}`);
    for (const f of spec ? spec.split(', ') : []) {
      const [field, id, t] = f.split(' ') as [string, string, string];
      const ours = type.fields[field];
      expect(ours, `${name}.${field}`).toBeDefined();
      expect(ours!.id).toBe(Number(id));
      expect(ours!.repeated).toBe(t.endsWith('*'));
      const want = t.replace('*', '');
      expect(ours!.resolvedType ? ours!.resolvedType.fullName.replace(`.${pkg}.`, '').replace(/^\./, '') : ours!.type).toBe(want);
    }
    // everything added sits above AFDP's numbers
    const afdpIds = new Set((spec ? spec.split(', ') : []).map((f) => Number(f.split(' ')[1])));
    const maxAfdp = Math.max(0, ...afdpIds);
    for (const f of Object.values(type.fields)) if (!afdpIds.has(f.id)) expect(f.id, `${name}.${f.name}`).toBeGreaterThan(maxAfdp);
  });

  it.each(Object.entries(AFDP_ENUMS))('enum %s keeps AFDP values', (name, spec) => {
    const e = root.lookupEnum(`${pkg}.${name}`);
    expect(Object.entries(e.values).map(([k, v]) => `${k} ${v}`).join(', ')).toBe(spec);
  });

  it('NotaryService keeps AFDP methods (unary) and adds only the stream', () => {
    const svc = root.lookupService(`${pkg}.NotaryService`);
    for (const m of AFDP_METHODS) {
      expect(svc.methods[m], m).toBeDefined();
      expect(svc.methods[m]!.requestStream || svc.methods[m]!.responseStream).toBeFalsy();
    }
    expect(Object.keys(svc.methods).filter((m) => !AFDP_METHODS.includes(m))).toEqual(['SignEvidenceStream']);
    expect(svc.methods.SignEvidenceStream).toMatchObject({ requestStream: true, responseStream: true });
  });
});
