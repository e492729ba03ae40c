/** The campaign's cases for the CLI: in process, and as a subprocess only where it must be one. */
import { cliInProcess, cliSubprocess } from './cli-runner.js';
import type { HostileCase } from './case.js';
import { expectationFor, PACKAGE_FIELDS, POLICIES, REPORTS, URIS, WRONG_TYPES, withValueAt } from './hostile-data.js';
import { arnOf, GROUP, modelPackage } from './workspace.js';
import { ESC, EVALUATE, type CaseContext } from './case-context.js';

// ---------------------------------------------------------------- CLI, in process

/** Writes a package (pointing at `uri`) under packages/ and returns its relative path. */
const writePackage = (ctx: CaseContext, name: string, pkg: Record<string, unknown>): string => {
  ctx.ws.write(`packages/${name}.json`, JSON.stringify(pkg));
  return `packages/${name}.json`;
};

const cli = (ctx: CaseContext, id: string, expect: HostileCase['expect'], args: () => string[], extra: Partial<HostileCase> = {}): HostileCase => ({
  entry: 'cli',
  id,
  expect,
  run: () => cliInProcess(ctx.ws, ctx.cliEnv, args()),
  ...extra,
});

export const cliCases = (ctx: CaseContext): HostileCase[] => {
  const { ws } = ctx;
  const cases: HostileCase[] = [];
  cases.push(
    cli(ctx, 'control/evaluate-good-report', 'approve', () => EVALUATE(writePackage(ctx, 'control', modelPackage(ws.nextVersion(), 'file:reports/good.json')))),
  );
  for (const r of REPORTS) {
    cases.push(
      cli(ctx, `report/${r.name}`, r.expect, () => {
        ws.write(`reports/r-${r.name}.json`, r.content);
        return EVALUATE(writePackage(ctx, `r-${r.name}`, modelPackage(ws.nextVersion(), `file:reports/r-${r.name}.json`)));
      }),
    );
  }
  for (const u of URIS.filter((x) => !x.subprocessOnly)) {
    cases.push(cli(ctx, `uri/${u.name}`, u.expect, () => EVALUATE(writePackage(ctx, `u-${u.name}`, modelPackage(ws.nextVersion(), u.uri(ws))))));
  }
  // The same URIs given with --evidence (the CLI's own override) on a package whose report fails.
  for (const u of URIS.filter((x) => !x.subprocessOnly).slice(0, 24)) {
    cases.push(
      cli(ctx, `evidence-arg/${u.name}`, u.expect, () => [
        ...EVALUATE(writePackage(ctx, `e-${u.name}`, modelPackage(ws.nextVersion(), 'file:reports/failing.json'))),
        '--evidence',
        `model-quality-statistics=${u.uri(ws)}`,
      ]),
    );
  }
  // Row 1: the same URIs as a predictions dataset (read as CSV / JSON Lines, whose errors may quote a header or a row).
  for (const u of URIS.filter((x) => !x.subprocessOnly && /secret|environ|passwd|cmdline|maps/.test(x.name))) {
    cases.push(
      cli(ctx, `predictions-arg/${u.name}`, u.expect, () => [
        ...EVALUATE(writePackage(ctx, `pr-${u.name}`, { ...modelPackage(ws.nextVersion(), 'file:reports/failing.json'), ModelMetrics: {} })),
        '--evidence',
        `predictions=${u.uri(ws)}`,
      ]),
    );
  }
  for (const field of PACKAGE_FIELDS) {
    for (const [label, value] of WRONG_TYPES) {
      cases.push(
        cli(ctx, `package/${field.path.join('.')}=${label}`, expectationFor(field, label), () => {
          const pkg = withValueAt(modelPackage(ws.nextVersion(), 'file:reports/good.json'), field.path, value);
          return EVALUATE(writePackage(ctx, `p-${field.path.join('.')}-${label}`, pkg));
        }),
      );
    }
  }
  const tagShapes: Array<[string, unknown]> = [
    ['object', { team: 'x' }],
    ['list-of-strings', ['team=x']],
    ['entry-without-value', [{ Key: 'team' }]],
    ['entry-key-number', [{ Key: 42, Value: 'x' }]],
    ['entry-null', [null]],
    [
      'proto-key',
      [
        { Key: '__proto__', Value: 'x' },
        { Key: 'constructor', Value: 'y' },
      ],
    ],
  ];
  for (const [label, tags] of tagShapes) {
    cases.push(
      cli(ctx, `package/Tags-${label}`, 'no-approval', () =>
        EVALUATE(writePackage(ctx, `t-${label}`, modelPackage(ws.nextVersion(), 'file:reports/failing.json', { Tags: tags }))),
      ),
    );
  }
  const wholePackages: Array<[string, string]> = [
    ['not-json', '{"ModelPackageArn": '],
    ['array', '[]'],
    ['null', 'null'],
    ['wrapper-null', '{"ModelPackage": null}'],
    [
      'duplicate-arn',
      `{"ModelPackageArn":"${arnOf(GROUP, 1)}","ModelPackageArn":"${arnOf('other', 1)}","ModelPackageGroupName":"${GROUP}","ModelPackageVersion":1}`,
    ],
    ['proto-keys', `{"__proto__":{"ModelPackageArn":"${arnOf(GROUP, 1)}"},"ModelPackageGroupName":"${GROUP}","ModelPackageVersion":1}`],
    ['version-huge', JSON.stringify(modelPackage(1, 'file:reports/failing.json')).replace('"ModelPackageVersion":1', '"ModelPackageVersion":1e400')],
    ['arn-mismatch', JSON.stringify({ ...modelPackage(1, 'file:reports/good.json'), ModelPackageArn: arnOf('gate-other', 9) })],
    ['arn-control-chars', JSON.stringify({ ...modelPackage(1, 'file:reports/good.json'), ModelPackageArn: `${arnOf(GROUP, 1)}${ESC}[2J` })],
    ['group-traversal', JSON.stringify(modelPackage(1, 'file:reports/good.json', {}, '../../gate-x'))],
  ];
  for (const [label, text] of wholePackages) {
    cases.push(
      cli(
        ctx,
        `package-file/${label}`,
        label === 'arn-mismatch' || label === 'group-traversal' || label === 'arn-control-chars' ? 'no-approval' : 'input-error',
        () => {
          ws.write(`packages/w-${label}.json`, text);
          return EVALUATE(`packages/w-${label}.json`);
        },
      ),
    );
  }
  for (const p of POLICIES) {
    cases.push(
      cli(ctx, `policy/${p.name}`, p.expect, () => {
        ws.write(`policies-hostile/${p.name}.yaml`, p.content(ws));
        return EVALUATE(writePackage(ctx, `pol-${p.name}`, modelPackage(ws.nextVersion(), `file:reports/${p.report}.json`)), `policies-hostile/${p.name}.yaml`);
      }),
    );
  }
  const good = () => writePackage(ctx, 'args-good', modelPackage(ws.nextVersion(), 'file:reports/failing.json'));
  const argCases: Array<[string, HostileCase['expect'], () => string[]]> = [
    ['no-arguments', 'input-error', () => []],
    ['unknown-command', 'input-error', () => ['frobnicate']],
    ['unknown-flag', 'input-error', () => ['evaluate', '--frobnicate', '--model-package', good()]],
    ['missing-value-at-end', 'input-error', () => ['evaluate', '--model-package']],
    ['missing-model-package', 'input-error', () => ['evaluate', '--policy', 'policies/gate.yaml']],
    ['policy-and-policies', 'input-error', () => ['evaluate', '--model-package', good(), '--policy', 'policies/gate.yaml', '--policies', 'policies']],
    ['format-xml', 'input-error', () => ['evaluate', '--model-package', good(), '--format', 'xml']],
    ['model-package-directory', 'input-error', () => EVALUATE('packages')],
    ['model-package-missing', 'input-error', () => EVALUATE('packages/nope.json')],
    ['model-package-dev-null', 'input-error', () => EVALUATE('/dev/null')],
    ['model-package-proc-environ', 'input-error', () => EVALUATE('/proc/self/environ')],
    ['model-package-secret-outside', 'input-error', () => EVALUATE(`${ws.outside}/secret.txt`)],
    ['model-package-bad-arn', 'input-error', () => EVALUATE('arn:aws:sagemaker:eu-west-1:1:model-package/../../x')],
    ['model-package-unknown-arn', 'input-error', () => EVALUATE(arnOf('gate-nowhere', 1))],
    ['policy-directory-without-yaml', 'input-error', () => EVALUATE(good(), 'reports')],
    ['policy-missing', 'input-error', () => EVALUATE(good(), 'policies/nope.yaml')],
    ['policy-dev-null', 'input-error', () => EVALUATE(good(), '/dev/null')],
    ['policy-proc-environ', 'input-error', () => EVALUATE(good(), '/proc/self/environ')],
    ['policy-secret-outside', 'input-error', () => EVALUATE(good(), `${ws.outside}/secret.txt`)],
    ['report-into-missing-directory', 'input-error', () => [...EVALUATE(good()), '--report', 'no/such/dir/report.html']],
    ['report-onto-a-directory', 'input-error', () => [...EVALUATE(good()), '--report', 'reports']],
    ['report-to-dev-full', 'any', () => [...EVALUATE(good()), '--report', '/dev/full']],
    ['evidence-without-equals', 'input-error', () => [...EVALUATE(good()), '--evidence', 'model-quality-statistics']],
    ['evidence-empty-name', 'input-error', () => [...EVALUATE(good()), '--evidence', '=file:reports/good.json']],
    ['evidence-proto-name', 'no-approval', () => [...EVALUATE(good()), '--evidence', '__proto__=file:reports/good.json']],
    ['evidence-constructor-name', 'no-approval', () => [...EVALUATE(good()), '--evidence', 'constructor=file:reports/good.json']],
    ['champion-secret-outside', 'input-error', () => [...EVALUATE(good()).slice(0, -2), '--champion', `${ws.outside}/secret.txt`]],
    ['champion-directory', 'input-error', () => [...EVALUATE(good()).slice(0, -2), '--champion', 'packages']],
    ['nul-in-argument', 'input-error', () => EVALUATE('packages/x\u0000.json')],
    ['megabyte-argument', 'input-error', () => EVALUATE(`packages/${'a'.repeat(1 << 20)}.json`)],
    ['runs-show-bad-escape', 'input-error', () => ['runs', 'show', '%ZZ']],
    ['runs-show-traversal', 'input-error', () => ['runs', 'show', '../../../etc/passwd']],
    ['runs-show-proto', 'input-error', () => ['runs', 'show', '__proto__']],
    ['runs-list-bad-since', 'input-error', () => ['runs', 'list', '--since', 'yesterday-ish']],
    ['runs-list-bad-status', 'input-error', () => ['runs', 'list', '--status', 'approved; rm -rf /']],
    ['runs-list-control-group', 'any', () => ['runs', 'list', '--group', `${ESC}[2J`]],
    ['override-missing-reason', 'input-error', () => ['override', 'run-x', '--decision', 'approve', '--as', 'oncall-ml@example.com']],
    ['override-unknown-run', 'input-error', () => ['override', 'run-nope', '--decision', 'approve', '--reason', 'x', '--as', 'oncall-ml@example.com']],
    ['override-bad-decision', 'input-error', () => ['override', 'run-x', '--decision', 'needs_review', '--reason', 'x', '--as', 'oncall-ml@example.com']],
    ['rerun-unknown', 'input-error', () => ['rerun', 'run-nope', '--reason', 'x']],
    ['promote-unknown', 'input-error', () => ['promote', 'run-nope', '--dry-run']],
    ['policy-validate-dev-null', 'input-error', () => ['policy', 'validate', '/dev/null']],
    ['policy-validate-directory-without-yaml', 'input-error', () => ['policy', 'validate', 'reports']],
    [
      'policy-validate-proto-metric',
      'input-error',
      () => ['policy', 'validate', ws.write('policies-hostile/v-proto.yaml', POLICIES.find((p) => p.name === 'metric-constructor')!.content(ws))],
    ],
    ['doctor-missing-policy', 'input-error', () => ['doctor', 'cross-account', '--policy', 'policies/nope.yaml']],
    ['checks-list-extra-args', 'any', () => ['checks', 'list', '--frobnicate']],
  ];
  for (const [label, expect, args] of argCases) cases.push(cli(ctx, `args/${label}`, expect, args));
  // Row 14: an override reason with terminal escape sequences, then `runs show` of that run.
  cases.push({
    entry: 'cli',
    id: 'hygiene/override-reason-escapes-then-runs-show',
    expect: 'any',
    hygiene: true,
    run: async () => {
      const pkg = writePackage(ctx, 'hyg', modelPackage(ws.nextVersion(), 'file:reports/failing.json'));
      const evaluated = await cliInProcess(ws, ctx.cliEnv, [...EVALUATE(pkg), '--format', 'json']);
      const runId = /"runId":\s*"([^"]+)"/.exec(evaluated.texts[0] ?? '')?.[1];
      if (!runId) return { ...evaluated, crash: evaluated.crash ?? 'no run id from evaluate --format json' };
      const reason = `fine${ESC}[2J${ESC}]0;pwned\u0007${ESC}[31m\r\u0008`;
      const override = await cliInProcess(ws, ctx.cliEnv, ['override', runId, '--decision', 'reject', '--reason', reason, '--as', 'oncall-ml@example.com']);
      const shown = await cliInProcess(ws, ctx.cliEnv, ['runs', 'show', runId]);
      const listed = await cliInProcess(ws, ctx.cliEnv, ['runs', 'list']);
      const all = [override, shown, listed];
      return {
        outcome: all.map((o) => o.outcome).join(' / '),
        approved: false,
        inputError: false,
        crash: all.find((o) => o.crash)?.crash ?? null,
        timedOut: false,
        texts: all.flatMap((o) => o.texts),
        humanTexts: [...(shown.humanTexts ?? []), ...(listed.humanTexts ?? [])],
      };
    },
  });
  // Free text with control characters in the package: must not reach the terminal raw.
  for (const field of ['ModelPackageDescription', 'CustomerMetadataProperties'] as const) {
    cases.push({
      ...cli(ctx, `hygiene/${field}-escapes`, 'no-approval', () => {
        const value = field === 'CustomerMetadataProperties' ? { [`team${ESC}[2J`]: `x${ESC}]0;pwned\u0007` } : `desc${ESC}[2J${ESC}]0;pwned\u0007`;
        return EVALUATE(writePackage(ctx, `hyg-${field}`, modelPackage(ws.nextVersion(), 'file:reports/failing.json', { [field]: value })));
      }),
      hygiene: true,
    });
  }
  cases.push({
    ...cli(ctx, 'hygiene/html-report-escapes', 'no-approval', () => {
      ws.write(
        'reports/r-html.json',
        `{"binary_classification_metrics":{"auc${ESC}[2J<script>alert(1)</script>":{"value":0.1},"auc":{"value":0.5},"accuracy":{"value":0.6}}}`,
      );
      return [
        ...EVALUATE(
          writePackage(ctx, 'hyg-html', modelPackage(ws.nextVersion(), 'file:reports/r-html.json', { ModelPackageDescription: '<script>alert(1)</script>' })),
        ),
        '--report',
        'report.html',
      ];
    }),
    hygiene: true,
  });
  return cases;
};

// ---------------------------------------------------------------- CLI, subprocess

const sub = (ctx: CaseContext, id: string, expect: HostileCase['expect'], args: () => string[]): HostileCase => ({
  entry: 'cli-subprocess',
  id,
  expect,
  // Generous for a loaded machine (a run takes about a second); a FIFO or device must be refused well before.
  timeoutMs: 15_000,
  run: (signal) => cliSubprocess(ctx.ws, ctx.cliEnv, args(), signal),
});

export const subprocessCases = (ctx: CaseContext): HostileCase[] => {
  const { ws } = ctx;
  const failingPkg = () => writePackage(ctx, 'sub-failing', modelPackage(ws.nextVersion(), 'file:reports/failing.json'));
  const cases: HostileCase[] = [
    sub(ctx, 'control/evaluate-good-report', 'approve', () =>
      EVALUATE(writePackage(ctx, 'sub-control', modelPackage(ws.nextVersion(), 'file:reports/good.json'))),
    ),
    sub(ctx, 'control/version', 'any', () => ['--version']),
  ];
  for (const u of URIS.filter((x) => x.subprocessOnly)) {
    cases.push(sub(ctx, `uri/${u.name}`, u.expect, () => EVALUATE(writePackage(ctx, `sub-u-${u.name}`, modelPackage(ws.nextVersion(), u.uri(ws))))));
    cases.push(sub(ctx, `evidence-arg/${u.name}`, u.expect, () => [...EVALUATE(failingPkg()), '--evidence', `model-quality-statistics=${u.uri(ws)}`]));
  }
  // Row 1 as filed: the subprocess's own environment (which holds the planted secret) as evidence.
  for (const name of ['model-quality-statistics', 'predictions']) {
    cases.push(
      sub(ctx, `environ/${name}`, 'no-approval', () => [
        ...EVALUATE(writePackage(ctx, `sub-env-${name}`, { ...modelPackage(ws.nextVersion(), 'file:reports/failing.json'), ModelMetrics: {} })),
        '--evidence',
        `${name}=file:/proc/self/environ`,
      ]),
    );
  }
  cases.push(
    sub(ctx, 'args/policy-dev-zero', 'input-error', () => EVALUATE(failingPkg(), '/dev/zero')),
    sub(ctx, 'args/policy-fifo', 'input-error', () => EVALUATE(failingPkg(), 'reports/fifo.json')),
    sub(ctx, 'args/model-package-dev-zero', 'input-error', () => EVALUATE('/dev/zero')),
    sub(ctx, 'args/model-package-fifo', 'input-error', () => EVALUATE('reports/fifo.json')),
    sub(ctx, 'args/champion-fifo', 'input-error', () => [...EVALUATE(failingPkg()).slice(0, -2), '--champion', 'reports/fifo.json']),
    sub(ctx, 'args/policy-validate-dev-zero', 'input-error', () => ['policy', 'validate', '/dev/zero']),
    sub(ctx, 'args/policy-validate-fifo', 'input-error', () => ['policy', 'validate', 'reports/fifo.json']),
    sub(ctx, 'args/report-into-missing-directory', 'input-error', () => [...EVALUATE(failingPkg()), '--report', 'no/such/dir/r.html']),
  );
  return cases;
};
