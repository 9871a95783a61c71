import { describe, expect, it } from 'vitest';
import { canonicalBytes, sha256Hex } from '../../src/core/canonical.js';
import { isNotaryError } from '../../src/core/errors.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { prepareEvidence, validateEvidencePackage } from '../../src/core/validate-evidence.js';
import { fixture, fixtures } from '../support/records.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return isNotaryError(err) ? `${err.code}:${err.field}` : `untyped:${String(err)}`;
  }
  return 'ok';
};

describe('RFC 8785 canonical form', () => {
  it('sorts keys by UTF-16 code units and formats numbers like ECMAScript', () => {
    // vectors from RFC 8785 §3.2.2 / Appendix B
    expect(canonicalBytes({ b: 1, a: [3, { d: 1e21, c: 0.000001 }], '\u20ac': 'x', '\r': 'y' }).toString()).toBe(
      '{"\\r":"y","a":[3,{"c":0.000001,"d":1e+21}],"b":1,"€":"x"}',
    );
    expect(canonicalBytes([56, -0, 1e-7, 333333333.3333333]).toString()).toBe('[56,0,1e-7,333333333.3333333]');
    expect(canonicalBytes({ s: '\u0000\u001f"\\/é' }).toString()).toBe('{"s":"\\u0000\\u001f\\"\\\\/é"}');
  });

  it('hashes the same package to the same value whatever the key order or whitespace', () => {
    const pkg = fixture();
    const shuffled = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(pkg).reverse()), null, 4));
    expect(prepareEvidence(shuffled, DEFAULT_LIMITS).hashHex).toBe(prepareEvidence(pkg, DEFAULT_LIMITS).hashHex);
    expect(prepareEvidence(pkg, DEFAULT_LIMITS).hashHex).toBe(sha256Hex(canonicalBytes(pkg)));
  });
});

describe('evidence package validation', () => {
  it('accepts every shared fixture unchanged', () => {
    for (const [name, pkg] of Object.entries(fixtures())) {
      expect(prepareEvidence(pkg, DEFAULT_LIMITS).pkg, name).toEqual(pkg);
    }
  });

  it('accepts a package without metadata or auth_provider or uri', () => {
    const pkg = {
      spec_version: '1.0',
      timestamp_utc: '2024-01-01T00:00:00+02:00',
      event_type: 'a.b',
      actor: { actor_type: 'x', id: 'y' },
      artifacts: [{ name: 'n', hash_sha256: 'a'.repeat(64) }],
    };
    expect(codeOf(() => prepareEvidence(pkg, DEFAULT_LIMITS))).toBe('ok');
  });

  it('names the offending field with a stable code', () => {
    const cases: [(p: any) => void, string][] = [
      [
        (p) => {
          p.spec_version = 'one';
        },
        'validation_failed:evidence_package.spec_version',
      ],
      [
        (p) => {
          delete p.actor;
        },
        'validation_failed:evidence_package.actor',
      ],
      [
        (p) => {
          p.actor.auth_provider = 5;
        },
        'validation_failed:evidence_package.actor.auth_provider',
      ],
      [
        (p) => {
          p.artifacts[1].uri = '';
        },
        'validation_failed:evidence_package.artifacts[1].uri',
      ],
      [
        (p) => {
          p.artifacts[2].hash_sha256 = 7;
        },
        'validation_failed:evidence_package.artifacts[2].hash_sha256',
      ],
      [
        (p) => {
          p.artifacts = 'x';
        },
        'validation_failed:evidence_package.artifacts',
      ],
      [
        (p) => {
          p.timestamp_utc = '2024-01-23 14:30:00';
        },
        'validation_failed:evidence_package.timestamp_utc',
      ],
    ];
    for (const [mutate, expected] of cases) {
      const pkg = fixture();
      mutate(pkg);
      expect(codeOf(() => prepareEvidence(pkg, DEFAULT_LIMITS))).toBe(expected);
    }
    expect(codeOf(() => prepareEvidence('text', DEFAULT_LIMITS))).toBe('invalid_request:evidence_package');
  });

  it('accepts what AFDP accepts, signing exactly what was sent and naming what it does not understand', () => {
    const pkg: any = { ...fixture(), build_id: 'b-42', event_type: 'deploy', actor: { ...fixture().actor, team: 'ml' } };
    pkg.artifacts = [
      { ...pkg.artifacts[0], size: 1024 },
      { name: 'doc', hash_sha256: 'abc123def456...' },
      { name: 'up', hash_sha256: 'E'.repeat(64) },
    ];
    const prepared = prepareEvidence(pkg, DEFAULT_LIMITS);
    expect(prepared.pkg).toEqual(pkg); // every field kept
    expect(prepared.hashHex).toBe(sha256Hex(canonicalBytes(pkg))); // and signed
    expect(prepared.warnings).toEqual([
      "evidence_package.build_id: not a field of AFDP's evidence package; signed as given",
      "evidence_package.actor.team: not a field of AFDP's evidence package; signed as given",
      "evidence_package.artifacts[0].size: not a field of AFDP's evidence package; signed as given",
      'evidence_package.artifacts[1].hash_sha256: not 64 lowercase hex characters (a SHA-256); signed as given',
      'evidence_package.artifacts[2].hash_sha256: not 64 lowercase hex characters (a SHA-256); signed as given',
    ]);
    expect(prepareEvidence({ ...fixture(), artifacts: [] }, DEFAULT_LIMITS).warnings).toEqual([]);
    expect(prepareEvidence(fixture(), DEFAULT_LIMITS).warnings).toEqual([]);
  });

  it('refuses odd artifact hashes with NOTARY_STRICT_ARTIFACT_HASHES', () => {
    const strict = { ...DEFAULT_LIMITS, strictArtifactHashes: true };
    const pkg: any = fixture();
    pkg.artifacts[1].hash_sha256 = 'abc123';
    expect(codeOf(() => prepareEvidence(pkg, strict))).toBe('validation_failed:evidence_package.artifacts[1].hash_sha256');
    expect(codeOf(() => prepareEvidence(fixture(), strict))).toBe('ok');
  });

  it('does not loosen integrity: limits and non-JSON values still refused in unknown fields', () => {
    expect(codeOf(() => prepareEvidence({ ...fixture(), extra: Number.NaN }, DEFAULT_LIMITS))).toBe(
      'validation_failed:evidence_package.extra',
    );
    expect(codeOf(() => prepareEvidence({ ...fixture(), extra: 'x'.repeat(20_000) }, DEFAULT_LIMITS))).toBe(
      'payload_too_large:evidence_package.extra',
    );
    expect(codeOf(() => prepareEvidence({ ...fixture(), extra: () => 1 }, DEFAULT_LIMITS))).toBe(
      'validation_failed:evidence_package.extra',
    );
  });

  it('enforces node count and depth limits on hostile metadata without recursion blow-ups', () => {
    const limits = { ...DEFAULT_LIMITS, maxNodes: 1000 };
    const wide = { ...fixture(), metadata: { list: Array.from({ length: 2000 }, (_, i) => i) } };
    expect(codeOf(() => prepareEvidence(wide, limits))).toMatch(/^payload_too_large/);
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 5000; i++) {
      deep.x = {};
      deep = deep.x as Record<string, unknown>;
    }
    expect(codeOf(() => prepareEvidence({ ...fixture(), metadata: root }, DEFAULT_LIMITS))).toMatch(/^payload_too_large/);
  });
});

describe('integrity rules (values that arrive without text: gRPC Struct, a store, a library caller)', () => {
  it.each([
    [
      'a lone surrogate in a value',
      (p: any) => {
        p.metadata = { s: 'a\ud800' };
      },
      'validation_failed:evidence_package.metadata.s',
    ],
    [
      'a lone surrogate in a key',
      (p: any) => {
        p.metadata = { 'k\udc00': 1 };
      },
      'validation_failed:evidence_package.metadata.<key>',
    ],
    [
      'an integer beyond 2^53-1',
      (p: any) => {
        p.metadata = { n: 1.23e29 };
      },
      'validation_failed:evidence_package.metadata.n',
    ],
    [
      'spec_version 2.0',
      (p: any) => {
        p.spec_version = '2.0';
      },
      'validation_failed:evidence_package.spec_version',
    ],
    [
      'February 30th',
      (p: any) => {
        p.timestamp_utc = '2024-02-30T00:00:00Z';
      },
      'validation_failed:evidence_package.timestamp_utc',
    ],
    [
      'February 29th of a common year',
      (p: any) => {
        p.timestamp_utc = '2023-02-29T00:00:00Z';
      },
      'validation_failed:evidence_package.timestamp_utc',
    ],
    [
      'hour 24',
      (p: any) => {
        p.timestamp_utc = '2024-01-01T24:00:00Z';
      },
      'validation_failed:evidence_package.timestamp_utc',
    ],
    [
      'a leap second',
      (p: any) => {
        p.timestamp_utc = '2016-12-31T23:59:60Z';
      },
      'validation_failed:evidence_package.timestamp_utc',
    ],
    [
      'offset +16:00',
      (p: any) => {
        p.timestamp_utc = '2024-01-01T00:00:00+16:00';
      },
      'validation_failed:evidence_package.timestamp_utc',
    ],
    [
      'NUL in actor.id',
      (p: any) => {
        p.actor.id = '\u0000';
      },
      'validation_failed:evidence_package.actor.id',
    ],
    [
      'an event_type over 1024 bytes',
      (p: any) => {
        p.event_type = `a.${'b'.repeat(1100)}`;
      },
      'payload_too_large:evidence_package.event_type',
    ],
  ])('refuses %s', (_name, mutate, expected) => {
    const pkg = fixture();
    mutate(pkg);
    expect(codeOf(() => prepareEvidence(pkg, DEFAULT_LIMITS))).toBe(expected);
  });

  it.each(['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999-15:59', '2024-02-29T12:00:00+14:00', '2000-02-29t00:00:00z'])(
    'accepts %s',
    (t) => {
      expect(codeOf(() => prepareEvidence({ ...fixture(), timestamp_utc: t }, DEFAULT_LIMITS))).toBe('ok');
    },
  );

  it('turns anything RFC 8785 cannot encode into a final validation error, never an untyped one', () => {
    expect(codeOf(() => canonicalBytes({ s: '\ud800' }))).toBe('validation_failed:undefined');
  });

  it('writes unprintable characters of error messages and fields as escapes (they are stored and published)', () => {
    const pkg = { ...fixture(), metadata: { 'bad\u0000key': '\ud800' } } as unknown;
    try {
      prepareEvidence(pkg, DEFAULT_LIMITS);
    } catch (err) {
      expect(isNotaryError(err) && err.field).toBe('evidence_package.metadata.bad\\u0000key');
      expect((err as Error).message).not.toContain('\u0000');
      return;
    }
    throw new Error('accepted');
  });

  it('writes unprintable characters of warnings as escapes (an unknown member is signed, and named)', () => {
    const warnings: string[] = [];
    validateEvidencePackage({ ...fixture(), 'bad\u0000key': 1 }, DEFAULT_LIMITS, 'evidence_package', warnings);
    expect(warnings).toEqual([expect.stringContaining('evidence_package.bad\\u0000key')]);
    expect(warnings.join('')).not.toContain('\u0000');
  });
});
