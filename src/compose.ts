/**
 * The one place that wires adapters to ports. `composeLocal` is the embedded stack (dynalite under
 * `.modelgate/`, the local registry seeded from `examples/`, `file://` evidence, events to the
 * console); `composeAws` is the deployed path (SageMaker, S3, DynamoDB, EventBridge, SNS).
 */
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pkgJson from '../package.json' with { type: 'json' };
import checks from '../checks/index.js';
import { checkConfigValidators } from './generated/validators.js';
import type { AppLogger, AppServices } from './app/services.js';
import { createCheckRegistry } from './core/check-registry.js';
import { systemClock, type ArtifactStore, type EventPublisher, type PolicySource } from './core/ports.js';
import { InvalidInputError } from './core/errors.js';
import { createDocumentClient, createEventBridgeClient, createSageMakerClient, createSnsClient } from './adapters/aws/clients.js';
import { DynamoDbLedger } from './adapters/aws/dynamodb-ledger.js';
import { EventBridgePublisher } from './adapters/aws/eventbridge-publisher.js';
import { ensureLedgerTable } from './adapters/aws/ledger-table.js';
import { S3ArtifactStore } from './adapters/aws/s3-artifact-store.js';
import { createS3Client } from './adapters/aws/s3-client.js';
import { SageMakerRegistry } from './adapters/aws/sagemaker-registry.js';
import { SnsNotifier } from './adapters/aws/sns-notifier.js';
import { KmsSigner, createKmsClient } from './adapters/aws/kms-signer.js';
import { Ed25519Signer } from './adapters/local/ed25519-signer.js';
import { FileArtifactStore } from './adapters/local/file-artifact-store.js';
import { ConsoleOutbox } from './adapters/local/console-outbox.js';
import { consoleLogger } from './adapters/local/console-logger.js';
import { createLocalDocumentClient, startEmbeddedDynamo } from './adapters/local/embedded-dynamodb.js';
import { LocalRegistry } from './adapters/local/local-registry.js';
import { FilePolicySource } from './adapters/local/policy-files.js';
import { awsPromotionServices, localPromotionServices } from './compose-promotion.js';

export const SERVICE_VERSION: string = `modelgate@${pkgJson.version}`;

/** The project root (where `policies/`, `examples/` and `checks/` live), from this module's location. */
export const projectRoot = (): string => {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/compose.ts -> <root>; dist/src/compose.js -> <root>
  return resolve(here, here.includes(`${join('dist', 'src')}`) ? '../..' : '..');
};

/** The check registry, built once per process. */
export const checkRegistry = createCheckRegistry([...checks], { precompiled: checkConfigValidators });

export const ENGINE_DEFAULTS = { concurrency: 4, defaultTimeoutMs: 60_000 };

export interface LocalOptions {
  /** State directory (ledger, registry); default `<cwd>/.modelgate`. `null`: in memory, nothing persisted (ledger only). */
  stateDir?: string | null;
  /** Policy file or directory; default `<root>/policies`. */
  policies?: string;
  /** Seed the local registry from this directory; default `<root>/examples/registry`. `null`: no seeding. */
  seedFrom?: string | null;
  /** Base directory for relative `file:` URIs; default cwd. */
  baseDir?: string;
  /**
   * Directories `file:` evidence may be read from besides `baseDir` and the project root; default
   * MODELGATE_EVIDENCE_ROOTS (see {@link evidenceRootsFrom}). Nothing outside them is read.
   */
  evidenceRoots?: readonly string[];
  logger?: AppLogger;
  outboxSink?: (line: string) => void;
  /** Use the ledger of an already running local stack at this endpoint instead of starting one. */
  ledgerEndpoint?: string;
}

export interface LocalStack {
  services: AppServices;
  registry: LocalRegistry;
  outbox: ConsoleOutbox;
  ledgerEndpoint: string;
  close(): Promise<void>;
}

export const LEDGER_TABLE_DEFAULT = 'modelgate-ledger';

/**
 * The extra evidence roots named by MODELGATE_EVIDENCE_ROOTS: directories separated by the
 * platform's path delimiter (`:` on Linux and macOS), relative ones resolved against `cwd`.
 *
 * @example evidenceRootsFrom('/data/reports:build/out', '/repo') // ['/data/reports', '/repo/build/out']
 */
export const evidenceRootsFrom = (value: string | undefined, cwd: string): string[] =>
  (value ?? '')
    .split(delimiter)
    .map((r) => r.trim())
    .filter((r) => r !== '')
    .map((r) => resolve(cwd, r));

/**
 * The local artifact stores: `file:` confined to `baseDir`, the project root and the extra roots
 * (regular files only, size-bounded, symbolic links resolved before the check), and `s3:` with the
 * caller's credentials. The signing keys under the state directory are never evidence.
 */
const localArtifactStores = (baseDir: string, extraRoots: readonly string[], stateDir: string | null): ArtifactStore[] => [
  new FileArtifactStore({ baseDir, roots: [baseDir, projectRoot(), ...extraRoots], ...(stateDir ? { denied: [join(stateDir, 'keys')] } : {}) }),
  // s3:// evidence works locally too when the caller has credentials; the client is only built here, not called.
  new S3ArtifactStore({ client: createS3Client() }),
];

/** Boots the embedded stack. */
export const composeLocal = async (opts: LocalOptions = {}): Promise<LocalStack> => {
  const root = projectRoot();
  const stateDir = opts.stateDir === undefined ? resolve('.modelgate') : opts.stateDir;
  const dynamo = opts.ledgerEndpoint
    ? { endpoint: opts.ledgerEndpoint, close: async () => undefined }
    : await startEmbeddedDynamo({ dir: stateDir === null ? null : join(stateDir, 'ledger') });
  try {
    const { client, documentClient } = createLocalDocumentClient(dynamo.endpoint);
    await ensureLedgerTable(client, LEDGER_TABLE_DEFAULT);
    const registry = new LocalRegistry(join(stateDir ?? resolve('.modelgate'), 'registry'));
    const seedFrom = opts.seedFrom === undefined ? join(root, 'examples', 'registry') : opts.seedFrom;
    if (seedFrom) await registry.seed(seedFrom);
    const outbox = new ConsoleOutbox(opts.outboxSink);
    const policies: PolicySource = new FilePolicySource(opts.policies ?? join(root, 'policies'));
    const baseDir = opts.baseDir ?? process.cwd();
    const artifacts = localArtifactStores(baseDir, opts.evidenceRoots ?? evidenceRootsFrom(process.env['MODELGATE_EVIDENCE_ROOTS'], baseDir), stateDir);
    const services: AppServices = {
      registry,
      artifacts,
      ledger: new DynamoDbLedger({ client: documentClient, tableName: LEDGER_TABLE_DEFAULT }),
      publisher: outbox,
      notifier: outbox,
      policies,
      checks: checkRegistry,
      clock: systemClock,
      logger: opts.logger ?? consoleLogger(),
      serviceVersion: SERVICE_VERSION,
      engine: ENGINE_DEFAULTS,
      // Decisions are signed with a local Ed25519 key kept under <stateDir>/keys (docs/promotion-signing.md).
      signer: stateDir === null ? Ed25519Signer.inMemory() : new Ed25519Signer(join(stateDir, 'keys')),
    };
    // Dry-run targets and the in-process driver; the allow-list from the environment, .modelgate/promotion.json or the demo default (docs/promotion.md).
    services.promotion = await localPromotionServices(services, { stateDir });
    return {
      services,
      registry,
      outbox,
      ledgerEndpoint: dynamo.endpoint,
      close: async () => {
        documentClient.destroy();
        client.destroy();
        await dynamo.close();
      },
    };
  } catch (err) {
    await dynamo.close();
    throw err;
  }
};

/** The environment of the deployed path (set by serverless.yml; the CLI reads the same names). */
export interface AwsEnvironment {
  /** The ledger table. Its presence is what selects the deployed path in the CLI. */
  MODELGATE_LEDGER_TABLE?: string;
  /** modelgate's own event bus. */
  MODELGATE_EVENT_BUS?: string;
  /** The SNS topic people subscribe to. Without it (CLI only), notifications go to stderr. */
  MODELGATE_TOPIC_ARN?: string;
  /** Policy file or directory; default `<root>/policies` (bundled beside the handler). */
  MODELGATE_POLICIES?: string;
  /** Base URL of a page that shows runs, for links in notifications and events. */
  MODELGATE_CONSOLE_URL?: string;
  /**
   * The KMS key (ECC_NIST_P256, SIGN_VERIFY) that signs decisions. Without it decisions are
   * written unsigned, and promotion refuses every unsigned decision: nothing is promoted.
   */
  MODELGATE_SIGNING_KEY_ARN?: string;
  /** Comma-separated ARNs of rotated-out signing keys whose decisions still verify. */
  MODELGATE_TRUSTED_SIGNING_KEY_ARNS?: string;
  /** Comma-separated hosting accounts promotion may reach; unset = none (every promotion is refused). */
  MODELGATE_PROMOTION_ACCOUNTS?: string;
  /** Comma-separated role ARN globs promotion may assume; unset = any role in an allowed account. */
  MODELGATE_PROMOTION_ROLES?: string;
  /** The promotion state machine (serverless/promotion.yml) that Approved events start. */
  MODELGATE_PROMOTION_STATE_MACHINE_ARN?: string;
  [name: string]: string | undefined;
}

/** True when the environment selects the deployed path (AWS adapters). */
export const wantsAws = (env: AwsEnvironment): boolean => Boolean(env.MODELGATE_LEDGER_TABLE);

const requireEnv = (env: AwsEnvironment, name: keyof AwsEnvironment & string, why: string): string => {
  const value = env[name];
  if (!value) throw new InvalidInputError(`${name} is not set`, 'environment', `${name} (${why})`);
  return value;
};

/** The deployed decision signer (MODELGATE_SIGNING_KEY_ARN, MODELGATE_TRUSTED_SIGNING_KEY_ARNS). */
const kmsSignerFrom = (env: AwsEnvironment, keyId: string): KmsSigner => {
  const trustedKeyIds = (env.MODELGATE_TRUSTED_SIGNING_KEY_ARNS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  return new KmsSigner({ client: createKmsClient({ env }), keyId, trustedKeyIds });
};

/** The publisher of a CLI command that was told no bus is needed: using it is a configuration error. */
const missingEventBus: EventPublisher = {
  publish: async () => {
    throw new InvalidInputError(
      'MODELGATE_EVENT_BUS is not set',
      'environment',
      "MODELGATE_EVENT_BUS (modelgate's event bus), needed to publish events (evaluate --apply, override, promote)",
    );
  },
};

/**
 * The deployed path: SageMaker, S3 (the only evidence scheme), DynamoDB, EventBridge, SNS. Clients
 * are built once per call; a Lambda calls this once at module scope.
 */
export const composeAws = (
  env: AwsEnvironment,
  opts: {
    logger: AppLogger;
    outboxSink?: (line: string) => void;
    requireTopic?: boolean;
    /**
     * Default true (every Lambda publishes). The CLI passes false for a command that publishes
     * nothing (`evaluate` without `--apply`, `runs list`): the bus is then needed only when used, and
     * a publish without it is an InvalidInputError naming MODELGATE_EVENT_BUS.
     */
    requireEventBus?: boolean;
  },
): AppServices => {
  const tableName = requireEnv(env, 'MODELGATE_LEDGER_TABLE', 'the ledger table');
  const busName = opts.requireEventBus === false ? env.MODELGATE_EVENT_BUS : requireEnv(env, 'MODELGATE_EVENT_BUS', "modelgate's event bus");
  const topicArn = opts.requireTopic ? requireEnv(env, 'MODELGATE_TOPIC_ARN', 'the SNS topic for notifications') : env.MODELGATE_TOPIC_ARN;
  const consoleUrl = env.MODELGATE_CONSOLE_URL?.replace(/\/+$/, '');
  const root = projectRoot();
  if (!env.MODELGATE_SIGNING_KEY_ARN) {
    opts.logger.warn('MODELGATE_SIGNING_KEY_ARN is not set: decisions are written unsigned, and promotion refuses unsigned decisions');
  }
  // Evidence comes from S3 only: a registrant's `file:` URI must not read the function's (or the
  // operator's) file system, e.g. file:/proc/self/environ. Any other scheme is an EvidenceError
  // naming the accepted ones.
  const artifacts: ArtifactStore[] = [new S3ArtifactStore({ client: createS3Client() })];
  return {
    registry: new SageMakerRegistry({ client: createSageMakerClient({ env }) }),
    artifacts,
    ledger: new DynamoDbLedger({ client: createDocumentClient({ env }), tableName }),
    publisher: busName ? new EventBridgePublisher({ client: createEventBridgeClient({ env }), busName }) : missingEventBus,
    notifier: topicArn
      ? new SnsNotifier({ client: createSnsClient({ env }), topicArn, ...(consoleUrl ? { consoleUrlBase: consoleUrl } : {}) })
      : new ConsoleOutbox(opts.outboxSink),
    policies: new FilePolicySource(env.MODELGATE_POLICIES ?? join(root, 'policies')),
    checks: checkRegistry,
    clock: systemClock,
    logger: opts.logger,
    serviceVersion: SERVICE_VERSION,
    engine: ENGINE_DEFAULTS,
    ...(consoleUrl ? { runLink: (runId: string) => `${consoleUrl}/runs/${runId}` } : {}),
    ...(env.MODELGATE_SIGNING_KEY_ARN ? { signer: kmsSignerFrom(env, env.MODELGATE_SIGNING_KEY_ARN) } : {}),
    promotion: awsPromotionServices(env, { artifacts }),
  };
};
