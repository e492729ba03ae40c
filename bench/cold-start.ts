/**
 * Cold start of the Lambda bundles: for every handler in `handlers/` (bundled exactly as
 * `osls package` bundles it, see serverless/bundle.ts), the bundle size (raw and deflated, which is
 * what the deployment zip holds) and the module init time — `import()` of the bundle in a FRESH
 * Node process, median of several spawns — with its ratio to an empty handler bundled the same way
 * and measured in the same run, interleaved with the others so that machine load hits all alike.
 *
 * Aims: each zipped bundle ≤ 1 MB; init ≤ 300 ms. A timing on a shared machine is a figure to
 * read, not a verdict: a missed aim is printed as MISSED, never an exit code.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/cold-start.js [--quick] [--spawns N] [--json]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import { bundleHandlers, lambdaBuildOptions, repoRoot } from '../serverless/bundle.js';

const run = promisify(execFile);

export const AIMS = { maxZippedBytes: 1024 * 1024, maxInitMs: 300 } as const;

export interface BundleFigures {
  name: string;
  bytes: number;
  /** Deflated size: what the bundle takes in the deployment zip. */
  zippedBytes: number;
  initMs: { median: number; min: number; max: number; samples: number[] };
  /** Median init time over the empty handler's, measured in the same run. */
  ratioToEmpty: number | null;
}

export interface ColdStartReport {
  spawns: number;
  node: string;
  bundles: BundleFigures[];
  empty: BundleFigures;
  aimsMet: boolean;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Imports `file` in a fresh Node process and returns how long the import took (module init). */
const initTimeMs = async (file: string): Promise<number> => {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(JSON.stringify({ ms: performance.now() - t0 }));`;
  // No AWS settings: init must not need them (services are composed on the first invocation).
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1' } });
  return (JSON.parse(stdout) as { ms: number }).ms;
};

const parseArgs = (argv: string[]): { spawns: number; json: boolean } => {
  let spawns = argv.includes('--quick') ? 5 : 11;
  const at = argv.indexOf('--spawns');
  if (at >= 0) {
    spawns = Number(argv[at + 1]);
    if (!Number.isInteger(spawns) || spawns < 1) throw new Error(`--spawns must be a whole number >= 1 (got "${argv[at + 1]}")`);
  }
  return { spawns, json: argv.includes('--json') };
};

const fmtKb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;

/** Runs the benchmark; prints a table (or JSON with `--json`) and returns the figures. */
export const main = async (
  argv: string[] = process.argv.slice(2),
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<ColdStartReport> => {
  const { spawns, json } = parseArgs(argv);
  const dir = await mkdtemp(join(tmpdir(), 'mg-cold-start-'));
  try {
    const entries = (await readdir(join(repoRoot, 'handlers'), { withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
      .map((e) => `handlers/${e.name}`)
      .sort();
    if (entries.length === 0) throw new Error(`no handlers in ${join(repoRoot, 'handlers')} (expected handlers/<name>.ts)`);
    const bundles = await bundleHandlers(entries, join(dir, 'task'));
    const emptySource = join(dir, 'empty.ts');
    await writeFile(emptySource, 'export const handler = async (): Promise<Record<string, never>> => ({});\n');
    await build({ ...lambdaBuildOptions(), entryPoints: [emptySource], outdir: join(dir, 'empty') });
    const emptyFile = join(dir, 'empty', 'empty.mjs');

    const targets = [...bundles.map((b) => ({ name: b.entry.replace(/^handlers\/|\.ts$/g, ''), file: b.file })), { name: '(empty handler)', file: emptyFile }];
    const samples = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    for (let i = 0; i < spawns; i++) {
      // Rotate the order each round so that no target always runs first (or last) on a busy machine.
      for (let j = 0; j < targets.length; j++) {
        const t = targets[(i + j) % targets.length]!;
        samples.get(t.name)!.push(await initTimeMs(t.file));
      }
    }
    const figures = await Promise.all(
      targets.map(async (t): Promise<BundleFigures> => {
        const content = await readFile(t.file);
        const xs = samples.get(t.name)!;
        return {
          name: t.name,
          bytes: content.length,
          zippedBytes: deflateRawSync(content, { level: 9 }).length,
          initMs: { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), samples: xs },
          ratioToEmpty: null,
        };
      }),
    );
    const empty = figures.pop()!;
    for (const f of figures) f.ratioToEmpty = f.initMs.median / empty.initMs.median;
    const aimsMet = figures.every((f) => f.zippedBytes <= AIMS.maxZippedBytes && f.initMs.median <= AIMS.maxInitMs);
    const report: ColdStartReport = { spawns, node: process.version, bundles: figures, empty, aimsMet };

    if (json) {
      write(JSON.stringify(report, null, 2));
      return report;
    }
    write(`cold start: ${figures.length} bundle(s), ${spawns} fresh Node ${process.version} processes each, median module init`);
    write(
      `${'bundle'.padEnd(18)} ${'raw'.padStart(9)} ${'zipped'.padStart(9)} ${'init ms'.padStart(9)} ${'x empty'.padStart(8)}   aims (zip <= 1 MB, init <= ${AIMS.maxInitMs} ms)`,
    );
    for (const f of [...figures, empty]) {
      const aims = f === empty ? 'baseline' : f.zippedBytes <= AIMS.maxZippedBytes && f.initMs.median <= AIMS.maxInitMs ? 'met' : 'MISSED';
      write(
        `${f.name.padEnd(18)} ${fmtKb(f.bytes).padStart(9)} ${fmtKb(f.zippedBytes).padStart(9)} ${f.initMs.median.toFixed(1).padStart(9)} ${(f.ratioToEmpty === null ? '1.0' : f.ratioToEmpty.toFixed(1)).padStart(8)}   ${aims}`,
      );
    }
    return report;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
