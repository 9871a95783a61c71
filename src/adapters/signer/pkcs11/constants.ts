/** The PKCS#11 v2.40 numbers this adapter uses (pkcs11t.h): fixed by the standard, so not taken from the optional binding. */
export const CKF_RW_SESSION = 0x2;
export const CKF_SERIAL_SESSION = 0x4;
export const CKU_USER = 1;
/** C_Initialize: the module may lock with the OS's primitives (our async calls run on libuv's worker threads) */
export const CKF_OS_LOCKING_OK = 0x2;

export const CKO_PUBLIC_KEY = 2;
export const CKO_PRIVATE_KEY = 3;
export const CKK_EC = 3;

export const CKA_CLASS = 0x0;
export const CKA_TOKEN = 0x1;
export const CKA_PRIVATE = 0x2;
export const CKA_LABEL = 0x3;
export const CKA_VALUE = 0x11;
export const CKA_KEY_TYPE = 0x100;
export const CKA_ID = 0x102;
export const CKA_SENSITIVE = 0x103;
export const CKA_SIGN = 0x108;
export const CKA_VERIFY = 0x10a;
export const CKA_EXTRACTABLE = 0x162;
export const CKA_NEVER_EXTRACTABLE = 0x164;
export const CKA_ALWAYS_SENSITIVE = 0x165;
export const CKA_EC_PARAMS = 0x180;
export const CKA_EC_POINT = 0x181;

export const CKM_EC_KEY_PAIR_GEN = 0x1040;
export const CKM_ECDSA = 0x1041;

/** Return values the adapter tells apart (the rest are reported by name). */
export const CKR = {
  PIN_INCORRECT: 0xa0,
  PIN_LOCKED: 0xa4,
  PIN_EXPIRED: 0xa3,
  USER_ALREADY_LOGGED_IN: 0x100,
  USER_NOT_LOGGED_IN: 0x101,
  SESSION_CLOSED: 0xb0,
  SESSION_HANDLE_INVALID: 0xb3,
  DEVICE_ERROR: 0x30,
  DEVICE_MEMORY: 0x31,
  DEVICE_REMOVED: 0x32,
  TOKEN_NOT_PRESENT: 0xe0,
  TOKEN_NOT_RECOGNIZED: 0xe1,
  KEY_HANDLE_INVALID: 0x60,
  OBJECT_HANDLE_INVALID: 0x82,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;
