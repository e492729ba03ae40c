/**
 * The hostile campaign: a few hundred hostile inputs against the CLI (in process and as a
 * subprocess), the local stack's HTTP API and the evaluate Lambda handler, each judged for wrong
 * approvals, crashes, hangs and leaks (see case.ts). Ends with one summary line:
 *
 *   hostile campaign: 312 inputs, 0 wrong approvals, 0 crashes, 0 hangs, 0 leaks
 *
 * Run it with `npm run hostile` (builds, then `node dist/tests/hostile/campaign.js`). Options:
 * `--entry cli,cli-subprocess,http,lambda` (a subset of entry points), `--only <text>` (cases whose
 * id contains the text), `--json <file>` (every result), `--verbose` (every case, not only findings).
 * Exit status 1 when any count is not 0. Network: 127.0.0.1 only. Everything it creates is removed.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { judge, withTimeout, type Entry, type HostileCase, type Judged } from './case.js';
import { allCases, type CaseContext } from './cases.js';
import { cliEnv } from './cli-runner.js';
import { startHttpStack, type HttpStack } from './http-runner.js';
import { startLambdaStack, type LambdaStack } from './lambda-runner.js';
import { createWorkspace } from './workspace.js';

export const ENTRIES: readonly Entry[] = ['cli', 'cli-subprocess', 'http', 'lambda'];

const DEFAULT_TIMEOUT_MS: Record<Entry, number> = { cli: 20_000, 'cli-subprocess': 20_000, http: 20_000, lambda: 30_000 };

export interface CampaignOptions {
  entries?: readonly Entry[];
  /** Only cases whose id contains this text. */
  only?: string;
  /** Called with a line per finding (and per case with `verbose`). */
  log?: (line: string) => void;
  verbose?: boolean;
}

export interface CampaignSummary {
  total: number;
  wrongApprovals: number;
  crashes: number;
  hangs: number;
  leaks: number;
  mismatches: number;
  results: Judged[];
  /** `hostile campaign: N inputs, ...`. */
  line: string;
  /** Counts by entry point and class, as a markdown table. */
  table: string;
  /** One line per finding. */
  findings: string[];
}

const count = (results: Judged[], cls: Judged['classes'][number]) => results.filter((r) => r.classes.includes(cls)).length;

const tableOf = (results: Judged[]): string => {
  const rows = ['| entry point | inputs | wrong approvals | crashes | hangs | leaks | outside expected class |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const entry of [...ENTRIES, 'total' as const]) {
    const rs = entry === 'total' ? results : results.filter((r) => r.c.entry === entry);
    if (rs.length === 0) continue;
    rows.push(
      `| ${entry} | ${rs.length} | ${count(rs, 'wrong-approval')} | ${count(rs, 'crash')} | ${count(rs, 'hang')} | ${count(rs, 'leak')} | ${rs.filter((r) => r.mismatch).length} |`,
    );
  }
  return rows.join('\n');
};

/** The first words of what the entry point said, secrets redacted, for a finding's line. */
const said = (r: Judged, markers: string[]): string => {
  let text = r.obs.texts
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .join(' | ')
    .replace(/\s+/g, ' ');
  for (const m of markers) text = text.split(m).join('<SECRET>');
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
};

const findingOf = (r: Judged, markers: string[] = []): string | null => {
  const tags = [...r.classes, ...(r.mismatch ? ['mismatch'] : [])];
  if (tags.length === 0) return null;
  const details = [r.obs.crash, r.leaked.length ? `leaked ${r.leaked.length} planted secret(s)` : null, r.mismatch].filter(Boolean).join('; ');
  const output = said(r, markers);
  // Findings are printed to a terminal: show control characters escaped.
  const line = `[${tags.join(',')}] ${r.c.entry} ${r.c.id} (expected ${r.c.expect}): ${r.obs.outcome}${details ? ` — ${details}` : ''}${output ? `\n      said: ${output}` : ''}`;
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
};

/** Runs the campaign (or the part `opts` selects) and returns what it found. */
export const runCampaign = async (opts: CampaignOptions = {}): Promise<CampaignSummary> => {
  const log = opts.log ?? (() => undefined);
  const entries = opts.entries ?? ENTRIES;
  const baseEnv = { ...process.env };
  const ws = createWorkspace();
  const markers = [...ws.markers];
  let http: HttpStack | undefined;
  let lambda: LambdaStack | undefined;
  const ctx: CaseContext = {
    ws,
    cliEnv: cliEnv(ws, { ...baseEnv, MODELGATE_CAMPAIGN_SECRET: ws.secrets.env }, { MODELGATE_POLICIES: ws.policyDir }),
    http: () => {
      if (!http) throw new Error('the HTTP stack is not started');
      return http;
    },
    lambda: () => {
      if (!lambda) throw new Error('the Lambda stack is not started');
      return lambda;
    },
  };
  const results: Judged[] = [];
  try {
    const cases = allCases(ctx).filter((c) => entries.includes(c.entry) && (opts.only === undefined || c.id.includes(opts.only)));
    const ids = new Set<string>();
    for (const c of cases) {
      const key = `${c.entry} ${c.id}`;
      if (ids.has(key)) throw new Error(`duplicate case id: ${key}`);
      ids.add(key);
    }
    for (const entry of ENTRIES) {
      const group: HostileCase[] = cases.filter((c) => c.entry === entry);
      if (group.length === 0) continue;
      if (entry === 'http') http = await startHttpStack(ws);
      if (entry === 'lambda') lambda = await startLambdaStack();
      try {
        for (const c of group) {
          const controller = new AbortController();
          const obs = await withTimeout(
            c.timeoutMs ?? DEFAULT_TIMEOUT_MS[c.entry],
            controller,
            Promise.resolve().then(() => c.run(controller.signal)),
          );
          const judged = judge(c, obs, ws.markers);
          results.push(judged);
          const finding = findingOf(judged, ws.markers);
          if (finding) log(finding);
          else if (opts.verbose) log(`[ok] ${c.entry} ${c.id}: ${obs.outcome}\n      said: ${said(judged, ws.markers)}`);
        }
      } finally {
        if (entry === 'http') await http?.close();
        if (entry === 'lambda') await lambda?.close();
        http = undefined;
        lambda = undefined;
      }
    }
  } finally {
    ws.close();
  }
  const summary = {
    total: results.length,
    wrongApprovals: count(results, 'wrong-approval'),
    crashes: count(results, 'crash'),
    hangs: count(results, 'hang'),
    leaks: count(results, 'leak'),
    mismatches: results.filter((r) => r.mismatch).length,
  };
  return {
    ...summary,
    results,
    line: `hostile campaign: ${summary.total} inputs, ${summary.wrongApprovals} wrong approvals, ${summary.crashes} crashes, ${summary.hangs} hangs, ${summary.leaks} leaks`,
    table: tableOf(results),
    findings: results.map((r) => findingOf(r, markers)).filter((f): f is string => f !== null),
  };
};

/** True when the summary holds the campaign's promise. */
export const campaignPassed = (s: CampaignSummary): boolean => s.wrongApprovals === 0 && s.crashes === 0 && s.hangs === 0 && s.leaks === 0;

const main = async (argv: string[]): Promise<number> => {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const entriesArg = arg('--entry');
  const entries = entriesArg ? (entriesArg.split(',') as Entry[]) : undefined;
  for (const e of entries ?? []) if (!ENTRIES.includes(e)) throw new Error(`--entry: unknown entry point "${e}" (${ENTRIES.join(', ')})`);
  const started = Date.now();
  const summary = await runCampaign({
    ...(entries ? { entries } : {}),
    ...(arg('--only') !== undefined ? { only: arg('--only')! } : {}),
    verbose: argv.includes('--verbose'),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const json = arg('--json');
  if (json)
    writeFileSync(
      json,
      JSON.stringify(
        summary.results.map((r) => ({
          entry: r.c.entry,
          id: r.c.id,
          expect: r.c.expect,
          outcome: r.obs.outcome,
          classes: r.classes,
          mismatch: r.mismatch,
          crash: r.obs.crash,
        })),
        null,
        2,
      ),
    );
  process.stdout.write(`\n${summary.table}\n\n${summary.mismatches} outcome(s) outside their expected class (listed above as "mismatch"; not counted below)\n`);
  process.stdout.write(`${summary.line} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  return campaignPassed(summary) ? 0 : 1;
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  main(process.argv.slice(2)).then(
    (code) => {
      // Handles of in-process cases that never finished (a hang) must not keep the process alive.
      process.exit(code);
    },
    (err: unknown) => {
      process.stderr.write(`hostile campaign could not run: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(3);
    },
  );
}
