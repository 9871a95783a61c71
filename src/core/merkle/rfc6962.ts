/** RFC 6962 Merkle trees: hashing, an in-memory tree with proofs, and proof verification. */
export { EMPTY_ROOT, HASH_LEN, isPowerOfTwo, leafHash, nodeHash, splitPoint } from './hash.js';
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify.js';
export { MerkleTree } from './tree.js';
export { RootBuilder } from './root-builder.js';
export {
  decodeEntryBundle,
  decodeTileIndex,
  encodeEntryBundle,
  encodeTileIndex,
  entriesPath,
  inclusionProofFromTiles,
  TILE_WIDTH,
  tilePath,
  tileWidth,
  type TileReader,
} from './tiles.js';
