/**
 * The embedded DynamoDB of the local stack: dynalite (a DynamoDB API on LevelDB) served
 * in-process on 127.0.0.1, persisting under `.modelgate/ledger` by default. The ledger adapter
 * talks to it exactly as it talks to DynamoDB in AWS.
 */
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The part of dynalite's (untyped, CommonJS) factory this module uses. */
type DynaliteFactory = (options: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
}

const requireHere = createRequire(import.meta.url);
const dynalite = requireHere('dynalite') as DynaliteFactory;
// dynalite's own LevelDB, resolved from where dynalite resolves it.
const { Level } = createRequire(requireHere.resolve('dynalite'))('level') as { Level: new (dir: string) => LevelDb };

/** The ledger directory is open in another process (or twice in this one). */
export class LocalLedgerInUseError extends Error {
  readonly dir: string;
  constructor(dir: string, options?: { cause?: unknown }) {
    super(
      `the local ledger at ${dir} is in use by another modelgate process (expected one process per ledger directory: stop the other one or choose another directory)`,
      options,
    );
    this.name = 'LocalLedgerInUseError';
    this.dir = dir;
  }
}

/**
 * dynalite opens its store lazily and, when LevelDB's lock is held elsewhere, fails on the first
 * request with an uncaught error. Opening the store once up front turns that into a clear error.
 */
const assertLedgerDirFree = async (dir: string): Promise<void> => {
  const db = new Level(dir);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') throw new LocalLedgerInUseError(dir, { cause: error });
    throw error;
  }
  await db.close();
};

/** Where the local ledger persists unless told otherwise (relative to the working directory). */
export const DEFAULT_LEDGER_DIR = '.modelgate/ledger';

export interface EmbeddedDynamoOptions {
  /** LevelDB directory; `null` keeps everything in memory (tests). Default `.modelgate/ledger`. */
  dir?: string | null;
  /** Port on 127.0.0.1; `0` (default) picks a free one. */
  port?: number;
}

export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** The LevelDB directory, or `null` in memory. */
  dir: string | null;
  /** Stops serving and closes the store (its directory can then be opened again). */
  close(): Promise<void>;
}

/**
 * Starts dynalite in this process.
 *
 * @example
 * ```ts
 * const dynamo = await startEmbeddedDynamo({ dir: null });
 * const { client, documentClient } = createLocalDocumentClient(dynamo.endpoint);
 * await ensureLedgerTable(client, 'modelgate-ledger');
 * // ...
 * client.destroy();
 * await dynamo.close();
 * ```
 */
export const startEmbeddedDynamo = async (options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> => {
  const dir = options.dir === null ? null : resolve(options.dir ?? DEFAULT_LEDGER_DIR);
  if (dir !== null) {
    await mkdir(dir, { recursive: true });
    await assertLedgerDirFree(dir);
  }
  // Tables become ACTIVE at once: nothing local is gained by imitating AWS's creation delay.
  const server = dynalite({ ...(dir !== null ? { path: dir } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    dir,
    close: () => {
      closing ??= new Promise<void>((ok, fail) => {
        server.close((error?: Error) => (error ? fail(error) : ok()));
        // Keep-alive sockets of SDK clients would otherwise hold the server open.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
};

/**
 * Stands in for SigV4 on the embedded endpoint. dynalite checks that a request carries an
 * Authorization header of the right shape and never verifies the signature, and the fixed dummy
 * credentials protect nothing, so computing one (two HMAC chains and a payload hash per call, a
 * fifth of the client's CPU per call here) buys nothing on 127.0.0.1.
 */
const localSigner: NonNullable<DynamoDBClientConfig['signer']> = {
  sign: async (request) => {
    request.headers['authorization'] =
      'AWS4-HMAC-SHA256 Credential=modelgate-local/20250101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=unsigned';
    request.headers['x-amz-date'] = '20250101T000000Z';
    return request;
  },
};

/**
 * The SDK's logger middleware builds a sensitive-data-filtered copy of every input and output for
 * `logger.info` (and of the input for `logger.error`, on every failed condition) even when the
 * logger discards it; it skips both when the logger has no such method. Nothing listens to the
 * embedded client's per-call log, so its logger has none: a tenth less client CPU per call.
 */
const quietLogger = { debug: () => undefined, warn: () => undefined } as unknown as NonNullable<DynamoDBClientConfig['logger']>;

/**
 * A DynamoDB client and DocumentClient for a local endpoint: region `local` and fixed dummy
 * credentials, so the user's AWS profile, config and credentials are never read or used. Requests
 * are not signed (see `localSigner`) and not logged: use it only for the embedded dynalite.
 */
export const createLocalDocumentClient = (endpoint: string): { client: DynamoDBClient; documentClient: DynamoDBDocumentClient } => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'modelgate-local', secretAccessKey: 'modelgate-local' },
    maxAttempts: 3,
    retryMode: 'standard',
    useDualstackEndpoint: false,
    useFipsEndpoint: false,
    signer: localSigner,
    logger: quietLogger,
  });
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
  return { client, documentClient };
};
