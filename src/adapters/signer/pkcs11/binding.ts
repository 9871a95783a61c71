/**
 * The optional `pkcs11js` binding (a Node-API addon over any vendor's PKCS#11 module: CloudHSM,
 * Luna, YubiHSM, SoftHSM2 …). Only the subset this adapter calls is typed here, so the service
 * compiles and the embedded quick start runs where the addon could not be built.
 */
export type Handle = Buffer;
export interface Attribute {
  type: number;
  value?: number | boolean | string | Buffer;
}
export interface AttributeResult {
  type: number;
  value: Buffer;
}

export interface Pkcs11Api {
  load(path: string): void;
  C_Initialize(options?: { flags?: number }): void;
  C_Finalize(): void;
  C_GetSlotList(tokenPresent?: boolean): Handle[];
  C_GetTokenInfo(slot: Handle): { label: string; serialNumber: string; model: string };
  C_OpenSession(slot: Handle, flags: number): Handle;
  C_CloseSession(session: Handle): void;
  C_Login(session: Handle, userType: number, pin?: string): void;
  C_FindObjectsInit(session: Handle, template: Attribute[]): void;
  C_FindObjects(session: Handle, maxObjectCount: number): Handle[];
  C_FindObjectsFinal(session: Handle): void;
  C_GetAttributeValue(session: Handle, object: Handle, template: Attribute[]): AttributeResult[];
  C_SignInit(session: Handle, mechanism: { mechanism: number }, key: Handle): void;
  C_SignAsync(session: Handle, inData: Buffer, outData: Buffer): Promise<Buffer>;
  C_GenerateKeyPair(
    session: Handle,
    mechanism: { mechanism: number },
    publicTmpl: Attribute[],
    privateTmpl: Attribute[],
  ): { publicKey: Handle; privateKey: Handle };
}

export interface Pkcs11Binding {
  PKCS11: new () => Pkcs11Api;
}

/** Start-up failures, each with a stable code; messages name the setting to fix and never carry the PIN. */
export type Pkcs11StartCode =
  | 'binding_missing'
  | 'module_not_loadable'
  | 'token_not_found'
  | 'pin_incorrect'
  | 'pin_locked'
  | 'key_not_found'
  | 'key_unusable'
  | 'token_error';

export class Pkcs11StartError extends Error {
  constructor(
    readonly code: Pkcs11StartCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'Pkcs11StartError';
  }
}

// A variable specifier: the package is optional, so neither TypeScript nor a bundler may require it.
const PACKAGE = 'pkcs11js';

/** Loads `pkcs11js` only when PKCS#11 signing is configured; its absence is a clear start-up error. */
export async function loadPkcs11Binding(importer: (name: string) => Promise<unknown> = (name) => import(name)): Promise<Pkcs11Binding> {
  let mod: unknown;
  try {
    mod = await importer(PACKAGE);
  } catch (err) {
    throw new Pkcs11StartError(
      'binding_missing',
      `NOTARY_PKCS11_MODULE is set but the optional package "${PACKAGE}" cannot be loaded: install it with \`npm install ${PACKAGE}\` ` +
        '(a native addon: it needs g++, make and python3 to build), or unset NOTARY_PKCS11_MODULE',
      { cause: err },
    );
  }
  // a CommonJS module: its exports object arrives as `default`
  const exports = ((mod as { default?: unknown }).default ?? mod) as Partial<Pkcs11Binding>;
  if (typeof exports.PKCS11 !== 'function')
    throw new Pkcs11StartError('binding_missing', `"${PACKAGE}" was loaded but exports no PKCS11 class`);
  return exports as Pkcs11Binding;
}

/** The CKR_* code of a Cryptoki error (pkcs11js's Pkcs11Error), or undefined for any other error. */
export function ckr(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'number' ? code : undefined;
}

/** `CKR_PIN_INCORRECT`-style name for messages (pkcs11js puts the name in the message). */
export function ckrName(err: unknown): string {
  const m = err instanceof Error ? /^CKR_[A-Z_]+/.exec(err.message) : null;
  return m ? m[0] : err instanceof Error ? err.message : String(err);
}
