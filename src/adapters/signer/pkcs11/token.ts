import { CKF_OS_LOCKING_OK, CKF_RW_SESSION, CKF_SERIAL_SESSION, CKR, CKU_USER } from './constants.js';
import { ckr, ckrName, Pkcs11StartError, type Attribute, type Handle, type Pkcs11Api, type Pkcs11Binding } from './binding.js';

export interface TokenOptions {
  module: string;
  /** the token is found by its label, or by its slot ID */
  tokenLabel?: string;
  slot?: number;
  pin: string;
  /** at most this many sessions, each used by one operation at a time (a session is not thread-safe) */
  sessions: number;
}

/** Errors after which the session (or the login) is gone: the session is dropped and the caller may retry. */
const LOST = new Set<number>([
  CKR.SESSION_CLOSED,
  CKR.SESSION_HANDLE_INVALID,
  CKR.USER_NOT_LOGGED_IN,
  CKR.DEVICE_ERROR,
  CKR.DEVICE_MEMORY,
  CKR.DEVICE_REMOVED,
  CKR.TOKEN_NOT_PRESENT,
  CKR.TOKEN_NOT_RECOGNIZED,
]);
export const isLost = (err: unknown): boolean => LOST.has(ckr(err) ?? -1);

// Cryptoki is initialized once per process and module: a second C_Finalize would end every other user's sessions.
// The binding object is kept for the process's life: collecting it dlclose()s the module, and modules
// such as SoftHSM2 crash when loaded again after being unloaded.
const modules = new Map<string, { api: Pkcs11Api; users: number }>();

/** One logged-in token: a small pool of sessions over one login, reopened when the token drops them. */
export class Pkcs11Token {
  readonly #idle: Handle[] = [];
  readonly #waiting: { resolve: (s: Handle) => void; reject: (err: unknown) => void }[] = [];
  #open = 0;
  #loggedIn = false;
  #closed = false;
  #released = false;

  private constructor(
    readonly api: Pkcs11Api,
    private readonly slot: Handle,
    private readonly options: TokenOptions,
  ) {}

  static async open(binding: Pkcs11Binding, options: TokenOptions): Promise<Pkcs11Token> {
    const api = initialize(binding, options.module);
    try {
      const token = new Pkcs11Token(api, findSlot(api, options), options);
      token.#release(await token.#newSession());
      return token;
    } catch (err) {
      release(options.module);
      throw err;
    }
  }

  /** Runs `fn` on a session of its own; a session the token lost is closed instead of going back to the pool. */
  async use<T>(fn: (session: Handle) => T | Promise<T>): Promise<T> {
    const session = await this.#acquire();
    try {
      const out = await fn(session);
      this.#release(session);
      return out;
    } catch (err) {
      if (isLost(err)) this.#drop(session);
      else this.#release(session);
      throw err;
    }
  }

  find(session: Handle, template: Attribute[]): Handle[] {
    this.api.C_FindObjectsInit(session, template);
    try {
      const out: Handle[] = [];
      for (let batch = this.api.C_FindObjects(session, 64); batch.length > 0; batch = this.api.C_FindObjects(session, 64))
        out.push(...batch);
      return out;
    } finally {
      this.api.C_FindObjectsFinal(session);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#idle.splice(0)) this.#closeSession(s);
    for (const w of this.#waiting.splice(0)) w.reject(new Error('the PKCS#11 token is closed'));
    this.#finish();
  }

  /** Once closed and idle: a signature still running on a worker thread must end before Cryptoki is finalized. */
  #finish(): void {
    if (!this.#closed || this.#open > 0 || this.#released) return;
    this.#released = true;
    release(this.options.module);
  }

  async #acquire(): Promise<Handle> {
    if (this.#closed) throw new Error('the PKCS#11 token is closed');
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#open < this.options.sessions) return this.#newSession();
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #release(session: Handle): void {
    if (this.#closed) return this.#closeSession(session);
    const next = this.#waiting.shift();
    if (next) next.resolve(session);
    else this.#idle.push(session);
  }

  /**
   * A lost session means the token restarted, was removed or logged us out: the idle sessions went
   * with it, and so did the login (it ends with the last session). Start over on the next call.
   */
  #drop(session: Handle): void {
    this.#loggedIn = false;
    this.#closeSession(session);
    for (const s of this.#idle.splice(0)) this.#closeSession(s);
    // whoever waits gets a fresh session (or the error of opening one, from its own call)
    const next = this.#waiting.shift();
    if (next) this.#newSession().then(next.resolve, next.reject);
  }

  #closeSession(session: Handle): void {
    this.#open--;
    try {
      this.api.C_CloseSession(session);
    } catch {
      // already gone with the token: nothing to close
    }
    this.#finish();
  }

  async #newSession(): Promise<Handle> {
    this.#open++;
    let session: Handle;
    try {
      session = this.api.C_OpenSession(this.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    } catch (err) {
      this.#open--;
      throw err;
    }
    if (this.#loggedIn) return session;
    try {
      // one login per application: every session of this process shares it
      this.api.C_Login(session, CKU_USER, this.options.pin);
    } catch (err) {
      if (ckr(err) !== CKR.USER_ALREADY_LOGGED_IN) {
        this.#closeSession(session);
        throw loginError(err);
      }
    }
    this.#loggedIn = true;
    return session;
  }
}

function initialize(binding: Pkcs11Binding, module: string): Pkcs11Api {
  let known = modules.get(module);
  if (!known) {
    const api = new binding.PKCS11();
    try {
      api.load(module);
    } catch (err) {
      throw new Pkcs11StartError(
        'module_not_loadable',
        `NOTARY_PKCS11_MODULE: cannot load the PKCS#11 module ${module}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    known = { api, users: 0 };
    modules.set(module, known);
  }
  if (known.users === 0) {
    try {
      // without CK_C_INITIALIZE_ARGS a module may assume one thread: concurrent signing on the libuv pool then corrupts it
      known.api.C_Initialize({ flags: CKF_OS_LOCKING_OK });
    } catch (err) {
      if (ckr(err) !== CKR.CRYPTOKI_ALREADY_INITIALIZED) {
        throw new Pkcs11StartError('token_error', `C_Initialize of ${module} failed: ${ckrName(err)}`, { cause: err });
      }
    }
  }
  known.users++;
  return known.api;
}

function release(module: string): void {
  const known = modules.get(module);
  if (!known || --known.users > 0) return;
  try {
    known.api.C_Finalize();
  } catch {
    // the module may already be unusable; the process keeps going either way
  }
}

function findSlot(api: Pkcs11Api, { tokenLabel, slot, module }: TokenOptions): Handle {
  const slots = api.C_GetSlotList(true);
  const found = slots.find((s) =>
    slot !== undefined ? s.readBigUInt64LE(0) === BigInt(slot) : api.C_GetTokenInfo(s).label.trim() === tokenLabel,
  );
  if (found) return found;
  const labels = slots.map((s) => `"${api.C_GetTokenInfo(s).label.trim()}"`).join(', ') || 'none';
  const wanted = slot !== undefined ? `slot ${slot}` : `a token labelled "${tokenLabel}"`;
  throw new Pkcs11StartError('token_not_found', `${module} has no ${wanted} (tokens present: ${labels})`);
}

/** The PIN never enters the message: only the Cryptoki code does. */
function loginError(err: unknown): Error {
  const code = ckr(err);
  if (code === CKR.PIN_INCORRECT)
    return new Pkcs11StartError(
      'pin_incorrect',
      'PKCS#11 login refused: the PIN (NOTARY_PKCS11_PIN / NOTARY_PKCS11_PIN_FILE) is incorrect (CKR_PIN_INCORRECT)',
      { cause: err },
    );
  if (code === CKR.PIN_LOCKED || code === CKR.PIN_EXPIRED)
    return new Pkcs11StartError('pin_locked', `PKCS#11 login refused: ${ckrName(err)}; the security officer must reset the user PIN`, {
      cause: err,
    });
  return err instanceof Error ? err : new Error(String(err));
}
