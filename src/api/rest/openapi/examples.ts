/**
 * Examples for the OpenAPI document, recorded from a real run of this service (embedded defaults,
 * NOTARY_PUBLIC_URL=https://notary.example.com) signing AFDP's documented model-deployment package
 * (services/notary-service/examples/rest-api/model-deployment.sh). A test checks each one against the
 * schema it illustrates.
 */
type Json = Record<string, unknown>;
const evidencePackage = {
  "spec_version": "1.0.0",
  "timestamp_utc": "2025-07-23T10:00:00Z",
  "event_type": "model.deployment.completed",
  "actor": {
    "actor_type": "human_user",
    "id": "deployer@caiatech.com",
    "auth_provider": "oauth2"
  },
  "artifacts": [
    {
      "name": "fraud-detector-v3.pkl",
      "uri": "s3://afdp-models/fraud-detector-v3.pkl",
      "hash_sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    },
    {
      "name": "model-config.yaml",
      "uri": "s3://afdp-models/fraud-detector-v3-config.yaml",
      "hash_sha256": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
    }
  ],
  "metadata": {
    "model_id": "fraud-detector-v3",
    "version": "3.0.0",
    "environment": "production",
    "replicas": 3
  }
};
const receipt: Json = {
  "evidence_package_hash": "893afe19f6c7d1037863ea0a4f396240febde1e5c23999e23c9410216c1d2f81",
  "rekor_log_id": "d2f361b6809c3e2f84c59f553578d7af2a05ed9531a30b689cd479369f6109e4",
  "rekor_server_url": "https://notary.example.com",
  "signature_b64": "MEUCIC8WPhPwnkas2i4O+WoDn1kbrin+OQp3b00tul4J2kuPAiEAouyJ43k5u7IgZdl74vXLJQ1bN/MaU2XMiDHi8fO+5b8=",
  "public_key_b64": "LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0KTUZrd0V3WUhLb1pJemowQ0FRWUlLb1pJemowREFRY0RRZ0FFMllWOC84T1llQWtRTGJrd3d3M1RDdCswQXhlRwpQUGdmelBJVUYzSjVBQUF1N053clY5M2F1NGxxcGE3UUpsM3R2Nng3QzFrTzQ4U0J6eDViRTd0QXNBPT0KLS0tLS1FTkQgUFVCTElDIEtFWS0tLS0tCg==",
  "integrated_time": 1796148768,
  "log_index": 0,
  "workflow_id": "1e40f5b2-e593-4fdb-a7ea-c9ec89977236",
  "key_id": "afdp-notary-key",
  "key_version": 1,
  "signed_at": "2026-12-01T18:12:48.210Z",
  "anchoring": "anchored",
  "rekor_entry_uuid": "d2f361b6809c3e2f84c59f553578d7af2a05ed9531a30b689cd479369f6109e4",
  "transparency_log_id": "384df89149c9ff83f5cedc05c5ea26ed10fb5ed192f229159a2a202beb65c335",
  "inclusion_proof": {
    "logIndex": 0,
    "rootHash": "d2f361b6809c3e2f84c59f553578d7af2a05ed9531a30b689cd479369f6109e4",
    "treeSize": 1,
    "hashes": [],
    "checkpoint": "afdp-notary.local/log\n1\n0vNhtoCcPi+ExZ9VNXjXryoF7ZUxowtonNR5Np9hCeQ=\n\n— afdp-notary.local/log OE34kTBFAiEAxNaBddGBgNDGxZIjVIVo4QC/8yNdRsKpYSAQXugXs9ICIDbSRQ9+P4seeC3RPaQCn/KbGnJGIJJkUzCx4r9fDpyB\n"
  },
  "signed_entry_timestamp": "MEYCIQChruzhBaLBT0l2dRCdfMh+dihT3018sp/kStjA5GBXKAIhAKb57nHOIk6304DIGJCpiVgL1QgpVVLfkNSXAEVSBsQW",
  "rekor_entry_body": "eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiaGFzaGVkcmVrb3JkIiwic3BlYyI6eyJkYXRhIjp7Imhhc2giOnsiYWxnb3JpdGhtIjoic2hhMjU2IiwidmFsdWUiOiI4OTNhZmUxOWY2YzdkMTAzNzg2M2VhMGE0ZjM5NjI0MGZlYmRlMWU1YzIzOTk5ZTIzYzk0MTAyMTZjMWQyZjgxIn19LCJzaWduYXR1cmUiOnsiY29udGVudCI6Ik1FVUNJQzhXUGhQd25rYXMyaTRPK1dvRG4xa2JyaW4rT1FwM2IwMHR1bDRKMmt1UEFpRUFvdXlKNDNrNXU3SWdaZGw3NHZYTEpRMWJOL01hVTJYTWlESGk4Zk8rNWI4PSIsInB1YmxpY0tleSI6eyJjb250ZW50IjoiTFMwdExTMUNSVWRKVGlCUVZVSk1TVU1nUzBWWkxTMHRMUzBLVFVacmQwVjNXVWhMYjFwSmVtb3dRMEZSV1VsTGIxcEplbW93UkVGUlkwUlJaMEZGTWxsV09DODRUMWxsUVd0UlRHSnJkM2QzTTFSRGRDc3dRWGhsUndwUVVHZG1lbEJKVlVZelNqVkJRVUYxTjA1M2NsWTVNMkYxTkd4eGNHRTNVVXBzTTNSMk5uZzNRekZyVHpRNFUwSjZlRFZpUlRkMFFYTkJQVDBLTFMwdExTMUZUa1FnVUZWQ1RFbERJRXRGV1MwdExTMHRDZz09In19fX0=",
  "bundle": {
    "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
    "verificationMaterial": {
      "publicKey": {
        "hint": "afdp-notary-key:v1"
      },
      "tlogEntries": [
        {
          "logIndex": "0",
          "logId": {
            "keyId": "OE34kUnJ/4P1ztwFxeom7RD7XtGS8ikVmiogK+tlwzU="
          },
          "kindVersion": {
            "kind": "hashedrekord",
            "version": "0.0.1"
          },
          "integratedTime": "1796148768",
          "inclusionPromise": {
            "signedEntryTimestamp": "MEYCIQChruzhBaLBT0l2dRCdfMh+dihT3018sp/kStjA5GBXKAIhAKb57nHOIk6304DIGJCpiVgL1QgpVVLfkNSXAEVSBsQW"
          },
          "inclusionProof": {
            "logIndex": "0",
            "rootHash": "0vNhtoCcPi+ExZ9VNXjXryoF7ZUxowtonNR5Np9hCeQ=",
            "treeSize": "1",
            "hashes": [],
            "checkpoint": {
              "envelope": "afdp-notary.local/log\n1\n0vNhtoCcPi+ExZ9VNXjXryoF7ZUxowtonNR5Np9hCeQ=\n\n— afdp-notary.local/log OE34kTBFAiEAxNaBddGBgNDGxZIjVIVo4QC/8yNdRsKpYSAQXugXs9ICIDbSRQ9+P4seeC3RPaQCn/KbGnJGIJJkUzCx4r9fDpyB\n"
            }
          },
          "canonicalizedBody": "eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiaGFzaGVkcmVrb3JkIiwic3BlYyI6eyJkYXRhIjp7Imhhc2giOnsiYWxnb3JpdGhtIjoic2hhMjU2IiwidmFsdWUiOiI4OTNhZmUxOWY2YzdkMTAzNzg2M2VhMGE0ZjM5NjI0MGZlYmRlMWU1YzIzOTk5ZTIzYzk0MTAyMTZjMWQyZjgxIn19LCJzaWduYXR1cmUiOnsiY29udGVudCI6Ik1FVUNJQzhXUGhQd25rYXMyaTRPK1dvRG4xa2JyaW4rT1FwM2IwMHR1bDRKMmt1UEFpRUFvdXlKNDNrNXU3SWdaZGw3NHZYTEpRMWJOL01hVTJYTWlESGk4Zk8rNWI4PSIsInB1YmxpY0tleSI6eyJjb250ZW50IjoiTFMwdExTMUNSVWRKVGlCUVZVSk1TVU1nUzBWWkxTMHRMUzBLVFVacmQwVjNXVWhMYjFwSmVtb3dRMEZSV1VsTGIxcEplbW93UkVGUlkwUlJaMEZGTWxsV09DODRUMWxsUVd0UlRHSnJkM2QzTTFSRGRDc3dRWGhsUndwUVVHZG1lbEJKVlVZelNqVkJRVUYxTjA1M2NsWTVNMkYxTkd4eGNHRTNVVXBzTTNSMk5uZzNRekZyVHpRNFUwSjZlRFZpUlRkMFFYTkJQVDBLTFMwdExTMUZUa1FnVUZWQ1RFbERJRXRGV1MwdExTMHRDZz09In19fX0="
        }
      ]
    },
    "messageSignature": {
      "messageDigest": {
        "algorithm": "SHA2_256",
        "digest": "iTr+GfbH0QN4Y+oKTzliQP694eXCOZniPJQQIWwdL4E="
      },
      "signature": "MEUCIC8WPhPwnkas2i4O+WoDn1kbrin+OQp3b00tul4J2kuPAiEAouyJ43k5u7IgZdl74vXLJQ1bN/MaU2XMiDHi8fO+5b8="
    }
  }
};
const workflow = {
  workflow_id: "1e40f5b2-e593-4fdb-a7ea-c9ec89977236", workflow_type: 'simple_signing', status: 'completed', created_at: "2026-12-01T18:12:48.210Z", completed_at: "2026-12-01T18:12:48.210Z",
  error_message: null, evidence_package_hash: receipt.evidence_package_hash, updated_at: "2026-12-01T18:12:48.210Z", submitted_by: null,
};
const approvalPending: Json = {
  "workflow_id": "07f0a992-44e4-4ac9-bc2a-a6e04d0bcd2e",
  "workflow_type": "approval_signing",
  "status": "pending",
  "created_at": "2026-12-01T18:12:48.757Z",
  "completed_at": null,
  "error_message": null,
  "evidence_package_hash": "6d549573ecc092e60dcb75d47732248994cca108959a34e86cc95ee5002b84bb",
  "updated_at": "2026-12-01T18:12:48.757Z",
  "submitted_by": null,
  "approval_statuses": [
    {
      "approver": "security-lead@caiatech.com",
      "status": "pending",
      "timestamp": "2026-12-01T18:12:48.757Z",
      "comment": null
    },
    {
      "approver": "compliance-officer@caiatech.com",
      "status": "pending",
      "timestamp": "2026-12-01T18:12:48.757Z",
      "comment": null
    }
  ],
  "quorum": 1,
  "expires_at": "2026-12-02T18:12:48.757Z"
};
const approvalCompleted: Json = { ...{
  "workflow_id": "07f0a992-44e4-4ac9-bc2a-a6e04d0bcd2e",
  "workflow_type": "approval_signing",
  "status": "completed",
  "created_at": "2026-12-01T18:12:48.757Z",
  "completed_at": "2026-12-01T18:12:48.801Z",
  "error_message": null,
  "evidence_package_hash": "6d549573ecc092e60dcb75d47732248994cca108959a34e86cc95ee5002b84bb",
  "updated_at": "2026-12-01T18:12:48.801Z",
  "submitted_by": null,
  "approval_statuses": [
    {
      "approver": "security-lead@caiatech.com",
      "status": "approved",
      "timestamp": "2026-12-01T18:12:48.790Z",
      "comment": "risk review done"
    },
    {
      "approver": "compliance-officer@caiatech.com",
      "status": "pending",
      "timestamp": "2026-12-01T18:12:48.757Z",
      "comment": null
    }
  ],
  "quorum": 1,
  "expires_at": "2026-12-02T18:12:48.757Z"
}, receipt: {
  "evidence_package_hash": "6d549573ecc092e60dcb75d47732248994cca108959a34e86cc95ee5002b84bb",
  "rekor_log_id": "0f017fa1cf0f440132f49baaf566f34d0e0557709df64248a4b783fa6a4e8164",
  "rekor_server_url": "https://notary.example.com",
  "signature_b64": "MEYCIQD8vuM34A4AKmRrUxUCxW8L23qblAXM+YKW4JUSCJpN5wIhAO8RMIMYxZbpV6UoArxxou3RWF0PkEyGBL+AVlVQ1Yk9",
  "public_key_b64": "LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0KTUZrd0V3WUhLb1pJemowQ0FRWUlLb1pJemowREFRY0RRZ0FFMllWOC84T1llQWtRTGJrd3d3M1RDdCswQXhlRwpQUGdmelBJVUYzSjVBQUF1N053clY5M2F1NGxxcGE3UUpsM3R2Nng3QzFrTzQ4U0J6eDViRTd0QXNBPT0KLS0tLS1FTkQgUFVCTElDIEtFWS0tLS0tCg==",
  "integrated_time": 1796148768,
  "log_index": 2,
  "workflow_id": "07f0a992-44e4-4ac9-bc2a-a6e04d0bcd2e",
  "key_id": "afdp-notary-key",
  "key_version": 1,
  "signed_at": "2026-12-01T18:12:48.801Z",
  "anchoring": "anchored",
  "rekor_entry_uuid": "0f017fa1cf0f440132f49baaf566f34d0e0557709df64248a4b783fa6a4e8164",
  "transparency_log_id": "384df89149c9ff83f5cedc05c5ea26ed10fb5ed192f229159a2a202beb65c335",
  "inclusion_proof": {
    "logIndex": 2,
    "rootHash": "9cda58caef592d7e618c3d8cbe44bd6c9c813e3897a5894e0fa2225b437dbba3",
    "treeSize": 3,
    "hashes": [
      "c78bedad32e69ca7d81b192872f5579da759bfc21d5d1929304eb5ed7ae8e5b9"
    ],
    "checkpoint": "afdp-notary.local/log\n3\nnNpYyu9ZLX5hjD2MvkS9bJyBPjiXpYlOD6IiW0N9u6M=\n\n— afdp-notary.local/log OE34kTBGAiEAye+RvuZSM6kM1iR0Hst9ekxSFk/dCrQzJN4mhTSls1gCIQDrhEdjl7ZqF/xDTNGhoCS9ANkAAIVYpcC+7hxteEN0fw==\n"
  },
  "signed_entry_timestamp": "MEUCIQCkY4EeHIwwfL9MIynI1jC3OKTp6CIQ9iCeocmZkFWeRwIgf0lW2R9v1QwtrUGjdu5tcxIQTYxycPAkppDx/KE9TGE=",
  "rekor_entry_body": "eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiaGFzaGVkcmVrb3JkIiwic3BlYyI6eyJkYXRhIjp7Imhhc2giOnsiYWxnb3JpdGhtIjoic2hhMjU2IiwidmFsdWUiOiI2ZDU0OTU3M2VjYzA5MmU2MGRjYjc1ZDQ3NzMyMjQ4OTk0Y2NhMTA4OTU5YTM0ZTg2Y2M5NWVlNTAwMmI4NGJiIn19LCJzaWduYXR1cmUiOnsiY29udGVudCI6Ik1FWUNJUUQ4dnVNMzRBNEFLbVJyVXhVQ3hXOEwyM3FibEFYTStZS1c0SlVTQ0pwTjV3SWhBTzhSTUlNWXhaYnBWNlVvQXJ4eG91M1JXRjBQa0V5R0JMK0FWbFZRMVlrOSIsInB1YmxpY0tleSI6eyJjb250ZW50IjoiTFMwdExTMUNSVWRKVGlCUVZVSk1TVU1nUzBWWkxTMHRMUzBLVFVacmQwVjNXVWhMYjFwSmVtb3dRMEZSV1VsTGIxcEplbW93UkVGUlkwUlJaMEZGTWxsV09DODRUMWxsUVd0UlRHSnJkM2QzTTFSRGRDc3dRWGhsUndwUVVHZG1lbEJKVlVZelNqVkJRVUYxTjA1M2NsWTVNMkYxTkd4eGNHRTNVVXBzTTNSMk5uZzNRekZyVHpRNFUwSjZlRFZpUlRkMFFYTkJQVDBLTFMwdExTMUZUa1FnVUZWQ1RFbERJRXRGV1MwdExTMHRDZz09In19fX0=",
  "bundle": {
    "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
    "verificationMaterial": {
      "publicKey": {
        "hint": "afdp-notary-key:v1"
      },
      "tlogEntries": [
        {
          "logIndex": "2",
          "logId": {
            "keyId": "OE34kUnJ/4P1ztwFxeom7RD7XtGS8ikVmiogK+tlwzU="
          },
          "kindVersion": {
            "kind": "hashedrekord",
            "version": "0.0.1"
          },
          "integratedTime": "1796148768",
          "inclusionPromise": {
            "signedEntryTimestamp": "MEUCIQCkY4EeHIwwfL9MIynI1jC3OKTp6CIQ9iCeocmZkFWeRwIgf0lW2R9v1QwtrUGjdu5tcxIQTYxycPAkppDx/KE9TGE="
          },
          "inclusionProof": {
            "logIndex": "2",
            "rootHash": "nNpYyu9ZLX5hjD2MvkS9bJyBPjiXpYlOD6IiW0N9u6M=",
            "treeSize": "3",
            "hashes": [
              "x4vtrTLmnKfYGxkocvVXnadZv8IdXRkpME617Xro5bk="
            ],
            "checkpoint": {
              "envelope": "afdp-notary.local/log\n3\nnNpYyu9ZLX5hjD2MvkS9bJyBPjiXpYlOD6IiW0N9u6M=\n\n— afdp-notary.local/log OE34kTBGAiEAye+RvuZSM6kM1iR0Hst9ekxSFk/dCrQzJN4mhTSls1gCIQDrhEdjl7ZqF/xDTNGhoCS9ANkAAIVYpcC+7hxteEN0fw==\n"
            }
          },
          "canonicalizedBody": "eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiaGFzaGVkcmVrb3JkIiwic3BlYyI6eyJkYXRhIjp7Imhhc2giOnsiYWxnb3JpdGhtIjoic2hhMjU2IiwidmFsdWUiOiI2ZDU0OTU3M2VjYzA5MmU2MGRjYjc1ZDQ3NzMyMjQ4OTk0Y2NhMTA4OTU5YTM0ZTg2Y2M5NWVlNTAwMmI4NGJiIn19LCJzaWduYXR1cmUiOnsiY29udGVudCI6Ik1FWUNJUUQ4dnVNMzRBNEFLbVJyVXhVQ3hXOEwyM3FibEFYTStZS1c0SlVTQ0pwTjV3SWhBTzhSTUlNWXhaYnBWNlVvQXJ4eG91M1JXRjBQa0V5R0JMK0FWbFZRMVlrOSIsInB1YmxpY0tleSI6eyJjb250ZW50IjoiTFMwdExTMUNSVWRKVGlCUVZVSk1TVU1nUzBWWkxTMHRMUzBLVFVacmQwVjNXVWhMYjFwSmVtb3dRMEZSV1VsTGIxcEplbW93UkVGUlkwUlJaMEZGTWxsV09DODRUMWxsUVd0UlRHSnJkM2QzTTFSRGRDc3dRWGhsUndwUVVHZG1lbEJKVlVZelNqVkJRVUYxTjA1M2NsWTVNMkYxTkd4eGNHRTNVVXBzTTNSMk5uZzNRekZyVHpRNFUwSjZlRFZpUlRkMFFYTkJQVDBLTFMwdExTMUZUa1FnVUZWQ1RFbERJRXRGV1MwdExTMHRDZz09In19fX0="
        }
      ]
    },
    "messageSignature": {
      "messageDigest": {
        "algorithm": "SHA2_256",
        "digest": "bVSVc+zAkuYNy3XUdzIkiZTMoQiVmjTobMle5QArhLs="
      },
      "signature": "MEYCIQD8vuM34A4AKmRrUxUCxW8L23qblAXM+YKW4JUSCJpN5wIhAO8RMIMYxZbpV6UoArxxou3RWF0PkEyGBL+AVlVQ1Yk9"
    }
  },
  "approvals": [
    {
      "approver": "security-lead@caiatech.com",
      "decision": "approve",
      "comment": "risk review done",
      "decided_at": "2026-12-01T18:12:48.790Z"
    }
  ],
  "approval_attestation": {
    "payload": "{\"approvals\":[{\"approver\":\"security-lead@caiatech.com\",\"comment\":\"risk review done\",\"decided_at\":\"2026-12-01T18:12:48.790Z\",\"decision\":\"approve\"}],\"evidence_package_hash\":\"6d549573ecc092e60dcb75d47732248994cca108959a34e86cc95ee5002b84bb\",\"type\":\"afdp.approval_attestation/v1\",\"workflow_id\":\"07f0a992-44e4-4ac9-bc2a-a6e04d0bcd2e\"}",
    "signature_b64": "MEUCIQCZWbmsrY0rQMjmu5cPvRzvIxDlri4ZvltpTwE21h6V0wIgeRqTxDGWkJZG0PwuNYA6OQ6yd2Ea9dajUDA9nLb/B2I=",
    "key_id": "afdp-notary-key",
    "key_version": 1
  }
} };
const batchResponse: Json = { ...{
  "batch_workflow_id": "c9d1012e-0c15-4a9d-9aae-6750efca2ab8",
  "status": "completed",
  "workflow_id": "c9d1012e-0c15-4a9d-9aae-6750efca2ab8",
  "workflow_type": "batch_signing",
  "created_at": "2026-12-01T18:12:48.629Z",
  "completed_at": "2026-12-01T18:12:48.668Z",
  "error_message": null,
  "evidence_package_hash": null,
  "updated_at": "2026-12-01T18:12:48.668Z",
  "submitted_by": null,
  "total": 2,
  "succeeded": 1,
  "failed": 1,
  "pending": 0
}, results: [{
  "workflow_id": "4a0f0809-40cd-4173-bfeb-a9cd9daddcda",
  "receipt": {
    "evidence_package_hash": "cd3ad5fc3c1691ccd73510810293c7721bae7700e5554515ef90435cffe3f02f",
    "rekor_log_id": "be41e9685d830b8cc4e30b4457f7bc5d6becb63b5d2afed68a3577ac7bd0082c",
    "rekor_server_url": "https://notary.example.com",
    "signature_b64": "MEQCIDFQh3W6c60kuuHDmpeqGufA7EGlUyQ5eOetd6cpItoRAiBV/psSrUVOzZjQbxlfV0v5nKRPM3dUcfIbjN1Q/pjXVA==",
    "public_key_b64": "LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0KTUZrd0V3WUhLb1pJemowQ0FRWUlLb1pJemowREFRY0RRZ0FFMllWOC84T1llQWtRTGJrd3d3M1RDdCswQXhlRwpQUGdmelBJVUYzSjVBQUF1N053clY5M2F1NGxxcGE3UUpsM3R2Nng3QzFrTzQ4U0J6eDViRTd0QXNBPT0KLS0tLS1FTkQgUFVCTElDIEtFWS0tLS0tCg==",
    "integrated_time": 1796148768,
    "log_index": 1,
    "workflow_id": "4a0f0809-40cd-4173-bfeb-a9cd9daddcda",
    "key_id": "afdp-notary-key",
    "key_version": 1,
    "signed_at": "2026-12-01T18:12:48.668Z",
    "anchoring": "anchored",
    "rekor_entry_uuid": "be41e9685d830b8cc4e30b4457f7bc5d6becb63b5d2afed68a3577ac7bd0082c",
    "transparency_log_id": "384df89149c9ff83f5cedc05c5ea26ed10fb5ed192f229159a2a202beb65c335",
    "inclusion_proof": {
      "logIndex": 1,
      "rootHash": "c78bedad32e69ca7d81b192872f5579da759bfc21d5d1929304eb5ed7ae8e5b9",
      "treeSize": 2,
      "hashes": [
        "d2f361b6809c3e2f84c59f553578d7af2a05ed9531a30b689cd479369f6109e4"
      ],
      "checkpoint": "afdp-notary.local/log\n2\nx4vtrTLmnKfYGxkocvVXnadZv8IdXRkpME617Xro5bk=\n\n— afdp-notary.local/log OE34kTBFAiEA0Sc3fr+zyZvySMaYEfyBfzAMBttx1lDN4gzHE+LEaNECIBgs2ie68NExj8q3nQM0zMuC1P7sA5TpVifOBTeELJ2X\n"
    },
    "signed_entry_timestamp": "MEUCIQDPKr5mSHpnWJe5sKQH35F5pb69nk0ckwLGmEVOFgzaGAIgfnDAN1tJ0ssCQDacSY96VxDfN0eYqtGkOHit73nm2AE=",
    "rekor_entry_body": "eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiaGFzaGVkcmVrb3JkIiwic3BlYyI6eyJkYXRhIjp7Imhhc2giOnsiYWxnb3JpdGhtIjoic2hhMjU2IiwidmFsdWUiOiJjZDNhZDVmYzNjMTY5MWNjZDczNTEwODEwMjkzYzc3MjFiYWU3NzAwZTU1NTQ1MTVlZjkwNDM1Y2ZmZTNmMDJmIn19LCJzaWduYXR1cmUiOnsiY29udGVudCI6Ik1FUUNJREZRaDNXNmM2MGt1dUhEbXBlcUd1ZkE3RUdsVXlRNWVPZXRkNmNwSXRvUkFpQlYvcHNTclVWT3paalFieGxmVjB2NW5LUlBNM2RVY2ZJYmpOMVEvcGpYVkE9PSIsInB1YmxpY0tleSI6eyJjb250ZW50IjoiTFMwdExTMUNSVWRKVGlCUVZVSk1TVU1nUzBWWkxTMHRMUzBLVFVacmQwVjNXVWhMYjFwSmVtb3dRMEZSV1VsTGIxcEplbW93UkVGUlkwUlJaMEZGTWxsV09DODRUMWxsUVd0UlRHSnJkM2QzTTFSRGRDc3dRWGhsUndwUVVHZG1lbEJKVlVZelNqVkJRVUYxTjA1M2NsWTVNMkYxTkd4eGNHRTNVVXBzTTNSMk5uZzNRekZyVHpRNFUwSjZlRFZpUlRkMFFYTkJQVDBLTFMwdExTMUZUa1FnVUZWQ1RFbERJRXRGV1MwdExTMHRDZz09In19fX0=",
    "bundle": {
      "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
      "verificationMaterial": {
        "publicKey": {
          "hint": "afdp-notary-key:v1"
        },
        "tlogEntries": [
          {
            "logIndex": "1",
            "logId": {
              "keyId": "OE34kUnJ/4P1ztwFxeom7RD7XtGS8ikVmiogK+tlwzU="
            },
            "kindVersion": {
              "kind": "hashedrekord",
              "version": "0.0.1"
            },
            "integratedTime": "1796148768",
            "inclusionPromise": {
              "signedEntryTimestamp": "MEUCIQDPKr5mSHpnWJe5sKQH35F5pb69nk0ckwLGmEVOFgzaGAIgfnDAN1tJ0ssCQDacSY96VxDfN0eYqtGkOHit73nm2AE="
            },
            "inclusionProof": {
              "logIndex": "1",
              "rootHash": "x4vtrTLmnKfYGxkocvVXnadZv8IdXRkpME617Xro5bk=",
              "treeSize": "2",
              "hashes": [
                "0vNhtoCcPi+ExZ9VNXjXryoF7ZUxowtonNR5Np9hCeQ="
              ],
              "checkpoint": {
                "envelope": "afdp-notary.local/log\n2\nx4vtrTLmnKfYGxkocvVXnadZv8IdXRkpME617Xro5bk=\n\n— afdp-notary.local/log OE34kTBFAiEA0Sc3fr+zyZvySMaYEfyBfzAMBttx1lDN4gzHE+LEaNECIBgs2ie68NExj8q3nQM0zMuC1P7sA5TpVifOBTeELJ2X\n"
              }
            },
            "canonicalizedBody": "eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiaGFzaGVkcmVrb3JkIiwic3BlYyI6eyJkYXRhIjp7Imhhc2giOnsiYWxnb3JpdGhtIjoic2hhMjU2IiwidmFsdWUiOiJjZDNhZDVmYzNjMTY5MWNjZDczNTEwODEwMjkzYzc3MjFiYWU3NzAwZTU1NTQ1MTVlZjkwNDM1Y2ZmZTNmMDJmIn19LCJzaWduYXR1cmUiOnsiY29udGVudCI6Ik1FUUNJREZRaDNXNmM2MGt1dUhEbXBlcUd1ZkE3RUdsVXlRNWVPZXRkNmNwSXRvUkFpQlYvcHNTclVWT3paalFieGxmVjB2NW5LUlBNM2RVY2ZJYmpOMVEvcGpYVkE9PSIsInB1YmxpY0tleSI6eyJjb250ZW50IjoiTFMwdExTMUNSVWRKVGlCUVZVSk1TVU1nUzBWWkxTMHRMUzBLVFVacmQwVjNXVWhMYjFwSmVtb3dRMEZSV1VsTGIxcEplbW93UkVGUlkwUlJaMEZGTWxsV09DODRUMWxsUVd0UlRHSnJkM2QzTTFSRGRDc3dRWGhsUndwUVVHZG1lbEJKVlVZelNqVkJRVUYxTjA1M2NsWTVNMkYxTkd4eGNHRTNVVXBzTTNSMk5uZzNRekZyVHpRNFUwSjZlRFZpUlRkMFFYTkJQVDBLTFMwdExTMUZUa1FnVUZWQ1RFbERJRXRGV1MwdExTMHRDZz09In19fX0="
          }
        ]
      },
      "messageSignature": {
        "messageDigest": {
          "algorithm": "SHA2_256",
          "digest": "zTrV/DwWkczXNRCBApPHchuudwDlVUUV75BDXP/j8C8="
        },
        "signature": "MEQCIDFQh3W6c60kuuHDmpeqGufA7EGlUyQ5eOetd6cpItoRAiBV/psSrUVOzZjQbxlfV0v5nKRPM3dUcfIbjN1Q/pjXVA=="
      }
    }
  },
  "status": "completed",
  "index": 0,
  "evidence_package_hash": "cd3ad5fc3c1691ccd73510810293c7721bae7700e5554515ef90435cffe3f02f",
  "error": null
}, {
  "workflow_id": "",
  "receipt": null,
  "status": "failed",
  "index": 1,
  "evidence_package_hash": null,
  "error": {
    "code": "validation_failed",
    "message": "evidence_packages[1].spec_version: must look like 1.0 or 1.0.0",
    "field": "evidence_packages[1].spec_version"
  }
}] };
const trustRoot = {
  "signing_keys": [
    {
      "key_id": "afdp-notary-key",
      "version": 1,
      "algorithm": "ecdsa-p256",
      "public_key_pem": "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2YV8/8OYeAkQLbkwww3TCt+0AxeG\nPPgfzPIUF3J5AAAu7NwrV93au4lqpa7QJl3tv6x7C1kO48SBzx5bE7tAsA==\n-----END PUBLIC KEY-----\n",
      "created_at": "2026-12-01T18:12:46.562Z"
    }
  ],
  "transparency_log": {
    "log_id": "384df89149c9ff83f5cedc05c5ea26ed10fb5ed192f229159a2a202beb65c335",
    "url": "https://notary.example.com",
    "public_key_pem": "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEI3ZCJal1nabdc9PV+JZqA+pCvSEb\nLo/jS19E3V3YFXsn4o0AmNzTLwZSpyGcD8eOxApcuQCh9Jghmd5PLB0LSw==\n-----END PUBLIC KEY-----\n",
    "origin": "afdp-notary.local/log"
  }
};
const logEntry = {
  "d2f361b6809c3e2f84c59f553578d7af2a05ed9531a30b689cd479369f6109e4": {
    "body": "eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiaGFzaGVkcmVrb3JkIiwic3BlYyI6eyJkYXRhIjp7Imhhc2giOnsiYWxnb3JpdGhtIjoic2hhMjU2IiwidmFsdWUiOiI4OTNhZmUxOWY2YzdkMTAzNzg2M2VhMGE0ZjM5NjI0MGZlYmRlMWU1YzIzOTk5ZTIzYzk0MTAyMTZjMWQyZjgxIn19LCJzaWduYXR1cmUiOnsiY29udGVudCI6Ik1FVUNJQzhXUGhQd25rYXMyaTRPK1dvRG4xa2JyaW4rT1FwM2IwMHR1bDRKMmt1UEFpRUFvdXlKNDNrNXU3SWdaZGw3NHZYTEpRMWJOL01hVTJYTWlESGk4Zk8rNWI4PSIsInB1YmxpY0tleSI6eyJjb250ZW50IjoiTFMwdExTMUNSVWRKVGlCUVZVSk1TVU1nUzBWWkxTMHRMUzBLVFVacmQwVjNXVWhMYjFwSmVtb3dRMEZSV1VsTGIxcEplbW93UkVGUlkwUlJaMEZGTWxsV09DODRUMWxsUVd0UlRHSnJkM2QzTTFSRGRDc3dRWGhsUndwUVVHZG1lbEJKVlVZelNqVkJRVUYxTjA1M2NsWTVNMkYxTkd4eGNHRTNVVXBzTTNSMk5uZzNRekZyVHpRNFUwSjZlRFZpUlRkMFFYTkJQVDBLTFMwdExTMUZUa1FnVUZWQ1RFbERJRXRGV1MwdExTMHRDZz09In19fX0=",
    "integratedTime": 1796148768,
    "logID": "384df89149c9ff83f5cedc05c5ea26ed10fb5ed192f229159a2a202beb65c335",
    "logIndex": 0,
    "verification": {
      "inclusionProof": {
        "logIndex": 0,
        "rootHash": "9cda58caef592d7e618c3d8cbe44bd6c9c813e3897a5894e0fa2225b437dbba3",
        "treeSize": 3,
        "hashes": [
          "be41e9685d830b8cc4e30b4457f7bc5d6becb63b5d2afed68a3577ac7bd0082c",
          "0f017fa1cf0f440132f49baaf566f34d0e0557709df64248a4b783fa6a4e8164"
        ],
        "checkpoint": "afdp-notary.local/log\n3\nnNpYyu9ZLX5hjD2MvkS9bJyBPjiXpYlOD6IiW0N9u6M=\n\n— afdp-notary.local/log OE34kTBGAiEAye+RvuZSM6kM1iR0Hst9ekxSFk/dCrQzJN4mhTSls1gCIQDrhEdjl7ZqF/xDTNGhoCS9ANkAAIVYpcC+7hxteEN0fw==\n"
      },
      "signedEntryTimestamp": "MEYCIQChruzhBaLBT0l2dRCdfMh+dihT3018sp/kStjA5GBXKAIhAKb57nHOIk6304DIGJCpiVgL1QgpVVLfkNSXAEVSBsQW"
    }
  }
};

const storedEvidence = {
  evidence_package_hash: receipt.evidence_package_hash, evidence_package: evidencePackage, event_type: evidencePackage.event_type,
  actor_id: evidencePackage.actor.id, created_at: receipt.signed_at, workflow_ids: [workflow.workflow_id], submitted_by: null,
};
const apiKey = {
  id: '5b0f2d1e-8c57-4e0a-9f62-1d3c4b5a6e7f', name: 'ci-pipeline', roles: ['ai_engineer'], hint: 'afdp_3Kx9',
  created_at: '2026-11-24T09:00:00.000Z', created_by: 'admin-token', revoked_at: null, revoked_by: null,
};

export const EXAMPLES = {
  evidencePackage,
  receipt,
  signRequest: { evidence_package: evidencePackage },
  signResponse: { workflow_id: workflow.workflow_id, receipt, status: 'completed' },
  validateRequest: { evidence_package: evidencePackage, receipt },
  validateSignatureRequest: { evidence_package: evidencePackage, signature: receipt.signature_b64 },
  validateResponse: {
    is_valid: true, validation_error: null,
    validation_result: { signature_valid: true, evidence_hash_valid: true, rekor_entry_valid: true, timestamp_valid: true, warnings: [] },
  },
  storedEvidence,
  evidenceList: { evidence: [storedEvidence], next_page_token: null },
  approvalRequest: {
    evidence_package: { ...evidencePackage, event_type: 'model.deployment.production.approval_required' },
    approvers: ['security-lead@caiatech.com', 'compliance-officer@caiatech.com'], quorum: 1,
  },
  approvalPending,
  approvalStatus: approvalPending,
  decisionRequest: { approver: 'security-lead@caiatech.com', decision: 'approve', comment: 'risk review done' },
  approvalCompleted,
  batchRequest: {
    evidence_packages: [
      { ...evidencePackage, event_type: 'model.training.completed', metadata: { model_id: 'model-a' } },
      { ...evidencePackage, event_type: 'model.training.completed', metadata: { model_id: 'model-b' } },
    ],
  },
  batchResponse,
  workflowList: {
    workflows: [
      { ...workflow, event_type: evidencePackage.event_type, actor_id: evidencePackage.actor.id },
      {
        workflow_id: batchResponse.workflow_id, workflow_type: 'batch_signing', status: 'completed', created_at: batchResponse.created_at,
        completed_at: batchResponse.completed_at, error_message: null, evidence_package_hash: null, updated_at: batchResponse.updated_at,
        submitted_by: null, event_type: '', actor_id: '',
      },
    ],
    next_page_token: null,
    total_count: 2,
  },
  health: { status: 'healthy', timestamp: '2026-12-01T18:12:49.086Z', version: '0.1.0' },
  trustRoot,
  signingKey: { ...trustRoot.signing_keys[0], version: 2, created_at: '2026-12-01T19:00:00.000Z' },
  logInfo: {
  "rootHash": "9cda58caef592d7e618c3d8cbe44bd6c9c813e3897a5894e0fa2225b437dbba3",
  "treeSize": 3,
  "signedTreeHead": "afdp-notary.local/log\n3\nnNpYyu9ZLX5hjD2MvkS9bJyBPjiXpYlOD6IiW0N9u6M=\n\n— afdp-notary.local/log OE34kTBGAiEAye+RvuZSM6kM1iR0Hst9ekxSFk/dCrQzJN4mhTSls1gCIQDrhEdjl7ZqF/xDTNGhoCS9ANkAAIVYpcC+7hxteEN0fw==\n",
  "treeID": "384df89149c9ff83f5cedc05c5ea26ed10fb5ed192f229159a2a202beb65c335"
},
  logPublicKeyPem: trustRoot.transparency_log.public_key_pem,
  consistencyProof: {
  "rootHash": "c78bedad32e69ca7d81b192872f5579da759bfc21d5d1929304eb5ed7ae8e5b9",
  "hashes": [
    "be41e9685d830b8cc4e30b4457f7bc5d6becb63b5d2afed68a3577ac7bd0082c"
  ]
},
  logEntry,
  apiKey,
  apiKeyCreated: { ...apiKey, api_key: 'afdp_3Kx9q2V7mYtR8wLpZ4nB6cD1eF0gH5jK' },
  auditPage: {
    entries: [{
      seq: 42, at: '2026-12-01T18:12:48.214Z', event: 'evidence.created', outcome: 'success', principal: null,
      details: { method: 'POST', route: '/api/v1/evidence/sign', request_id: 'a3c1e1f2-6c1b-4c55-9d8e-2f0b7e4d9a10', ip: '10.0.0.7', status: 200, workflow_id: workflow.workflow_id },
      prev_hash: '5d7c0f3b1e2a4c6d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5',
      hash: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29181706f5e4d3c2b1a09f8e7d6c5b',
    }],
    next_page_token: '41',
  },
} satisfies Record<string, unknown>;
