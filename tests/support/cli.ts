/**
 * Runs the built `modelgate` CLI (dist/) as a subprocess, the way a user or CI does.
 * `npm test` builds first; run `npm run build` before running these tests alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(ROOT, 'dist/src/cli/main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const tempHome = (prefix = 'modelgate-e2e-'): string => mkdtempSync(join(tmpdir(), prefix));

const envFor = (home: string, extra: Record<string, string> = {}) => ({
  ...process.env,
  MODELGATE_HOME: home,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  ...extra,
});

/** Runs `modelgate <args>` in the project root with its own state directory. */
export const runCli = (args: string[], home: string, opts: { cwd?: string; env?: Record<string, string> } = {}): CliResult => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env: envFor(home, opts.env), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

/** Starts `modelgate start --port 0`, resolving once it says it is up; returns its API URL and a stop(). */
export const startStack = async (home: string): Promise<{ url: string; output: () => string; stop(): Promise<number> }> => {
  const child = spawn(process.execPath, [CLI, 'start', '--port', '0'], { cwd: ROOT, env: envFor(home), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number>((res) => child.on('exit', (code) => res(code ?? -1)));
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`stack did not start:\n${out}`)), 60_000);
    const poll = setInterval(() => {
      if (out.includes('Ctrl-C to stop.')) {
        clearInterval(poll);
        clearTimeout(timer);
        res();
      }
    }, 50);
    void exited.then(() => {
      clearInterval(poll);
      clearTimeout(timer);
      rej(new Error(`stack exited early:\n${out}`));
    });
  });
  const url = /API: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
  if (!url) throw new Error(`no API URL in:\n${out}`);
  return {
    url,
    output: () => out,
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
};
