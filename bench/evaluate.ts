/**
 * Benchmark of one gate run: N evaluations of a report-based policy (model-quality on the quality
 * statistics, the registered constraints and the champion) through `evaluateSubject`, the use case
 * the Lambda, the CLI and the local stack call — with the embedded ledger, and without it.
 *
 * Arms, measured in the same process, interleaved (evaluation i of every arm runs before evaluation
 * i + 1 of any, in an order that rotates with i) after a warm-up of each:
 *   1. ledger-disk   — `composeLocal`: dynalite in-process with LevelDB in a temp dir (the default);
 *   2. ledger-memory — the same, dynalite keeping its tables in memory;
 *   3. no-ledger     — the same services with `MemoryLedger` (bench/memory-ledger.ts), the baseline;
 *   4. no-ledger-preloaded-policies — the baseline with the policies passed in the request, so the
 *      difference to 3 is the cost of `services.policies.load()` on every evaluation.
 * Everything else is the real path in every arm: policies from `FilePolicySource`, the champion from
 * `LocalRegistry.findChampion`, evidence from `file://` through `FileArtifactStore` with sha256
 * `ContentDigest` verification, dedupe on (every subject is a distinct ARN, so the claim is always
 * new). `apply` is off: registry status, events and notifications are not part of the measure.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/evaluate.js [--n 1000] [--warmup 100] [--quick] [--json]
 */
import { rm } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { evaluateSubject, type EvaluateRequest } from '../src/app/evaluate-subject.js';
import type { AppServices } from '../src/app/services.js';
import { DynamoDbLedger } from '../src/adapters/aws/dynamodb-ledger.js';
import { ensureLedgerTable } from '../src/adapters/aws/ledger-table.js';
import { consoleLogger } from '../src/adapters/local/console-logger.js';
import { createLocalDocumentClient, startEmbeddedDynamo } from '../src/adapters/local/embedded-dynamodb.js';
import { composeLocal, LEDGER_TABLE_DEFAULT, projectRoot } from '../src/compose.js';
import type { LoadedPolicy } from '../src/core/policy/types.js';
import type { Decision } from '../src/core/run.js';
import { createBenchWorkspace, type BenchWorkspace } from './evaluate-workspace.js';
import { machineConditions, num, summarise, type LatencySummary, type MachineConditions } from './latency.js';
import { MemoryLedger } from './memory-ledger.js';

export const DEFAULT_N = 1000;
export const QUICK_N = 100;
/** The aim of the issues ("Foundation", then issue 9's load item), for the real path (ledger on disk). */
export const TARGETS = { perSecond: 100, p99Ms: 25 };

export type ArmName = 'ledger-disk' | 'ledger-memory' | 'no-ledger' | 'no-ledger-preloaded-policies';

export interface ArmResult extends LatencySummary {
  name: ArmName;
  label: string;
  decisions: Record<Decision, number>;
  /**
   * Mean CPU time (user + system, the whole process: dynalite and LevelDB run in it too) per
   * evaluation, in ms. Less sensitive than wall time to other processes on a shared machine.
   */
  cpuMsPerEvaluation: number;
  /** `1000 / cpuMsPerEvaluation`: evaluations one core would do if the process had it to itself. */
  perCpuSecond: number;
}

export interface EvaluateBenchReport {
  n: number;
  warmup: number;
  evidence: string;
  arms: ArmResult[];
  /** Mean time per evaluation with the ledger / without it (arm `no-ledger`); also at p50 and p99. */
  ratios: Array<{ withLedger: ArmName; without: ArmName; mean: number; p50: number; p99: number; cpu: number }>;
  /** Mean cost of `services.policies.load()` on every evaluation (no-ledger minus preloaded), wall and CPU ms. */
  policyLoad: { ms: number; cpuMs: number };
  /** DynamoDB API calls per evaluation (counted on the ledger-memory arm's client). */
  ledgerCallsPerEvaluation: number;
  /** The same, by DynamoDB operation (`PutItemCommand`: 2, ...). */
  ledgerCallsByOperation: Record<string, number>;
  /** Log lines at warn or above during the run (expected 0). */
  warnings: number;
  targets: Array<{ name: string; ok: boolean; detail: string }>;
  machine: MachineConditions;
}

interface Options {
  n: number;
  warmup: number;
  json: boolean;
  /** Arguments this benchmark does not know (the runner passes the same ones to every benchmark). */
  ignored: string[];
}

const USAGE = 'usage: evaluate [--n <evaluations, default 1000>] [--warmup <per arm>] [--quick] [--json]';

const positiveInt = (flag: string, value: string | undefined, min: number): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} ${value ?? '(missing)'}: expected an integer ≥ ${min}\n${USAGE}`);
  return n;
};

export const parseArgs = (argv: readonly string[]): Options => {
  let n = DEFAULT_N;
  let warmup: number | undefined;
  let json = false;
  const ignored: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--n') n = positiveInt('--n', argv[++i], 1);
    else if (a === '--warmup') warmup = positiveInt('--warmup', argv[++i], 0);
    else if (a === '--quick') n = QUICK_N;
    else if (a === '--json') json = true;
    else if (a !== undefined) ignored.push(a);
  }
  return { n, warmup: warmup ?? Math.min(100, Math.max(3, Math.round(n / 10))), json, ignored };
};

interface Arm {
  name: ArmName;
  label: string;
  services: AppServices;
  policies?: LoadedPolicy[];
  latencies: number[];
  cpuMicros: number;
  decisions: Record<Decision, number>;
}

const noDecisions = (): Record<Decision, number> => ({ approve: 0, reject: 0, needs_review: 0 });

/** One evaluation of candidate `index`; returns its latency in ms. Throws when the path misbehaves. */
const evaluateOnce = async (arm: Arm, ws: BenchWorkspace, index: number, record: boolean): Promise<number> => {
  const { pkg, expect } = ws.candidate(index);
  const req: EvaluateRequest = {
    modelPackage: pkg,
    apply: false,
    dedupe: true,
    trigger: { source: 'eventbridge', eventId: `bench-${index}` },
    ...(arm.policies ? { policies: arm.policies } : {}),
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const outcome = await evaluateSubject(arm.services, req);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  // The benchmark measures the real path only if it took it: a fresh claim and the expected decision.
  if (outcome.status !== 'decided' || outcome.duplicate) {
    throw new Error(
      `${arm.name}: evaluation ${index} (${pkg.ModelPackageArn}) was not decided afresh (status ${outcome.status}); expected a distinct subject to be evaluated`,
    );
  }
  if (outcome.run.decision !== expect) {
    throw new Error(`${arm.name}: evaluation ${index} decided ${outcome.run.decision}, expected ${expect} (${outcome.run.reasons.join('; ')})`);
  }
  if (record) {
    arm.latencies.push(ms);
    arm.cpuMicros += cpu.user + cpu.system;
    arm.decisions[outcome.run.decision] += 1;
  }
  return ms;
};

const ratio = (a: number, b: number): number => (b > 0 ? a / b : Number.NaN);

const cpuOf = (a: Arm, n: number): { cpuMsPerEvaluation: number; perCpuSecond: number } => {
  const cpuMsPerEvaluation = a.cpuMicros / 1000 / n;
  return { cpuMsPerEvaluation, perCpuSecond: cpuMsPerEvaluation > 0 ? 1000 / cpuMsPerEvaluation : Number.NaN };
};

const print = (report: EvaluateBenchReport, write: (line: string) => void): void => {
  write(`bench/evaluate: ${report.n} evaluations per arm, warm-up ${report.warmup} per arm, arms interleaved`);
  write(`  policy: model-quality (statistics + registered constraints + vsChampion); evidence: ${report.evidence}`);
  write('');
  write(
    `  ${'arm'.padEnd(52)} ${'eval/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'mean ms'.padStart(8)} ${'max ms'.padStart(8)} ${'CPU ms'.padStart(8)} ${'eval/CPU-s'.padStart(10)}`,
  );
  for (const a of report.arms) {
    write(
      `  ${a.label.padEnd(52)} ${num(a.perSecond, 1, 8)} ${num(a.p50Ms, 2, 8)} ${num(a.p99Ms, 2, 8)} ${num(a.meanMs, 2, 8)} ${num(a.maxMs, 2, 8)} ${num(a.cpuMsPerEvaluation, 2, 8)} ${num(a.perCpuSecond, 1, 10)}`,
    );
  }
  write('');
  for (const r of report.ratios) {
    write(
      `  ratio ${r.withLedger} / ${r.without}: ${num(r.mean, 2)}x mean time per evaluation (p50 ${num(r.p50, 2)}x, p99 ${num(r.p99, 2)}x; CPU ${num(r.cpu, 2)}x)`,
    );
  }
  write(
    `  policies.load() per evaluation: ${num(report.policyLoad.ms, 2)} ms wall, ${num(report.policyLoad.cpuMs, 2)} ms CPU (no-ledger minus no-ledger-preloaded-policies)`,
  );
  const ops = Object.entries(report.ledgerCallsByOperation)
    .map(([op, n]) => `${op.replace(/Command$/, '')} ${num(n, 1)}`)
    .join(', ');
  write(`  ledger: ${num(report.ledgerCallsPerEvaluation, 1)} DynamoDB calls per evaluation (${ops})`);
  const d = report.arms[0]?.decisions;
  if (d) write(`  decisions (identical in every arm): approve ${d.approve}, reject ${d.reject}, needs_review ${d.needs_review}`);
  if (report.warnings > 0) write(`  WARNING: ${report.warnings} log lines at warn or above during the run`);
  for (const t of report.targets) write(`  target ${t.name}: ${t.ok ? 'met' : 'MISSED'} (${t.detail})`);
  const m = report.machine;
  write(`  machine: ${m.cpus} CPUs (${m.cpuModel}), load average ${m.loadAverage.map((x) => x.toFixed(2)).join(' ')}, node ${m.node}`);
};

/**
 * Runs the benchmark and prints its report (a table, or JSON with `--json`).
 *
 * @param argv `--n <N>` evaluations per arm (default 1000), `--warmup <W>`, `--quick` (N = 100), `--json`
 * @param write where lines go (default stdout)
 * @returns the report, for the runner and the test
 * @example
 * ```ts
 * const report = await main(['--n', '200']);
 * console.log(report.ratios[0]?.mean);
 * ```
 */
export const main = async (
  argv: string[] = process.argv.slice(2),
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<EvaluateBenchReport> => {
  const opts = parseArgs(argv);
  if (opts.ignored.length > 0) write(`evaluate: ignoring ${opts.ignored.map((a) => `"${a}"`).join(' ')} (${USAGE})`);
  const ws = await createBenchWorkspace(projectRoot());
  let warnings = 0;
  const logger = consoleLogger('warn', () => {
    warnings += 1;
  });
  const cleanup: Array<() => Promise<void>> = [() => rm(ws.dir, { recursive: true, force: true })];
  try {
    const stack = await composeLocal({
      stateDir: `${ws.dir}/state`,
      policies: ws.policiesDir,
      seedFrom: ws.seedDir,
      baseDir: ws.dir,
      logger,
      outboxSink: () => undefined,
    });
    cleanup.unshift(() => stack.close());

    // A second dynalite with its tables in memory, its client counting the calls the ledger makes.
    const memoryDynamo = await startEmbeddedDynamo({ dir: null });
    const memoryClients = createLocalDocumentClient(memoryDynamo.endpoint);
    cleanup.unshift(async () => {
      memoryClients.documentClient.destroy();
      memoryClients.client.destroy();
      await memoryDynamo.close();
    });
    let ledgerCalls = 0;
    let countByOperation = false;
    const byOperation: Record<string, number> = {};
    memoryClients.client.middlewareStack.add(
      (next, context) => (args) => {
        ledgerCalls += 1;
        if (countByOperation) byOperation[context.commandName ?? '?'] = (byOperation[context.commandName ?? '?'] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'benchCountLedgerCalls' },
    );
    await ensureLedgerTable(memoryClients.client, LEDGER_TABLE_DEFAULT);

    const base = stack.services;
    const preloaded = await base.policies.load();
    const arm = (name: ArmName, label: string, services: AppServices, policies?: LoadedPolicy[]): Arm => ({
      name,
      label,
      services,
      latencies: [],
      cpuMicros: 0,
      decisions: noDecisions(),
      ...(policies ? { policies } : {}),
    });
    const arms: Arm[] = [
      arm('ledger-disk', 'ledger: dynalite in-process, LevelDB on disk', base),
      arm('ledger-memory', 'ledger: dynalite in-process, in memory', {
        ...base,
        ledger: new DynamoDbLedger({ client: memoryClients.documentClient, tableName: LEDGER_TABLE_DEFAULT }),
      }),
      arm('no-ledger', 'no ledger: MemoryLedger (bench/memory-ledger.ts)', { ...base, ledger: new MemoryLedger() }),
      arm('no-ledger-preloaded-policies', 'no ledger, policies preloaded (req.policies)', { ...base, ledger: new MemoryLedger() }, preloaded),
    ];

    // Warm-up indices come first, so measured subjects are fresh ARNs too.
    for (let i = 0; i < opts.warmup; i++) for (const a of arms) await evaluateOnce(a, ws, i, false);
    const callsBefore = ledgerCalls;
    countByOperation = true;
    for (let i = 0; i < opts.n; i++) {
      const index = opts.warmup + i;
      for (let k = 0; k < arms.length; k++) await evaluateOnce(arms[(i + k) % arms.length]!, ws, index, true);
    }
    const ledgerCallsPerEvaluation = (ledgerCalls - callsBefore) / opts.n;
    const ledgerCallsByOperation = Object.fromEntries(Object.entries(byOperation).map(([op, count]) => [op, count / opts.n]));

    const results: ArmResult[] = arms.map((a) => ({ name: a.name, label: a.label, decisions: a.decisions, ...cpuOf(a, opts.n), ...summarise(a.latencies) }));
    const byName = (name: ArmName): ArmResult => results.find((r) => r.name === name)!;
    const baseline = byName('no-ledger');
    const ratios = (['ledger-disk', 'ledger-memory'] as const).map((name) => {
      const r = byName(name);
      return {
        withLedger: name,
        without: 'no-ledger' as const,
        mean: ratio(r.meanMs, baseline.meanMs),
        p50: ratio(r.p50Ms, baseline.p50Ms),
        p99: ratio(r.p99Ms, baseline.p99Ms),
        cpu: ratio(r.cpuMsPerEvaluation, baseline.cpuMsPerEvaluation),
      };
    });
    const real = byName('ledger-disk');
    const report: EvaluateBenchReport = {
      n: opts.n,
      warmup: opts.warmup,
      evidence: 'file:// through FileArtifactStore, sha256 ContentDigest verified (3 reports per evaluation); champion via LocalRegistry.findChampion',
      arms: results,
      ratios,
      policyLoad: {
        ms: baseline.meanMs - byName('no-ledger-preloaded-policies').meanMs,
        cpuMs: baseline.cpuMsPerEvaluation - byName('no-ledger-preloaded-policies').cpuMsPerEvaluation,
      },
      ledgerCallsPerEvaluation,
      ledgerCallsByOperation,
      warnings,
      targets: [
        {
          name: `>= ${TARGETS.perSecond} evaluations/s (ledger on disk)`,
          ok: real.perSecond >= TARGETS.perSecond,
          detail: `${num(real.perSecond, 1)}/s wall clock; ${num(real.perCpuSecond, 1)} per CPU-second`,
        },
        { name: `p99 <= ${TARGETS.p99Ms} ms (ledger on disk)`, ok: real.p99Ms <= TARGETS.p99Ms, detail: `${num(real.p99Ms, 2)} ms` },
      ],
      machine: machineConditions(),
    };
    if (opts.json) write(JSON.stringify(report, null, 2));
    else print(report, write);
    return report;
  } finally {
    for (const step of cleanup) await step();
  }
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
