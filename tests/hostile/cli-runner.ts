/**
 * Running the CLI for the campaign: in process (`runCli` with a captured CliIO, plus whatever the
 * process writes to stdout/stderr meanwhile, e.g. log lines), or as a subprocess of the built
 * `dist/src/cli/main.js` for what must be one (FIFOs, devices: a read that blocks or never ends
 * must not take the campaign with it). Subprocesses get a 2 GB address-space limit and are
 * killed with their process group on timeout.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/run-cli.js';
import type { CliIO } from '../../src/cli/io.js';
import { STACK_FRAME, type Observation } from './case.js';
import { SECRET_ENV, type Workspace } from './workspace.js';

/** The project root, from here (tests/hostile or dist/tests/hostile). */
export const PROJECT_ROOT = ((): string => {
  const here = dirname(fileURLToPath(import.meta.url));
  const up = resolve(here, '../..');
  return existsSync(join(up, 'tsconfig.json')) ? up : resolve(up, '..');
})();

export const CLI_MAIN = join(PROJECT_ROOT, 'dist/src/cli/main.js');

/** The exit codes the CLI documents (run-cli.ts HELP, exit-codes.ts), except 70 (unexpected error). */
const DOCUMENTED_EXITS = new Set([0, 1, 2, 64, 69, 75, 77]);

/** The environment of every CLI run: the campaign's, with its own state directory and no AWS settings. */
export const cliEnv = (ws: Workspace, base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> => {
  // The secret first: a reader that quotes the start of /proc/self/environ quotes it.
  const env: Record<string, string> = { [SECRET_ENV]: base[SECRET_ENV] ?? '' };
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !(k.startsWith('MODELGATE_') && k !== SECRET_ENV) && !k.startsWith('AWS_')) env[k] = v;
  return { ...env, MODELGATE_HOME: ws.home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_REGION: 'eu-west-1', ...extra };
};

const observeExit = (args: string[], code: number | null, signal: string | null, stdout: string, stderr: string): Observation => {
  const command = args[0];
  let crash: string | null = null;
  if (signal) crash = `killed by ${signal}`;
  else if (code === 70) crash = `exit 70: ${stderr.trim().split('\n')[0] ?? ''}`;
  else if (code === null || !DOCUMENTED_EXITS.has(code)) crash = `undocumented exit ${String(code)}`;
  else if (STACK_FRAME.test(stderr) || STACK_FRAME.test(stdout)) crash = 'a stack trace in the output';
  return {
    outcome: signal ? `signal ${signal}` : `exit ${String(code)}`,
    approved: command === 'evaluate' && code === 0,
    inputError: code === 64,
    crash,
    timedOut: false,
    texts: [stdout, stderr],
    humanTexts: [stdout, stderr],
  };
};

/** Captures what the process writes to stdout/stderr until `restore()`. */
const captureProcessOutput = (): { text(): string; restore(): void } => {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write.bind(s));
  let buffer = '';
  for (const s of streams) {
    s.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (buffer.length < 1 << 20) buffer += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof s.write;
  }
  return {
    text: () => buffer,
    restore: () => streams.forEach((s, i) => (s.write = originals[i]!)),
  };
};

/** `modelgate <args>` in process. */
export const cliInProcess = async (
  ws: Workspace,
  env: Record<string, string>,
  args: string[],
  opts: { cwd?: string; isTTY?: boolean } = {},
): Promise<Observation> => {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout.length < 1 << 20 && (stdout += t)),
    stderr: (t) => void (stderr.length < 1 << 20 && (stderr += t)),
    isTTY: opts.isTTY ?? false,
    env: { ...env },
    cwd: opts.cwd ?? ws.work,
  };
  const captured = captureProcessOutput();
  // The real CLI runs with process.cwd() = its cwd; some paths (--policy) resolve against process.cwd().
  const savedCwd = process.cwd();
  process.chdir(io.cwd);
  let code: number;
  try {
    code = await runCli(args, io);
  } catch (err) {
    process.chdir(savedCwd);
    captured.restore();
    return {
      outcome: `runCli threw ${(err as Error)?.name}`,
      approved: false,
      inputError: false,
      crash: `runCli threw (it must never throw): ${(err as Error)?.message}`,
      timedOut: false,
      texts: [stdout, stderr, captured.text()],
    };
  }
  process.chdir(savedCwd);
  captured.restore();
  const obs = observeExit(args, code, null, stdout, stderr);
  obs.texts.push(captured.text());
  return obs;
};

const MAX_CAPTURE = 1 << 20;

/** `node dist/src/cli/main.js <args>` as a subprocess, killed (with its group) on `signal`. */
export const cliSubprocess = (
  ws: Workspace,
  env: Record<string, string>,
  args: string[],
  signal: AbortSignal,
  opts: { stdin?: string } = {},
): Promise<Observation> =>
  new Promise((resolvePromise) => {
    // The address-space limit keeps an unbounded read (a device) from taking the machine's memory.
    const child = spawn('/bin/sh', ['-c', 'ulimit -v 2000000; exec "$0" "$@"', process.execPath, CLI_MAIN, ...args], {
      cwd: ws.work,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => void (stdout.length < MAX_CAPTURE && (stdout += d.toString('utf8'))));
    child.stderr.on('data', (d: Buffer) => void (stderr.length < MAX_CAPTURE && (stderr += d.toString('utf8'))));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin ?? '');
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    signal.addEventListener('abort', kill, { once: true });
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', kill);
      resolvePromise(observeExit(args, code, sig, stdout, stderr));
    });
  });
