/**
 * `npm run bench`: runs every benchmark module beside this file — a module is a benchmark when it
 * exports `main(argv)` — one after another, each under a header. A benchmark that throws (or sets a
 * non-zero `process.exitCode`) is reported and the others still run; the exit code is non-zero at
 * the end when any failed. A benchmark missing its performance aim is not a failure: it prints the
 * aim as MISSED, because on a shared machine a timing is a figure to read, not a verdict.
 *
 *   npm run bench [-- --only evaluate[,metrics]] [--quick] [-- <arguments for the benchmarks>]
 *
 * `--quick` passes `--quick` to every benchmark (each one reads it as "a small size": evaluate runs
 * 100 evaluations instead of 1,000).
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const EXIT = { ok: 0, failed: 1, usage: 64 } as const;

const USAGE = 'usage: run [--only <name>[,<name>...]] [--quick] [-- <arguments passed to every benchmark>]';

export interface RunOptions {
  /** Benchmark names (file names without extension) to run; empty = all. */
  only: string[];
  quick: boolean;
  /** Arguments after `--`, passed to every benchmark. */
  passthrough: string[];
}

export class BenchUsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = 'BenchUsageError';
  }
}

export const parseRunArgs = (argv: readonly string[]): RunOptions => {
  const opts: RunOptions = { only: [], quick: false, passthrough: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      opts.passthrough = argv.slice(i + 1);
      break;
    }
    if (a === '--quick') opts.quick = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const value = a === '--only' ? argv[++i] : a.slice('--only='.length);
      const names = (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (names.length === 0) throw new BenchUsageError('--only needs a benchmark name');
      opts.only.push(...names);
    } else throw new BenchUsageError(`unknown argument "${a}"`);
  }
  return opts;
};

export interface Benchmark {
  name: string;
  file: string;
  main: (argv: string[]) => unknown;
}

const RUNNER = basename(fileURLToPath(import.meta.url), extname(fileURLToPath(import.meta.url)));

/**
 * The benchmark modules in `dir`: every `.js`/`.mjs` file (not this runner) that exports a `main`
 * function, sorted by name. Helper modules (no `main`) are skipped.
 */
export const discoverBenchmarks = async (dir: string): Promise<Benchmark[]> => {
  const files = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && /\.m?js$/.test(e.name) && basename(e.name, extname(e.name)) !== RUNNER)
    .map((e) => e.name)
    .sort();
  const found: Benchmark[] = [];
  for (const name of files) {
    const file = join(dir, name);
    const mod = (await import(pathToFileURL(file).href)) as { main?: unknown };
    if (typeof mod.main === 'function') found.push({ name: basename(name, extname(name)), file, main: mod.main as Benchmark['main'] });
  }
  return found;
};

export interface BenchOutcome {
  name: string;
  ok: boolean;
  seconds: number;
  error?: string;
}

/** Runs the benchmarks in order; never throws for a benchmark's sake. */
export const runBenchmarks = async (
  benchmarks: readonly Benchmark[],
  opts: RunOptions,
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<BenchOutcome[]> => {
  const unknown = opts.only.filter((n) => !benchmarks.some((b) => b.name === n));
  if (unknown.length > 0) {
    throw new BenchUsageError(
      `no benchmark named ${unknown.map((n) => `"${n}"`).join(', ')} (expected one of: ${benchmarks.map((b) => b.name).join(', ') || 'none found'})`,
    );
  }
  const selected = opts.only.length > 0 ? benchmarks.filter((b) => opts.only.includes(b.name)) : benchmarks;
  const argv = [...(opts.quick ? ['--quick'] : []), ...opts.passthrough];
  const outcomes: BenchOutcome[] = [];
  for (const b of selected) {
    write(`\n=== ${b.name} (${b.file}${argv.length > 0 ? ` ${argv.join(' ')}` : ''}) ===`);
    const previousExitCode = process.exitCode;
    process.exitCode = 0;
    const started = performance.now();
    let error: string | undefined;
    try {
      await b.main([...argv]);
      if (process.exitCode !== 0 && process.exitCode !== undefined) error = `set exit code ${String(process.exitCode)}`;
    } catch (err) {
      error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    }
    process.exitCode = previousExitCode;
    const seconds = (performance.now() - started) / 1000;
    outcomes.push({ name: b.name, ok: error === undefined, seconds, ...(error !== undefined ? { error } : {}) });
    write(error === undefined ? `--- ${b.name}: done in ${seconds.toFixed(1)} s` : `--- ${b.name}: FAILED after ${seconds.toFixed(1)} s: ${error}`);
  }
  return outcomes;
};

/** Discovers, runs, summarises; returns the exit code. */
export const main = async (
  argv: string[] = process.argv.slice(2),
  options: { dir?: string; write?: (line: string) => void; writeError?: (line: string) => void } = {},
): Promise<number> => {
  const write = options.write ?? ((l: string) => process.stdout.write(`${l}\n`));
  const writeError = options.writeError ?? ((l: string) => process.stderr.write(`${l}\n`));
  try {
    const opts = parseRunArgs(argv);
    const outcomes = await runBenchmarks(await discoverBenchmarks(options.dir ?? dirname(fileURLToPath(import.meta.url))), opts, write);
    const failed = outcomes.filter((o) => !o.ok);
    write(
      `\nbenchmarks: ${outcomes.length - failed.length} done, ${failed.length} failed${failed.length > 0 ? ` (${failed.map((f) => f.name).join(', ')})` : ''}`,
    );
    return failed.length > 0 ? EXIT.failed : EXIT.ok;
  } catch (err) {
    if (err instanceof BenchUsageError) {
      writeError(err.message);
      return EXIT.usage;
    }
    throw err;
  }
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
