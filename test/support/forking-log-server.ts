/**
 * A notary front whose transparency log the test controls, to show the console a log that forks:
 * the real console plugin serves the pages; the log routes answer in the embedded log's shapes
 * (GET /api/v1/log, /log/proof, /log/entries, /trust-root) from a Merkle tree of leaves the test
 * sets, with checkpoints signed by one log key. Setting leaves that rewrite history, or fewer
 * leaves, is a log that shows one browser two histories, each validly signed.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerConsole } from '../../src/api/rest/console/plugin.js';
import { generateP256KeyPair } from '../../src/core/keys.js';
import { leafHash, MerkleTree } from '../../src/core/merkle/index.js';
import { logIdFromPublicKey, signCheckpoint } from '../../src/core/transparency/index.js';

export interface ForkingLogServer {
  url: string;
  /** the log from now on: one leaf per string, in order */
  setLeaves(leaves: string[]): void;
  close(): Promise<void>;
}

const ORIGIN = 'forking-log.test/log';

export async function startForkingLogServer(): Promise<ForkingLogServer> {
  const { privateKey, publicKey } = generateP256KeyPair();
  const signing = generateP256KeyPair().publicKey;
  const pem = (k: typeof publicKey) => k.export({ type: 'spki', format: 'pem' }).toString();
  let tree = new MerkleTree();
  const app: FastifyInstance = Fastify();
  await registerConsole(app);
  app.get('/api/v1/auth/whoami', async () => ({
    id: null,
    kind: null,
    name: null,
    roles: [],
    permissions: ['evidence.read'],
    auth_mode: 'off',
  }));
  app.get('/api/v1/trust-root', async () => ({
    signing_keys: [
      { key_id: 'forking-test', version: 1, algorithm: 'ecdsa-p256', public_key_pem: pem(signing), created_at: new Date(0).toISOString() },
    ],
    transparency_log: {
      log_id: logIdFromPublicKey(publicKey),
      url: 'http://forking-log.test',
      public_key_pem: pem(publicKey),
      origin: ORIGIN,
    },
  }));
  app.get('/api/v1/log', async () => {
    const rootHash = tree.root();
    return {
      rootHash: rootHash.toString('hex'),
      treeSize: tree.size,
      treeID: logIdFromPublicKey(publicKey),
      signedTreeHead: signCheckpoint({ origin: ORIGIN, size: tree.size, rootHash, otherContent: [] }, { name: ORIGIN, privateKey }),
    };
  });
  app.get<{ Querystring: { firstSize: string; lastSize: string } }>('/api/v1/log/proof', async (request, reply) => {
    const [m, n] = [Number(request.query.firstSize), Number(request.query.lastSize)];
    if (!(m >= 1 && m <= n && n <= tree.size))
      return reply.code(422).send({ code: 'validation_failed', detail: `need 1 <= firstSize <= lastSize <= ${tree.size}` });
    return { rootHash: tree.root(n).toString('hex'), hashes: tree.consistencyProof(m, n).map((h) => h.toString('hex')) };
  });
  app.get<{ Querystring: { logIndex: string } }>('/api/v1/log/entries', async (request) => {
    const i = Number(request.query.logIndex);
    return { [`${i}`.padStart(64, '0')]: { integratedTime: 1_790_000_000 + i * 60, logIndex: i } };
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    setLeaves: (leaves) => {
      tree = new MerkleTree(leaves.map((l) => leafHash(Buffer.from(l))));
    },
    close: () => app.close(),
  };
}
