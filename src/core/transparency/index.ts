export {
  formatCheckpoint,
  keyHint,
  parseCheckpoint,
  parseSignedNote,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
  type NoteSignature,
  type NoteSigner,
  type SignedNote,
  type VerifiedCheckpoint,
} from './checkpoint.js';
export { logIdFromPublicKey, noteKey, signNoteBody, spkiDer, vkey, type NoteKey } from './note-key.js';
export {
  hashedRekordBody,
  hashedRekordEntry,
  HASHEDREKORD_V2,
  isV2,
  parseHashedRekordBody,
  type HashedRekordFields,
  type ParsedHashedRekord,
} from './hashedrekord.js';
export { setPayloadBytes, signSET, verifySET, type SetPayload } from './set.js';
export { describeFailures, entryIsValid, verifyLogEntry, type EntryCheck, type EntryVerifyOptions } from './verify-entry.js';
export { hashedRekordV2Body, hashedRekordV2Request } from './hashedrekord-v2.js';
export { verifyEcdsaDigest, verifyP256Digest } from './ecdsa-digest.js';
