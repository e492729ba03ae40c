/** The campaign's cases for the evaluate Lambda handler. */
import type { HostileCase, Observation } from './case.js';
import { EVENT_FIELDS, EVENT_WRONG_TYPES, expectationFor, PACKAGE_FIELDS, REPORTS, URIS, WRONG_TYPES, withValueAt } from './hostile-data.js';
import { arnOf, FAILING_REPORT, GOOD_REPORT, modelPackage, type Workspace } from './workspace.js';
import { stateChange, type CaseContext } from './case-context.js';

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

export const lambdaCases = (ctx: CaseContext): HostileCase[] => {
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
