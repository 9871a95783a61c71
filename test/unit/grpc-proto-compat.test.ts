import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { PROTO_DIR } from '../../src/api/grpc/index.js';
import { AFDP_DIR } from '../support/afdp.js';

/**
 * AFDP's published proto (test/fixtures/afdp/proto/notary.proto, package afdp.notary.v1), read as
 * data and compared item by item with ours: every message field (name, number, type, label), enum
 * value and RPC must be kept, so an AFDP client and this server read each other's bytes. Additions
 * are allowed only on new numbers.
 */
const PKG = 'afdp.notary.v1';

function load(dir: string, file: string): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_o, target) => (target.startsWith('google/protobuf/') ? target : join(dir, target));
  root.loadSync(file, { keepCase: true }).resolveAll();
  return root;
}

const afdp = load(join(AFDP_DIR, 'proto'), 'notary.proto');
const ours = load(PROTO_DIR, 'afdp/notary/v1/notary.proto');
const ns = (root: protobuf.Root) => root.lookup(PKG) as protobuf.Namespace;
const typeName = (f: protobuf.Field) => (f.resolvedType ? f.resolvedType.fullName.replace(`.${PKG}.`, '').replace(/^\./, '') : f.type);

const afdpMessages = ns(afdp).nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);
const afdpEnums = ns(afdp).nestedArray.filter((n): n is protobuf.Enum => n instanceof protobuf.Enum);
const afdpServices = ns(afdp).nestedArray.filter((n): n is protobuf.Service => n instanceof protobuf.Service);

describe("notary.proto stays wire compatible with AFDP's published proto", () => {
  it("reads AFDP's proto: 24 messages, 2 enums, one service of 8 RPCs", () => {
    expect([afdpMessages.length, afdpEnums.length, afdpServices.length, afdpServices[0]!.methodsArray.length]).toEqual([24, 2, 1, 8]);
  });

  it.each(afdpMessages.map((m) => [m.name, m] as const))('%s keeps every AFDP field name, number, type and label', (name, theirs) => {
    const mine = ns(ours).lookupType(name);
    for (const f of theirs.fieldsArray) {
      const o = mine.fields[f.name];
      expect(o, `${name}.${f.name}`).toBeDefined();
      expect([o!.id, typeName(o!), o!.repeated, o!.map], `${name}.${f.name}`).toEqual([f.id, typeName(f), f.repeated, f.map]);
    }
    const maxAfdp = Math.max(0, ...theirs.fieldsArray.map((f) => f.id));
    for (const f of mine.fieldsArray)
      if (!theirs.fields[f.name]) expect(f.id, `${name}.${f.name} is added above AFDP's numbers`).toBeGreaterThan(maxAfdp);
  });

  it.each(afdpEnums.map((e) => [e.name, e] as const))("enum %s keeps AFDP's values", (name, theirs) => {
    expect(ns(ours).lookupEnum(name).values).toEqual(theirs.values);
  });

  it('NotaryService keeps every AFDP RPC with its types and streaming, and adds only SignEvidenceStream', () => {
    const theirs = afdpServices[0]!;
    const mine = ns(ours).lookupService(theirs.name);
    for (const m of theirs.methodsArray) {
      const o = mine.methods[m.name];
      expect(o, m.name).toBeDefined();
      expect([o!.requestType, o!.responseType, !!o!.requestStream, !!o!.responseStream], m.name).toEqual([
        m.requestType,
        m.responseType,
        !!m.requestStream,
        !!m.responseStream,
      ]);
    }
    expect(mine.methodsArray.map((m) => m.name).filter((m) => !theirs.methods[m])).toEqual(['SignEvidenceStream']);
  });

  it("covers every item: 97 fields, enum values and RPCs of AFDP's proto", () => {
    const items =
      afdpMessages.reduce((n, m) => n + m.fieldsArray.length, 0) +
      afdpEnums.reduce((n, e) => n + Object.keys(e.values).length, 0) +
      afdpServices[0]!.methodsArray.length;
    expect(items).toBe(97);
  });
});
