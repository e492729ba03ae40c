/**
 * How a CLI command gets its services: the embedded stack by default; when `npm start` is running
 * in the same state directory, its ledger (the embedded ledger is a single-process database).
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { AppServices } from '../app/services.js';
import { composeAws, composeLocal, wantsAws } from '../compose.js';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { createSageMakerClient } from '../adapters/aws/clients.js';
import { SageMakerRegistry } from '../adapters/aws/sagemaker-registry.js';
import { consoleLogger } from '../adapters/local/console-logger.js';
import { parseModelPackageArn } from '../core/subject.js';
import { UsageError, type CliIO } from './io.js';

export interface StackFile {
  pid: number;
  ledgerEndpoint: string;
  apiUrl: string;
}

export const stateDirOf = (io: CliIO): string => resolve(io.cwd, io.env['MODELGATE_HOME'] ?? '.modelgate');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The running local stack's coordinates, when one is up in this state directory. */
export const runningStack = async (stateDir: string): Promise<StackFile | null> => {
  try {
    const stack = JSON.parse(await readFile(join(stateDir, 'stack.json'), 'utf8')) as StackFile;
    return stack.pid !== process.pid && alive(stack.pid) ? stack : null;
  } catch {
    return null;
  }
};

/**
 * Makes sure the state directory (MODELGATE_HOME, a path the user names) exists as a directory,
 * creating the missing levels one at a time. Node's recursive mkdir spins forever under some
 * pseudo file systems (`/proc/none/x`); one level at a time, each failure is an error that names
 * the path instead.
 *
 * @throws UsageError naming MODELGATE_HOME and the path
 */
export const ensureStateDir = async (stateDir: string): Promise<void> => {
  const refuse = (why: string) => new UsageError(`state directory ${stateDir} (MODELGATE_HOME, default ./.modelgate): ${why}`);
  const missing: string[] = [];
  for (let dir = stateDir; ; dir = dirname(dir)) {
    let info;
    try {
      info = await stat(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && dirname(dir) !== dir) {
        missing.unshift(dir);
        continue;
      }
      throw refuse(code === 'ENOTDIR' ? 'a component of the path is not a directory' : `cannot be read (${code ?? (err as Error).message})`);
    }
    if (!info.isDirectory()) throw refuse(dir === stateDir ? 'is not a directory' : `${dir} is not a directory`);
    break;
  }
  for (const dir of missing) {
    try {
      await mkdir(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw refuse(`cannot create ${dir} (${code ?? (err as Error).message})`);
    }
  }
};

/** What a command works with. */
export interface CommandServices {
  services: AppServices;
  /**
   * Where the registry looks a model package ARN up, in words, with the setting that selects it:
   * for "not found" messages.
   */
  registryLocation(arn: string): string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Policy file or directory (overrides MODELGATE_POLICIES). */
  policies?: string;
  /** Whether the command may publish events (deployed path: MODELGATE_EVENT_BUS is then required). Default true. */
  publishes?: boolean;
  /**
   * The model package the command is about (deployed path): SageMaker is asked in the ARN's region,
   * which may differ from the caller's default region.
   */
  modelPackageArn?: string;
}

const SELECTS_SAGEMAKER = 'MODELGATE_LEDGER_TABLE selects the deployed settings and with them SageMaker';

/** The deployed path: SageMaker with the caller's credentials, in the ARN's region. */
const openAws = async (io: CliIO, opts: OpenOptions): Promise<CommandServices> => {
  const services = composeAws(io.env, {
    logger: consoleLogger(io.env['MODELGATE_LOG_LEVEL']),
    outboxSink: (line) => io.stderr(`${line}\n`),
    requireEventBus: opts.publishes !== false,
  });
  const probe = createSageMakerClient({ env: io.env });
  let defaultRegion: string | undefined;
  try {
    defaultRegion = await probe.config.region();
  } catch {
    // No region configured: the ARN's region is used below, and messages say "no default region".
  } finally {
    probe.destroy();
  }
  const arnRegion = opts.modelPackageArn ? parseModelPackageArn(opts.modelPackageArn)?.region : undefined;
  let client: SageMakerClient | undefined;
  if (arnRegion && arnRegion !== defaultRegion) {
    // DescribeModelPackage only finds a package in the Region it is asked in: ask where the package lives.
    client = createSageMakerClient({ env: io.env, config: { region: arnRegion } });
    services.registry = new SageMakerRegistry({ client });
  }
  return {
    services,
    registryLocation: (arn) => {
      const parsed = parseModelPackageArn(arn);
      const region = (parsed?.region !== undefined && parsed.region !== defaultRegion ? parsed.region : defaultRegion) ?? '(no Region configured)';
      return `SageMaker Model Registry, account ${parsed?.account ?? '?'}, Region ${region}, with the caller's AWS credentials (${SELECTS_SAGEMAKER}; unset it to use the local registry)`;
    },
    close: async () => {
      client?.destroy();
    },
  };
};

/**
 * Opens the services a command needs; the caller closes them. With `MODELGATE_LEDGER_TABLE` set
 * the command talks to AWS with the caller's credentials (SageMaker, S3, DynamoDB, EventBridge, SNS).
 */
export const openServices = async (io: CliIO, opts: OpenOptions = {}): Promise<CommandServices> => {
  if (wantsAws(io.env)) return openAws(io, opts);
  const stateDir = stateDirOf(io);
  await ensureStateDir(stateDir);
  const stack = await runningStack(stateDir);
  // MODELGATE_POLICIES names the policy file or directory, as on the deployed path.
  const policies = opts.policies ?? (io.env['MODELGATE_POLICIES'] ? resolve(io.cwd, io.env['MODELGATE_POLICIES']) : undefined);
  const local = await composeLocal({
    stateDir,
    baseDir: io.cwd,
    ...(policies ? { policies } : {}),
    ...(stack ? { ledgerEndpoint: stack.ledgerEndpoint } : {}),
    outboxSink: (line) => io.stderr(`${line}\n`),
  });
  return {
    services: local.services,
    registryLocation: () =>
      `the local registry in ${join(stateDir, 'registry')} (state directory: MODELGATE_HOME, default ./.modelgate; MODELGATE_LEDGER_TABLE is not set — set it, with AWS credentials, to look the package up in SageMaker)`,
    close: () => local.close(),
  };
};
