/**
 * How a CLI command gets its services: the embedded stack by default; when `npm start` is running
 * in the same state directory, its ledger (the embedded ledger is a single-process database).
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { AppServices } from '../app/services.js';
import { composeAws, composeLocal, wantsAws } from '../compose.js';
import { consoleLogger } from '../adapters/local/console-logger.js';
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
  close(): Promise<void>;
}

/**
 * Opens the services a command needs; the caller closes them. With `MODELGATE_LEDGER_TABLE` set
 * the command talks to AWS with the caller's credentials (SageMaker, S3, DynamoDB, EventBridge, SNS).
 */
export const openServices = async (io: CliIO, opts: { policies?: string } = {}): Promise<CommandServices> => {
  const stateDir = stateDirOf(io);
  if (wantsAws(io.env)) {
    const services = composeAws(io.env, { logger: consoleLogger(io.env['MODELGATE_LOG_LEVEL']), outboxSink: (line) => io.stderr(`${line}\n`) });
    return { services, close: async () => undefined };
  }
  await ensureStateDir(stateDir);
  const stack = await runningStack(stateDir);
  // MODELGATE_POLICIES names the policy file or directory, as on the deployed path.
  const policies = opts.policies ?? (io.env['MODELGATE_POLICIES'] ? resolve(io.cwd, io.env['MODELGATE_POLICIES']) : undefined);
  return composeLocal({
    stateDir,
    baseDir: io.cwd,
    ...(policies ? { policies } : {}),
    ...(stack ? { ledgerEndpoint: stack.ledgerEndpoint } : {}),
    outboxSink: (line) => io.stderr(`${line}\n`),
  });
};
