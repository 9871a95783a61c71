export {
  formatCheckpoint,
  keyHint,
  parseCheckpoint,
  parseSignedNote,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
  type NoteSignature,
  type SignedNote,
} from './checkpoint.js';
export { hashedRekordBody, hashedRekordEntry, parseHashedRekordBody, type HashedRekordFields } from './hashedrekord.js';
export { logIdFromPublicKey, spkiDer } from './log-id.js';
export { setPayloadBytes, signSET, verifySET, type SetPayload } from './set.js';
export { describeFailures, entryIsValid, verifyLogEntry, type EntryCheck } from './verify-entry.js';
export { verifyP256Digest } from './p256.js';
