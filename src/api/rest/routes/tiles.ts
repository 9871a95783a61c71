/**
 * The embedded log as a C2SP tiled log (c2sp.org/tlog-tiles) under `/api/v1/log/tiles`, so tile
 * clients, monitors and witnesses can follow it: `checkpoint` (the latest signed checkpoint, with
 * an ECDSA and an Ed25519 signature), `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { TILES_PATH, type LogReads } from '../../../ports/log-reads.js';
import { decodeTileIndex, encodeEntryBundle, TILE_WIDTH } from '../../../core/merkle/index.js';
import { NotaryError } from '../../../core/errors.js';
import { EXAMPLES } from '../openapi/examples.js';
import { errorResponses } from '../schemas/index.js';

const TILE = /^(entries|[0-9]|[1-5][0-9]|6[0-3])\/((?:x\d{3}\/)*\d{3})(?:\.p\/([1-9]\d?|1\d\d|2[0-4]\d|25[0-5]))?$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const tags = ['Transparency log'];

export function tileRoutes(app: FastifyInstance, log: LogReads): void {
  app.get(
    `${TILES_PATH}/checkpoint`,
    {
      schema: {
        tags,
        operationId: 'getTileCheckpoint',
        summary: 'The latest checkpoint (c2sp.org/tlog-tiles)',
        description:
          "A C2SP signed note with two signatures by the log: ECDSA (the trust root's public_key_pem) and Ed25519 (its vkey). " +
          'Every tile served belongs to the tree it commits to.',
        response: {
          200: {
            description: 'C2SP checkpoint',
            content: { 'text/plain': { schema: { type: 'string' }, example: EXAMPLES.logInfo.signedTreeHead } },
          },
          ...errorResponses(404),
        },
      },
    },
    async (_request, reply) => {
      const cp = await log.checkpoint();
      if (!cp.note) throw new NotaryError('not_found', 'the log has no checkpoint yet');
      return reply.header('cache-control', 'no-cache').type('text/plain; charset=utf-8').send(cp.note);
    },
  );

  app.get<{ Params: { '*': string } }>(
    `${TILES_PATH}/tile/*`,
    {
      schema: {
        tags,
        operationId: 'getTile',
        summary: 'A hash tile or entry bundle (c2sp.org/tlog-tiles)',
        description:
          "`<L>/<N>[.p/<W>]`: level L's tile N, 256 hashes of 32 bytes (W when partial); `entries/<N>[.p/<W>]`: the " +
          'hashedrekord bodies of those leaves, each after its 2-byte big-endian length. N is written in groups of three digits, all but ' +
          'the last prefixed with x (1234067 → x001/x234/067). Full tiles never change (cached for a year); only what the checkpoint covers is served.',
        params: {
          type: 'object',
          required: ['*'],
          properties: {
            '*': {
              type: 'string',
              maxLength: 64,
              description: 'the tile path after tile/, e.g. 0/000, 1/000.p/3 or entries/x001/234.p/17',
            },
          },
        },
        response: {
          200: {
            description: 'Raw bytes (the example is a partial level-0 tile of three leaf hashes, read as Latin-1)',
            content: {
              'application/octet-stream': {
                schema: { type: 'string', contentMediaType: 'application/octet-stream' },
                example: EXAMPLES.tile,
              },
            },
          },
          ...errorResponses(404),
        },
      },
    },
    async (request, reply) => {
      const m = TILE.exec(request.params['*']);
      const index = m ? decodeTileIndex(m[2]!) : undefined;
      if (!m || index === undefined) throw new NotaryError('not_found', 'not a tile path (c2sp.org/tlog-tiles)');
      const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
      const { treeSize } = await log.checkpoint(); // only what a signed checkpoint covers is served
      const bytes =
        m[1] === 'entries' ? await entryBundle(log, index, width, treeSize) : log.tileHashes(Number(m[1]), index, width, treeSize);
      if (!bytes) throw new NotaryError('not_found', `no such tile in a tree of ${treeSize}`);
      return binary(reply, bytes);
    },
  );
}

async function entryBundle(log: LogReads, index: number, width: number, treeSize: number): Promise<Buffer | undefined> {
  if (!log.tileHashes(0, index, width, treeSize)) return undefined;
  const bodies = await log.leafData(index * TILE_WIDTH, width);
  return bodies && encodeEntryBundle(bodies);
}

const binary = (reply: FastifyReply, bytes: Buffer) =>
  reply.header('cache-control', IMMUTABLE).type('application/octet-stream').send(bytes);
