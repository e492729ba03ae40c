/**
 * Hostile inputs shared by the entry points: statistics reports, evidence URIs, model package
 * mutations, event mutations and policies. Each carries the class of outcome it must have.
 */
import { gzipSync } from 'node:zlib';
import type { Expected } from './case.js';
import { GOOD_REPORT, POLICY_YAML, qualityReport, type Workspace } from './workspace.js';

export interface ReportVariant {
  name: string;
  content: string | Uint8Array;
  expect: Expected;
}

const metricsOf = (inner: string): string => `{"version":0,"dataset":{"item_count":5000},"binary_classification_metrics":{${inner}}}`;
const auc = (v: string): string => `"auc":{"value":${v},"standard_deviation":0.01}`;
const ACC = '"accuracy":{"value":0.88,"standard_deviation":0.01}';
const ESC = '\u001b';

/** Statistics reports under the campaign policy (auc >= 0.80, accuracy >= 0.75): none may approve. */
export const REPORTS: ReportVariant[] = [
  { name: 'auc-string-Infinity', content: qualityReport('"Infinity"'), expect: 'no-approval' },
  { name: 'auc-bare-Infinity', content: qualityReport('Infinity'), expect: 'no-approval' },
  { name: 'auc-bare-NaN', content: qualityReport('NaN'), expect: 'no-approval' },
  { name: 'auc-string-NaN', content: qualityReport('"NaN"'), expect: 'no-approval' },
  { name: 'auc-minus-Infinity', content: qualityReport('-Infinity'), expect: 'no-approval' },
  { name: 'accuracy-Infinity', content: qualityReport(0.93, 'Infinity'), expect: 'no-approval' },
  { name: 'auc-1.5', content: qualityReport(1.5), expect: 'no-approval' },
  { name: 'accuracy-1.5', content: qualityReport(0.93, 1.5), expect: 'no-approval' },
  { name: 'auc-and-accuracy-1.5', content: qualityReport(1.5, 1.5), expect: 'no-approval' },
  { name: 'auc-just-above-1', content: qualityReport('1.0000001'), expect: 'no-approval' },
  { name: 'auc-negative', content: qualityReport(-0.1, 0.88), expect: 'no-approval' },
  { name: 'auc-1e999', content: qualityReport('1e999'), expect: 'no-approval' },
  { name: 'auc-400-digits', content: qualityReport('9'.repeat(400)), expect: 'no-approval' },
  { name: 'auc-1e308', content: qualityReport('1e308'), expect: 'no-approval' },
  { name: 'auc-string-number', content: qualityReport('"0.93"'), expect: 'no-approval' },
  { name: 'auc-null', content: qualityReport('null'), expect: 'no-approval' },
  { name: 'auc-true', content: qualityReport('true'), expect: 'no-approval' },
  { name: 'auc-array', content: qualityReport('[0.93]'), expect: 'no-approval' },
  { name: 'auc-object', content: qualityReport('{"value":0.93}'), expect: 'no-approval' },
  { name: 'auc-missing', content: metricsOf(ACC), expect: 'no-approval' },
  // A bare number for a metric is a documented form (hand-written evaluation scripts write it; see
  // docs/evidence.md): present, finite, in its domain and passing, so it may approve. The campaign
  // only demands that it neither crashes, hangs nor leaks.
  { name: 'auc-metric-is-a-number', content: metricsOf(`"auc":0.93,${ACC}`), expect: 'any' },
  { name: 'auc-metric-is-null', content: metricsOf(`"auc":null,${ACC}`), expect: 'no-approval' },
  { name: 'duplicate-auc-bad-first', content: metricsOf(`${auc('0.1')},${auc('0.93')},${ACC}`), expect: 'no-approval' },
  { name: 'duplicate-auc-good-first', content: metricsOf(`${auc('0.93')},${auc('0.1')},${ACC}`), expect: 'no-approval' },
  { name: 'duplicate-value-key', content: metricsOf(`"auc":{"value":0.1,"value":0.93},${ACC}`), expect: 'no-approval' },
  {
    name: 'duplicate-section',
    content: `{"binary_classification_metrics":{${auc('0.1')},${ACC}},"binary_classification_metrics":{${auc('0.93')},${ACC}}}`,
    expect: 'no-approval',
  },
  { name: 'duplicate-unrelated-key', content: `{"version":0,"version":1,"binary_classification_metrics":{${auc('0.93')},${ACC}}}`, expect: 'no-approval' },
  { name: 'proto-section', content: `{"__proto__":{"binary_classification_metrics":{${auc('0.93')},${ACC}}}}`, expect: 'no-approval' },
  { name: 'proto-metric', content: metricsOf(`"__proto__":{${auc('0.93')}},${ACC}`), expect: 'no-approval' },
  { name: 'constructor-section', content: `{"constructor":{"binary_classification_metrics":{${auc('0.93')},${ACC}}}}`, expect: 'no-approval' },
  { name: 'truncated', content: GOOD_REPORT.slice(0, GOOD_REPORT.length - 7), expect: 'no-approval' },
  { name: 'truncated-mid-number', content: GOOD_REPORT.slice(0, GOOD_REPORT.indexOf('0.93') + 2), expect: 'no-approval' },
  { name: 'trailing-garbage', content: `${GOOD_REPORT} trailing`, expect: 'no-approval' },
  { name: 'two-documents', content: `${GOOD_REPORT}${GOOD_REPORT}`, expect: 'no-approval' },
  { name: 'empty', content: '', expect: 'no-approval' },
  { name: 'whitespace', content: ' \n\t ', expect: 'no-approval' },
  { name: 'json-null', content: 'null', expect: 'no-approval' },
  { name: 'json-array', content: `[${GOOD_REPORT}]`, expect: 'no-approval' },
  { name: 'json-string', content: JSON.stringify(GOOD_REPORT), expect: 'no-approval' },
  { name: 'json-number', content: '0.93', expect: 'no-approval' },
  { name: 'nul-bytes', content: `\u0000${GOOD_REPORT}`, expect: 'no-approval' },
  {
    name: 'invalid-utf8',
    content: Buffer.concat([Buffer.from(GOOD_REPORT.slice(0, 20)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(GOOD_REPORT.slice(20))]),
    expect: 'no-approval',
  },
  { name: 'deep-nesting', content: `${'['.repeat(200_000)}${']'.repeat(200_000)}`, expect: 'no-approval' },
  { name: 'deep-objects', content: `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, expect: 'no-approval' },
  { name: 'regression-section-only', content: '{"regression_metrics":{"mae":{"value":0.1},"rmse":{"value":0.2},"r2":{"value":0.9}}}', expect: 'no-approval' },
  { name: 'gzip-garbage', content: Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('not really gzip')]), expect: 'no-approval' },
  { name: 'gzip-of-failing', content: gzipSync(qualityReport(0.5, 0.5)), expect: 'no-approval' },
  { name: 'huge-key', content: metricsOf(`"${'k'.repeat(2_000_000)}":1,${auc('0.5')},${ACC}`), expect: 'no-approval' },
  { name: 'control-chars-in-keys', content: metricsOf(`"auc${ESC}[2J":{"value":0.99},${auc('0.5')},${ACC}`), expect: 'no-approval' },
  { name: 'yaml-not-json', content: 'binary_classification_metrics:\n  auc: {value: 0.93}\n  accuracy: {value: 0.88}\n', expect: 'no-approval' },
];

export interface UriVariant {
  name: string;
  uri: (ws: Workspace) => string;
  expect: Expected;
  /** Reading it blocks or never ends: only in a subprocess. */
  subprocessOnly?: boolean;
}

/** Evidence URIs that must not approve (and must not quote what they point at). */
export const URIS: UriVariant[] = [
  { name: 'proc-self-environ', uri: () => 'file:/proc/self/environ', expect: 'no-approval' },
  { name: 'proc-self-environ-triple-slash', uri: () => 'file:///proc/self/environ', expect: 'no-approval' },
  { name: 'proc-self-cmdline', uri: () => 'file:///proc/self/cmdline', expect: 'no-approval' },
  { name: 'proc-self-maps', uri: () => 'file:///proc/self/maps', expect: 'no-approval' },
  { name: 'etc-passwd', uri: () => 'file:///etc/passwd', expect: 'no-approval' },
  { name: 'etc-hostname-relative-traversal', uri: () => 'file:../../../../../../../../etc/hostname', expect: 'no-approval' },
  { name: 'dev-null', uri: () => 'file:///dev/null', expect: 'no-approval' },
  { name: 'dev-zero', uri: () => 'file:///dev/zero', expect: 'no-approval', subprocessOnly: true },
  { name: 'dev-urandom', uri: () => 'file:///dev/urandom', expect: 'no-approval', subprocessOnly: true },
  { name: 'dev-stdin', uri: () => 'file:///dev/stdin', expect: 'no-approval', subprocessOnly: true },
  { name: 'fifo', uri: () => 'file:reports/fifo.json', expect: 'no-approval', subprocessOnly: true },
  { name: 'directory', uri: () => 'file:reports/adir.json', expect: 'no-approval' },
  { name: 'missing-file', uri: () => 'file:reports/missing.json', expect: 'no-approval' },
  { name: 'symlink-to-secret-outside', uri: () => 'file:reports/link-secret.json', expect: 'no-approval' },
  { name: 'symlink-to-good-report-outside', uri: () => 'file:reports/link-good.json', expect: 'no-approval' },
  { name: 'symlink-loop', uri: () => 'file:reports/loop-a.json', expect: 'no-approval' },
  { name: 'symlinked-dir-outside', uri: () => 'file:outside-dir/good.json', expect: 'no-approval' },
  { name: 'absolute-outside-good-report', uri: (ws) => `file://${ws.outside}/good.json`, expect: 'no-approval' },
  { name: 'absolute-outside-secret', uri: (ws) => `file://${ws.outside}/secret.txt`, expect: 'no-approval' },
  { name: 'dotdot-traversal-good', uri: () => 'file:reports/../../outside/good.json', expect: 'no-approval' },
  { name: 'dotdot-traversal-secret', uri: () => 'file:../outside/secret.txt', expect: 'no-approval' },
  { name: 'file-dot-slash-traversal', uri: () => 'file://../outside/good.json', expect: 'no-approval' },
  { name: 'percent-encoded-traversal', uri: () => 'file:reports/%2e%2e/%2e%2e/outside/good.json', expect: 'no-approval' },
  { name: 'percent-encoded-slashes', uri: () => 'file:reports%2F..%2F..%2Foutside%2Fgood.json', expect: 'no-approval' },
  { name: 'bad-percent-escape', uri: () => 'file:reports/%ZZ.json', expect: 'no-approval' },
  { name: 'percent-nul', uri: () => 'file:reports/good.json%00.txt', expect: 'no-approval' },
  { name: 'inside-non-json-secret', uri: () => 'file:secret-inside.txt', expect: 'no-approval' },
  { name: 'file-with-host', uri: () => 'file://evil.example.com/etc/passwd', expect: 'no-approval' },
  { name: 'http-scheme', uri: () => 'http://127.0.0.1:9/report.json', expect: 'no-approval' },
  { name: 'https-scheme', uri: () => 'https://127.0.0.1:9/report.json', expect: 'no-approval' },
  { name: 'ftp-scheme', uri: () => 'ftp://127.0.0.1/report.json', expect: 'no-approval' },
  { name: 'data-uri-good-report', uri: () => `data:application/json,${encodeURIComponent(GOOD_REPORT)}`, expect: 'no-approval' },
  { name: 'javascript-scheme', uri: () => 'javascript:alert(1)', expect: 'no-approval' },
  { name: 'uppercase-FILE-outside', uri: (ws) => `FILE://${ws.outside}/good.json`, expect: 'no-approval' },
  { name: 'bare-path-outside', uri: (ws) => `${ws.outside}/good.json`, expect: 'no-approval' },
  { name: 's3-no-bucket', uri: () => 's3://', expect: 'no-approval' },
  { name: 's3-traversal-key', uri: () => 's3://bucket/../../etc/passwd', expect: 'no-approval' },
  { name: 'empty-uri', uri: () => '', expect: 'no-approval' },
  { name: 'control-chars-uri', uri: () => `file:reports/${ESC}[31mred${ESC}[0m.json`, expect: 'no-approval' },
  { name: 'very-long-uri', uri: () => `file:reports/${'a/'.repeat(40_000)}x.json`, expect: 'no-approval' },
];

/** A value of the wrong type for a field, with a label. */
export const WRONG_TYPES: Array<[string, unknown]> = [
  ['null', null],
  ['number', 42],
  ['string', 'x'],
  ['array', []],
  ['object', {}],
  ['boolean', true],
  ['proto-name', '__proto__'],
];

/**
 * Model package fields and what a wrong type there must lead to. For an optional field, `null`
 * reads as absent (and `[]` is a valid `Tags`): those are judged only for crash, hang and leak.
 */
export const PACKAGE_FIELDS: Array<{ path: string[]; expect: Expected; optional?: boolean }> = [
  { path: ['ModelPackageArn'], expect: 'no-approval' },
  { path: ['ModelPackageGroupName'], expect: 'no-approval' },
  { path: ['ModelPackageVersion'], expect: 'no-approval' },
  { path: ['ModelMetrics'], expect: 'no-approval' },
  { path: ['ModelMetrics', 'ModelQuality'], expect: 'no-approval' },
  { path: ['ModelMetrics', 'ModelQuality', 'Statistics'], expect: 'no-approval' },
  { path: ['ModelMetrics', 'ModelQuality', 'Statistics', 'S3Uri'], expect: 'no-approval' },
  { path: ['ModelMetrics', 'ModelQuality', 'Statistics', 'ContentDigest'], expect: 'no-approval', optional: true },
  { path: ['Tags'], expect: 'no-approval', optional: true },
  { path: ['CustomerMetadataProperties'], expect: 'any' },
  { path: ['CreatedBy'], expect: 'any' },
  { path: ['CreatedBy', 'IamIdentity', 'Arn'], expect: 'any' },
];

/** What a wrong value `label` at `field` must lead to. */
export const expectationFor = (field: (typeof PACKAGE_FIELDS)[number], label: string): Expected =>
  field.optional && (label === 'null' || (label === 'array' && field.path[0] === 'Tags')) ? 'any' : field.expect;

/** Sets `path` in a deep copy of `doc` to `value`. */
export const withValueAt = (doc: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> => {
  const copy = structuredClone(doc);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  Object.defineProperty(node, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return copy;
};

/** Event fields (EventBridge envelope and detail) mutated to a wrong type. */
export const EVENT_FIELDS: Array<{ path: string[]; expect: Expected }> = [
  { path: ['detail'], expect: 'no-approval' },
  { path: ['detail-type'], expect: 'no-approval' },
  { path: ['source'], expect: 'no-approval' },
  { path: ['resources'], expect: 'no-approval' },
  { path: ['resources', '0'], expect: 'no-approval' },
  { path: ['account'], expect: 'no-approval' },
  { path: ['region'], expect: 'no-approval' },
  { path: ['detail', 'ModelPackageArn'], expect: 'no-approval' },
  { path: ['detail', 'ModelPackageGroupName'], expect: 'no-approval' },
  { path: ['detail', 'ModelPackageVersion'], expect: 'no-approval' },
  { path: ['detail', 'ModelApprovalStatus'], expect: 'no-approval' },
  { path: ['detail', 'ModelPackageStatus'], expect: 'no-approval' },
  { path: ['id'], expect: 'any' },
  { path: ['time'], expect: 'any' },
  { path: ['detail', 'ModelMetrics'], expect: 'any' },
];

export const EVENT_WRONG_TYPES: Array<[string, unknown]> = [
  ['null', null],
  ['number', 42],
  ['object', { __proto__: null, constructor: 'x' }],
  ['control-chars', `x${ESC}[2J${ESC}]0;pwned\u0007`],
];

export interface PolicyVariant {
  name: string;
  content: (ws: Workspace) => string | Uint8Array;
  /** Which report the package points at: a failing one (any approval is wrong) or the good one. */
  report: 'failing' | 'good';
  expect: Expected;
}

const withChecks = (checksYaml: string): string => POLICY_YAML.replace(/checks:\n[\s\S]*?waivers:/, `checks:\n${checksYaml}waivers:`);
const qualityWith = (metricsYaml: string): string =>
  withChecks(`  - use: model-quality\n    severity: blocking\n    with:\n      problemType: binary_classification\n      metrics:\n${metricsYaml}`);

/** Policies passed with --policy. */
export const POLICIES: PolicyVariant[] = [
  {
    name: 'alias-bomb',
    content: () =>
      `${POLICY_YAML}\nbomb:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n`,
    report: 'failing',
    expect: 'input-error',
  },
  {
    name: 'duplicate-metric-key',
    content: () => qualityWith('        auc: { min: 0.99 }\n        auc: { min: 0.1 }\n        accuracy: { min: 0.1 }\n'),
    report: 'failing',
    expect: 'no-approval',
  },
  { name: 'duplicate-top-level-checks', content: () => `${POLICY_YAML}checks: []\n`, report: 'failing', expect: 'no-approval' },
  {
    name: 'duplicate-min-key',
    content: () => qualityWith('        auc: { min: 0.99, min: 0.1 }\n        accuracy: { min: 0.1 }\n'),
    report: 'failing',
    expect: 'no-approval',
  },
  { name: 'metric-constructor', content: () => qualityWith('        constructor: { min: 0.9 }\n'), report: 'good', expect: 'no-approval' },
  { name: 'metric-toString', content: () => qualityWith('        toString: { min: 0.9 }\n'), report: 'good', expect: 'no-approval' },
  { name: 'metric-hasOwnProperty', content: () => qualityWith('        hasOwnProperty: { max: 0.1 }\n'), report: 'good', expect: 'no-approval' },
  { name: 'metric-valueOf', content: () => qualityWith('        valueOf: { min: 0.9 }\n'), report: 'good', expect: 'no-approval' },
  { name: 'metric-proto', content: () => qualityWith('        __proto__: { min: 0.9 }\n'), report: 'good', expect: 'no-approval' },
  { name: 'metric-unknown-name', content: () => qualityWith('        aucc: { min: 0.9 }\n'), report: 'good', expect: 'no-approval' },
  {
    name: 'proto-key-in-with',
    content: () =>
      withChecks(
        '  - use: model-quality\n    severity: blocking\n    with:\n      __proto__: { metrics: { auc: { min: 0.99 } } }\n      problemType: binary_classification\n      metrics: {}\n',
      ),
    report: 'failing',
    expect: 'no-approval',
  },
  {
    name: 'nan-threshold',
    content: () => qualityWith('        auc: { min: .nan }\n        accuracy: { min: .nan }\n'),
    report: 'failing',
    expect: 'no-approval',
  },
  {
    name: 'huge-threshold-1e400',
    content: () => qualityWith('        auc: { max: 1e400 }\n        accuracy: { max: 1e400 }\n'),
    report: 'failing',
    expect: 'any',
  },
  {
    name: 'threshold-string',
    content: () => qualityWith('        auc: { min: "0.99" }\n        accuracy: { min: "0.99" }\n'),
    report: 'failing',
    expect: 'no-approval',
  },
  {
    name: 'threshold-null',
    content: () => qualityWith('        auc: { min: null }\n        accuracy: { min: null }\n'),
    report: 'failing',
    expect: 'no-approval',
  },
  {
    name: 'metrics-null',
    content: () => withChecks('  - use: model-quality\n    severity: blocking\n    with:\n      metrics: null\n'),
    report: 'failing',
    expect: 'no-approval',
  },
  {
    name: 'metrics-empty',
    content: () => withChecks('  - use: model-quality\n    severity: blocking\n    with:\n      metrics: {}\n'),
    report: 'failing',
    expect: 'no-approval',
  },
  { name: 'checks-number', content: () => POLICY_YAML.replace(/checks:\n[\s\S]*?waivers:/, 'checks: 42\nwaivers:'), report: 'failing', expect: 'no-approval' },
  { name: 'checks-empty', content: () => POLICY_YAML.replace(/checks:\n[\s\S]*?waivers:/, 'checks: []\nwaivers:'), report: 'failing', expect: 'no-approval' },
  {
    name: 'checks-null-entry',
    content: () => POLICY_YAML.replace(/checks:\n[\s\S]*?waivers:/, 'checks: [null]\nwaivers:'),
    report: 'failing',
    expect: 'no-approval',
  },
  {
    name: 'use-unknown-check',
    content: () => withChecks('  - use: constructor\n    severity: blocking\n    with: {}\n'),
    report: 'failing',
    expect: 'no-approval',
  },
  {
    name: 'severity-wrong-type',
    content: () => withChecks('  - use: model-quality\n    severity: 42\n    with:\n      metrics:\n        auc: { min: 0.99 }\n'),
    report: 'failing',
    expect: 'no-approval',
  },
  {
    name: 'severity-advisory-string-trick',
    content: () => withChecks('  - use: model-quality\n    severity: "blocking "\n    with:\n      metrics:\n        auc: { min: 0.99 }\n'),
    report: 'failing',
    expect: 'no-approval',
  },
  {
    name: 'match-wrong-type',
    content: () => POLICY_YAML.replace('modelPackageGroups: ["gate-*"]', 'modelPackageGroups: 42'),
    report: 'failing',
    expect: 'no-approval',
  },
  {
    name: 'match-proto-group',
    content: () => POLICY_YAML.replace('modelPackageGroups: ["gate-*"]', 'modelPackageGroups: ["__proto__"]'),
    report: 'failing',
    expect: 'no-approval',
  },
  {
    name: 'waiver-for-everything',
    content: () =>
      POLICY_YAML.replace('waivers: []', 'waivers:\n  - check: "*"\n    subjects: ["*"]\n    until: 2999-01-01\n    approvedBy: nobody\n    reason: x\n'),
    report: 'failing',
    expect: 'no-approval',
  },
  {
    name: 'waiver-wrong-types',
    content: () => POLICY_YAML.replace('waivers: []', 'waivers:\n  - check: 42\n    subjects: 42\n    until: 42\n'),
    report: 'failing',
    expect: 'no-approval',
  },
  { name: 'js-function-tag', content: () => qualityWith('        auc: !!js/function "function () { return 0 }"\n'), report: 'failing', expect: 'no-approval' },
  { name: 'binary-tag', content: () => qualityWith('        auc: !!binary aGVsbG8=\n'), report: 'failing', expect: 'no-approval' },
  {
    name: 'merge-key-override',
    content: () => qualityWith('        base: &base { min: 0.99 }\n        auc: { <<: *base, min: 0.1 }\n        accuracy: { min: 0.1 }\n'),
    report: 'failing',
    expect: 'any',
  },
  {
    name: 'two-documents',
    content: () => `${POLICY_YAML.replace('min: 0.80', 'min: 0.1').replace('min: 0.75', 'min: 0.1')}---\n${POLICY_YAML}`,
    report: 'failing',
    expect: 'no-approval',
  },
  { name: 'empty-file', content: () => '', report: 'failing', expect: 'input-error' },
  { name: 'only-comments', content: () => '# nothing here\n', report: 'failing', expect: 'input-error' },
  { name: 'yaml-null', content: () => 'null\n', report: 'failing', expect: 'input-error' },
  { name: 'yaml-list', content: () => '- 1\n- 2\n', report: 'failing', expect: 'input-error' },
  { name: 'not-yaml', content: () => '{{{{[[[[', report: 'failing', expect: 'input-error' },
  { name: 'deep-nesting', content: () => `${POLICY_YAML}deep: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`, report: 'failing', expect: 'input-error' },
  { name: 'huge-file-12MB', content: () => `${POLICY_YAML}# ${'x'.repeat(12 * 1024 * 1024)}\n`, report: 'failing', expect: 'input-error' },
  { name: 'invalid-utf8', content: () => Buffer.concat([Buffer.from(POLICY_YAML), Buffer.from([0xff, 0xfe, 0x00])]), report: 'failing', expect: 'no-approval' },
  {
    name: 'control-chars-in-description',
    content: () => POLICY_YAML.replace("description: The hostile campaign's policy.", 'description: "\\e[2J\\e]0;pwned\\a"').replace('min: 0.80', 'min: 0.99'),
    report: 'failing',
    expect: 'no-approval',
  },
];
