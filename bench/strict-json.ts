/**
 * Benchmark of the strict JSON reader (src/core/strict-json.ts) against `JSON.parse` alone, on a
 * generated evidence-shaped document of about 20 MiB (a Clarify-like report: many small objects
 * with repeated key names, numbers, strings with escapes, a few bare NaN/Infinity tokens in a
 * second variant). Prints the time of each and the ratio (strict / JSON.parse): the price of
 * duplicate-key detection. The best of --repeat runs counts, since the machine may be shared.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/strict-json.js [--mib N] [--repeat N] [--quick]
 *   npm run bench -- --only strict-json [--quick]      (--quick = 4 MiB, 3 runs)
 */
import { pathToFileURL } from 'node:url';
import { parseStrictJson } from '../src/core/strict-json.js';

export interface StrictJsonBenchReport {
  bytes: number;
  /** Best seconds of each reader on the plain document. */
  jsonParseSeconds: number;
  strictSeconds: number;
  /** strictSeconds / jsonParseSeconds. */
  ratio: number;
  /** The same, on the document with bare NaN/Infinity tokens (JSON.parse cannot read it: no ratio). */
  strictWithBareTokensSeconds: number;
}

/** A report-like JSON text of about `bytes` characters; with `bare`, some values are bare NaN/Infinity. */
export const generateReport = (bytes: number, bare = false): string => {
  const parts: string[] = [];
  let size = 0;
  let i = 0;
  while (size < bytes) {
    const entry =
      `{"name":"feature_${i}","label":"group \\"${i % 7}\\"","value_or_threshold":${(i % 97) / 97},` +
      `"metrics":[{"name":"CI","value":${bare && i % 50 === 0 ? 'NaN' : ((i * 7919) % 1000) / 1000 - 0.5}},` +
      `{"name":"DPL","value":${bare && i % 71 === 0 ? '-Infinity' : ((i * 104729) % 1000) / 1000},"error":null},` +
      `{"name":"KL","value":${i * 1e-3},"description":"Kullback-Leibler divergence, \\u00e9"}],"rows":[${i},${i + 1},${i + 2},${i * 3}]}`;
    parts.push(entry);
    size += entry.length + 1;
    i++;
  }
  return `{"version":"1.0","post_training_bias_metrics":{"facets":{"sex":[${parts.join(',')}]}},"label":"approved"}`;
};

const best = (repeat: number, fn: () => unknown): number => {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min / 1000;
};

const parseArgs = (argv: string[]): { mib: number; repeat: number } => {
  let mib = argv.includes('--quick') ? 4 : 20;
  let repeat = argv.includes('--quick') ? 3 : 5;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--mib') mib = Number(argv[++i]);
    if (argv[i] === '--repeat') repeat = Number(argv[++i]);
  }
  if (!(mib > 0) || !(Number.isInteger(repeat) && repeat > 0)) throw new Error('usage: strict-json [--mib N] [--repeat N] [--quick]');
  return { mib, repeat };
};

/** Runs the benchmark and prints one line per figure. */
export const main = (argv: string[] = process.argv.slice(2)): StrictJsonBenchReport => {
  const { mib, repeat } = parseArgs(argv);
  const plain = generateReport(mib * 1024 * 1024);
  const bare = generateReport(mib * 1024 * 1024, true);
  // Warm both paths up once so that the first measured run is not the JIT's.
  JSON.parse(plain);
  parseStrictJson(plain, 'bench');
  const jsonParseSeconds = best(repeat, () => JSON.parse(plain));
  const strictSeconds = best(repeat, () => parseStrictJson(plain, 'bench'));
  const strictWithBareTokensSeconds = best(repeat, () => parseStrictJson(bare, 'bench'));
  const report: StrictJsonBenchReport = {
    bytes: plain.length,
    jsonParseSeconds,
    strictSeconds,
    ratio: strictSeconds / jsonParseSeconds,
    strictWithBareTokensSeconds,
  };
  const mb = (plain.length / 1024 / 1024).toFixed(1);
  console.log(`document: ${mb} MiB, best of ${repeat}`);
  console.log(`JSON.parse:                 ${(jsonParseSeconds * 1000).toFixed(0)} ms`);
  console.log(`parseStrictJson:            ${(strictSeconds * 1000).toFixed(0)} ms  (ratio ${report.ratio.toFixed(2)}x JSON.parse)`);
  console.log(`parseStrictJson, NaN/Inf:   ${(strictWithBareTokensSeconds * 1000).toFixed(0)} ms`);
  return report;
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
