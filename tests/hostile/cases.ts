/**
 * The campaign's cases, per entry point: the in-process CLI, the CLI as a subprocess (only what
 * must be one), the local stack's HTTP API and the evaluate Lambda handler.
 */
import { randomUUID } from 'node:crypto';
import { cliInProcess, cliSubprocess } from './cli-runner.js';
import type { HostileCase, Observation } from './case.js';
import { EVENT_FIELDS, EVENT_WRONG_TYPES, expectationFor, PACKAGE_FIELDS, POLICIES, REPORTS, URIS, WRONG_TYPES, withValueAt } from './hostile-data.js';
import { observeHttp, rawRequest, request, type HttpStack } from './http-runner.js';
import type { LambdaStack } from './lambda-runner.js';
import { ACCOUNT, arnOf, FAILING_REPORT, GOOD_REPORT, GROUP, modelPackage, REGION, type Workspace } from './workspace.js';

export interface CaseContext {
  ws: Workspace;
  /** The environment of CLI runs (no AWS settings, the campaign's MODELGATE_HOME). */
  cliEnv: Record<string, string>;
  http: () => HttpStack;
  lambda: () => LambdaStack;
}

const ESC = '\u001b';
const EVALUATE = (pkgFile: string, policy = 'policies/gate.yaml'): string[] => [
  'evaluate',
  '--model-package',
  pkgFile,
  '--policy',
  policy,
  '--champion',
  'none',
];

/** An EventBridge `SageMaker Model Package State Change` (PendingManualApproval, Completed) for `pkg`. */
export const stateChange = (pkg: Record<string, unknown>): Record<string, unknown> => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'SageMaker Model Package State Change',
  source: 'aws.sagemaker',
  account: ACCOUNT,
  time: '2026-11-20T11:00:05Z',
  region: REGION,
  resources: [pkg['ModelPackageArn']],
  detail: { ...pkg, ModelPackageStatus: 'Completed', ModelApprovalStatus: 'PendingManualApproval' },
});

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

const cliCases = (ctx: CaseContext): HostileCase[] => {
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

const subprocessCases = (ctx: CaseContext): HostileCase[] => {
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

// ---------------------------------------------------------------- HTTP API

const http = (ctx: CaseContext, id: string, expect: HostileCase['expect'], send: (port: number, signal: AbortSignal) => Promise<Observation>): HostileCase => ({
  entry: 'http',
  id,
  expect,
  run: (signal) => send(ctx.http().port, signal),
});

/** Registers `pkg` in the stack's registry, posts its state change, and observes (with the registry's status). */
const postEventFor = async (ctx: CaseContext, pkg: Record<string, unknown>, event: unknown, signal: AbortSignal): Promise<Observation> => {
  const stack = ctx.http();
  await stack.register(pkg);
  const res = await request(stack.port, 'POST', '/events', JSON.stringify(event), {}, signal);
  return observeHttp(res, stack.drain(), await stack.approvalOf(String(pkg['ModelPackageArn'])));
};

const plain =
  (ctx: CaseContext, method: string, path: string, body?: string | Uint8Array, headers: Record<string, string> = {}) =>
  async (port: number, signal: AbortSignal) =>
    observeHttp(await request(port, method, path, body, headers, signal), ctx.http().drain());

const httpCases = (ctx: CaseContext): HostileCase[] => {
  const { ws } = ctx;
  const cases: HostileCase[] = [];
  const pkgWith = (uri: string, group = 'gate-http') => modelPackage(ws.nextVersion(), uri, {}, group);
  cases.push(
    http(ctx, 'control/event-good-report', 'approve', (_p, signal) => {
      const pkg = pkgWith('file:reports/good.json');
      return postEventFor(ctx, pkg, stateChange(pkg), signal);
    }),
  );
  for (const r of REPORTS) {
    cases.push(
      http(ctx, `report/${r.name}`, r.expect, (_p, signal) => {
        ws.write(`reports/h-${r.name}.json`, r.content);
        const pkg = pkgWith(`file:reports/h-${r.name}.json`);
        return postEventFor(ctx, pkg, stateChange(pkg), signal);
      }),
    );
  }
  for (const u of URIS.filter((x) => !x.subprocessOnly)) {
    cases.push(
      http(ctx, `uri/${u.name}`, u.expect, (_p, signal) => {
        const pkg = pkgWith(u.uri(ws));
        return postEventFor(ctx, pkg, stateChange(pkg), signal);
      }),
    );
  }
  for (const field of EVENT_FIELDS) {
    for (const [label, value] of EVENT_WRONG_TYPES) {
      cases.push(
        http(ctx, `event/${field.path.join('.')}=${label}`, field.expect, (_p, signal) => {
          const pkg = pkgWith('file:reports/good.json');
          return postEventFor(ctx, pkg, withValueAt(stateChange(pkg), field.path, value), signal);
        }),
      );
    }
  }
  const bodies: Array<[string, HostileCase['expect'], string | Uint8Array]> = [
    ['entries-null', 'input-error', '{"Entries":[null]}'],
    ['entries-number', 'input-error', '{"Entries":[42]}'],
    ['entries-string', 'input-error', '{"Entries":"x"}'],
    ['entries-detail-invalid-json', 'input-error', '{"Entries":[{"Source":"aws.sagemaker","DetailType":"SageMaker Model Package State Change","Detail":"{"}]}'],
    ['entries-detail-null', 'input-error', '{"Entries":[{"Source":"aws.sagemaker","DetailType":"SageMaker Model Package State Change","Detail":"null"}]}'],
    ['entries-detail-number', 'input-error', '{"Entries":[{"Source":"aws.sagemaker","DetailType":"SageMaker Model Package State Change","Detail":42}]}'],
    ['entries-proto', 'input-error', '{"Entries":[{"__proto__":{"Source":"aws.sagemaker"}}]}'],
    ['array-of-null', 'input-error', '[null]'],
    ['array-of-numbers', 'input-error', '[1,2,3]'],
    ['empty-array', 'any', '[]'],
    ['json-null', 'input-error', 'null'],
    ['json-number', 'input-error', '42'],
    ['json-string', 'input-error', '"event"'],
    ['not-json', 'input-error', '{"source":'],
    ['empty', 'input-error', ''],
    ['bom-then-json', 'any', '\ufeff{"source":"x"}'],
    ['duplicate-keys', 'input-error', '{"source":"aws.sagemaker","source":"aws.bedrock","detail-type":"x"}'],
    ['deep-nesting', 'input-error', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['proto-event', 'input-error', '{"__proto__":{"source":"aws.sagemaker","detail-type":"SageMaker Model Package State Change"}}'],
    ['invalid-utf8', 'input-error', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ['nul-bytes', 'input-error', '\u0000\u0000'],
    ['unsupported-source-control-chars', 'input-error', `{"source":"x${ESC}[2J","detail-type":"y${ESC}]0;t\u0007"}`],
    ['bedrock-wrong-shape', 'input-error', '{"source":"aws.bedrock","detail-type":"Model Customization Job State Change","detail":42}'],
    [
      'many-ignored-events',
      'any',
      JSON.stringify(Array.from({ length: 500 }, () => ({ source: 'aws.sagemaker', 'detail-type': 'SageMaker Model Package State Change', detail: {} }))),
    ],
  ];
  for (const [label, expect, body] of bodies) cases.push(http(ctx, `body/${label}`, expect, plain(ctx, 'POST', '/events', body)));
  cases.push(
    http(ctx, 'body/8MB', 'input-error', plain(ctx, 'POST', '/events', Buffer.alloc(8 * 1024 * 1024, 0x20))),
    http(ctx, 'body/1MB-plus-one', 'input-error', plain(ctx, 'POST', '/events', Buffer.alloc(1024 * 1024 + 1, 0x20))),
    http(ctx, 'body/content-length-lies-short', 'any', async (port, signal) =>
      observeHttp(
        await rawRequest(port, 'POST /events HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 5', '{"Entries":[null]}', signal),
        ctx.http().drain(),
      ),
    ),
    http(ctx, 'body/content-length-lies-long', 'any', async (port, signal) => {
      // The client stops sending: a server may drop such a request without an answer (not a crash), but must not 500.
      const res = await rawRequest(port, 'POST /events HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100000', '{}', signal, true);
      return { ...observeHttp(res, ctx.http().drain()), crash: res.status === 500 ? 'HTTP 500' : null };
    }),
    http(ctx, 'body/content-length-negative', 'input-error', async (port, signal) =>
      observeHttp(await rawRequest(port, 'POST /events HTTP/1.1\r\nContent-Length: -1', '{}', signal), ctx.http().drain()),
    ),
    http(ctx, 'body/chunked-8MB', 'input-error', async (port, signal) => {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const parts: Buffer[] = [];
      for (let i = 0; i < 128; i++) parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
      parts.push(Buffer.from('0\r\n\r\n'));
      return observeHttp(
        await rawRequest(port, 'POST /events HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json', Buffer.concat(parts), signal),
        ctx.http().drain(),
      );
    }),
    http(ctx, 'body/gzip-encoded-garbage', 'any', plain(ctx, 'POST', '/events', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]), { 'Content-Encoding': 'gzip' })),
    http(ctx, 'body/text-plain', 'any', plain(ctx, 'POST', '/events', 'hello', { 'Content-Type': 'text/plain' })),
    http(
      ctx,
      'body/multipart',
      'input-error',
      plain(ctx, 'POST', '/events', '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n', {
        'Content-Type': 'multipart/form-data; boundary=b',
      }),
    ),
  );
  const routes: Array<[string, HostileCase['expect'], string, string]> = [
    ['get-events', 'input-error', 'GET', '/events'],
    ['put-events', 'input-error', 'PUT', '/events'],
    ['delete-runs', 'input-error', 'DELETE', '/runs'],
    ['patch-run', 'input-error', 'PATCH', '/runs/run-x'],
    ['options-health', 'any', 'OPTIONS', '/health'],
    ['trace-health', 'any', 'TRACE', '/health'],
    ['made-up-method', 'any', 'FROBNICATE', '/health'],
    ['post-health', 'input-error', 'POST', '/health'],
    ['run-bad-escape', 'input-error', 'GET', '/runs/%ZZ'],
    ['run-truncated-escape', 'input-error', 'GET', '/runs/%E0%A4%A'],
    ['run-encoded-nul', 'input-error', 'GET', '/runs/%00'],
    ['run-encoded-traversal', 'input-error', 'GET', '/runs/..%2F..%2Fetc%2Fpasswd'],
    ['run-proto', 'input-error', 'GET', '/runs/__proto__'],
    ['run-constructor', 'input-error', 'GET', '/runs/constructor'],
    ['run-unknown', 'input-error', 'GET', '/runs/run-01nope'],
    ['run-nested', 'input-error', 'GET', '/runs/a/b'],
    ['double-slash', 'input-error', 'GET', '//runs'],
    ['bare-percent', 'input-error', 'GET', '/%'],
    ['unknown-route', 'input-error', 'GET', '/admin'],
    ['absolute-uri-form', 'any', 'GET', 'http://evil.example.com/health'],
    ['asterisk-form', 'any', 'OPTIONS', '*'],
    ['runs-status-bogus', 'input-error', 'GET', '/runs?status=bogus'],
    ['runs-status-bad-escape', 'input-error', 'GET', '/runs?status=%ZZ'],
    ['runs-since-garbage', 'input-error', 'GET', '/runs?since=garbage'],
    ['runs-limit-negative', 'input-error', 'GET', '/runs?limit=-1'],
    ['runs-limit-huge', 'input-error', 'GET', '/runs?limit=1e9'],
    ['runs-limit-fraction', 'input-error', 'GET', '/runs?limit=1.5'],
    ['runs-limit-text', 'input-error', 'GET', '/runs?limit=abc'],
    ['runs-group-control-chars', 'any', 'GET', '/runs?group=%1B%5B2J'],
    ['runs-group-bad-escape', 'any', 'GET', '/runs?group=%ZZ'],
    ['runs-repeated-params', 'any', 'GET', '/runs?status=approve&status=reject&limit=1&limit=2'],
    ['long-path-64KB', 'any', 'GET', `/runs/${'a'.repeat(64 * 1024)}`],
  ];
  for (const [label, expect, method, path] of routes) cases.push(http(ctx, `route/${label}`, expect, plain(ctx, method, path)));
  cases.push(
    http(ctx, 'protocol/garbage-request-line', 'any', async (port, signal) =>
      observeHttp(await rawRequest(port, '\u0000\u0001\u0002 garbage', '', signal), ctx.http().drain()),
    ),
    http(ctx, 'protocol/http-0.9', 'any', async (port, signal) => {
      const res = await rawRequest(port, 'GET /health', '', signal);
      // A server may drop an HTTP/0.9 request without an answer: that is not a crash.
      return { ...observeHttp(res, ctx.http().drain()), crash: res.status === 500 ? 'HTTP 500' : null };
    }),
    http(ctx, 'protocol/huge-header', 'any', async (port, signal) => {
      const res = await rawRequest(port, `GET /health HTTP/1.1\r\nX-Big: ${'a'.repeat(100_000)}`, '', signal);
      return { ...observeHttp(res, ctx.http().drain()), crash: res.status === 500 ? 'HTTP 500' : null };
    }),
  );
  return cases;
};

// ---------------------------------------------------------------- Lambda handler

const lambda = (ctx: CaseContext, id: string, expect: HostileCase['expect'], run: () => Promise<Observation>): HostileCase => ({
  entry: 'lambda',
  id,
  expect,
  run,
});

/** Registers a package whose statistics are `report` (on S3) and invokes the handler with its state change. */
const invokeWithReport = async (
  ctx: CaseContext,
  name: string,
  report: string | Uint8Array,
  opts: { group?: string; tags?: unknown; pkg?: (p: Record<string, unknown>) => Record<string, unknown>; event?: (e: Record<string, unknown>) => unknown } = {},
): Promise<Observation> => {
  const stack = ctx.lambda();
  const version = ctx.ws.nextVersion();
  const group = opts.group ?? 'gate-lambda';
  const uri = await stack.put(`${group}/${version}/${name}.json`, report);
  const base = modelPackage(version, uri, {}, group);
  const pkg = opts.pkg ? opts.pkg(base) : base;
  stack.register(arnOf(group, version), pkg, opts.tags);
  const event = stateChange(base);
  return stack.invoke(opts.event ? opts.event(event) : event, arnOf(group, version));
};

const lambdaCases = (ctx: CaseContext): HostileCase[] => {
  const { ws } = ctx;
  const cases: HostileCase[] = [lambda(ctx, 'control/event-good-report', 'approve', () => invokeWithReport(ctx, 'good', GOOD_REPORT))];
  for (const r of REPORTS) cases.push(lambda(ctx, `report/${r.name}`, r.expect, () => invokeWithReport(ctx, r.name, r.content)));
  // The deployed composition: evidence on S3 only (and the registry's own URIs); file: is never read.
  for (const u of [
    ...URIS.filter((x) => !x.subprocessOnly),
    { name: 'file-absolute-good-report', uri: (w: Workspace) => `file://${w.work}/reports/good.json`, expect: 'no-approval' as const },
    { name: 'file-relative-good-report-from-cwd', uri: () => 'file:examples/reports/churn-xgb/v1-quality-statistics.json', expect: 'no-approval' as const },
  ]) {
    cases.push(
      lambda(ctx, `uri/${u.name}`, u.expect, () =>
        invokeWithReport(ctx, `u-${u.name}`, GOOD_REPORT, { pkg: (p) => withValueAt(p, ['ModelMetrics', 'ModelQuality', 'Statistics', 'S3Uri'], u.uri(ws)) }),
      ),
    );
  }
  for (const field of PACKAGE_FIELDS.filter((f) => f.path[0] !== 'ModelPackageArn')) {
    for (const [label, value] of WRONG_TYPES.slice(0, 4)) {
      // Deployed, Tags come from ListTags (listtags/ cases below), whatever DescribeModelPackage says.
      cases.push(
        lambda(ctx, `describe/${field.path.join('.')}=${label}`, field.path[0] === 'Tags' ? 'any' : expectationFor(field, label), () =>
          invokeWithReport(ctx, `d-${label}`, GOOD_REPORT, { pkg: (p) => withValueAt(p, field.path, value) }),
        ),
      );
    }
  }
  const tagAnswers: Array<[string, unknown]> = [
    ['tags-not-a-list', { Tags: 'team=x' }],
    ['tags-entry-null', { Tags: [null] }],
    ['tags-entry-numbers', { Tags: [{ Key: 1, Value: 2 }] }],
    [
      'tags-proto-keys',
      {
        Tags: [
          { Key: '__proto__', Value: 'x' },
          { Key: 'constructor', Value: 'y' },
        ],
      },
    ],
  ];
  for (const [label, tags] of tagAnswers)
    cases.push(lambda(ctx, `listtags/${label}`, 'no-approval', () => invokeWithReport(ctx, label, FAILING_REPORT, { group: `gate-tags-${label}`, tags })));
  for (const field of EVENT_FIELDS) {
    for (const [label, value] of EVENT_WRONG_TYPES) {
      cases.push(
        lambda(ctx, `event/${field.path.join('.')}=${label}`, field.expect, () =>
          invokeWithReport(ctx, `ev-${label}`, GOOD_REPORT, { event: (e) => withValueAt(e, field.path, value) }),
        ),
      );
    }
  }
  const rawEvents: Array<[string, unknown]> = [
    ['null', null],
    ['number', 42],
    ['string', 'event'],
    ['array', [stateChange(modelPackage(1, 's3://b/k'))]],
    ['empty-object', {}],
    ['proto-object', JSON.parse('{"__proto__":{"source":"aws.sagemaker","detail-type":"SageMaker Model Package State Change"}}') as unknown],
    ['unknown-arn', stateChange(modelPackage(999_999, 's3://b/k', {}, 'gate-unknown'))],
    ['resources-other-arn', { ...stateChange(modelPackage(5, 's3://b/k')), resources: [arnOf('gate-other', 5)] }],
    ['other-account', { ...stateChange(modelPackage(5, 's3://b/k')), account: '999999999999' }],
  ];
  for (const [label, event] of rawEvents) cases.push(lambda(ctx, `raw-event/${label}`, 'input-error', () => ctx.lambda().invoke(event)));
  return cases;
};

/** Every case, in the order the campaign runs them (in-process first, the Lambda last: it sets process.env). */
export const allCases = (ctx: CaseContext): HostileCase[] => [...cliCases(ctx), ...subprocessCases(ctx), ...httpCases(ctx), ...lambdaCases(ctx)];
