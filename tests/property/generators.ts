/**
 * Generators for the property tests: SageMaker model quality statistics, Clarify bias and
 * explainability reports, and the policies that judge them, with hostile values mixed in
 * (non-finite tokens, strings, wrong types, out-of-domain and huge numbers, prototype names,
 * duplicate keys, truncation).
 *
 * A report is generated as a small JSON tree whose leaves may be raw tokens (`Infinity`, `NaN`)
 * that JSON cannot express, and whose objects may repeat a key; `toText` writes it the way a
 * hostile producer would, `isReadable` says whether a reader may accept it, `toValue` what it then reads.
 */
import fc from 'fast-check';

/** A JSON-ish tree: objects are entry lists so that a key may repeat; `raw` is written verbatim. */
export type Node =
  { t: 'raw'; text: string } | { t: 'val'; v: string | number | boolean | null } | { t: 'arr'; items: Node[] } | { t: 'obj'; entries: Array<[string, Node]> };

export const raw = (text: string): Node => ({ t: 'raw', text });
export const val = (v: string | number | boolean | null): Node => ({ t: 'val', v });
export const arr = (items: Node[]): Node => ({ t: 'arr', items });
export const obj = (entries: Array<[string, Node]>): Node => ({ t: 'obj', entries });

/** The text of `node` (JSON, except for raw tokens and repeated keys). */
export const toText = (node: Node): string => {
  switch (node.t) {
    case 'raw':
      return node.text;
    case 'val':
      // JSON.stringify writes NaN/Infinity as null; keep the number as a token instead so that it stays hostile.
      return typeof node.v === 'number' && !Number.isFinite(node.v) ? String(node.v) : JSON.stringify(node.v);
    case 'arr':
      return `[${node.items.map(toText).join(',')}]`;
    case 'obj':
      return `{${node.entries.map(([k, v]) => `${JSON.stringify(k)}:${toText(v)}`).join(',')}}`;
  }
};

const NON_FINITE_TOKENS: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN };

/**
 * True when `node` is a document a reader may accept: no repeated key at any level, and nothing
 * but JSON and the bare `NaN` / `Infinity` / `-Infinity` that Model Monitor and Clarify write.
 */
export const isReadable = (node: Node): boolean => {
  switch (node.t) {
    case 'raw':
      if (Object.prototype.hasOwnProperty.call(NON_FINITE_TOKENS, node.text)) return true;
      try {
        JSON.parse(node.text);
        return true;
      } catch {
        return false;
      }
    case 'val':
      return true;
    case 'arr':
      return node.items.every(isReadable);
    case 'obj':
      return new Set(node.entries.map(([k]) => k)).size === node.entries.length && node.entries.every(([, v]) => isReadable(v));
  }
};

/** The value a reader of a readable `node` sees (own properties only, `__proto__` included as data). */
export const toValue = (node: Node): unknown => {
  switch (node.t) {
    case 'raw':
      return Object.prototype.hasOwnProperty.call(NON_FINITE_TOKENS, node.text) ? NON_FINITE_TOKENS[node.text] : (JSON.parse(node.text) as unknown);
    case 'val':
      return node.v;
    case 'arr':
      return node.items.map(toValue);
    case 'obj': {
      const o: Record<string, unknown> = {};
      for (const [k, v] of node.entries) Object.defineProperty(o, k, { value: toValue(v), enumerable: true, writable: true, configurable: true });
      return o;
    }
  }
};

/** `Object.prototype` names: a lookup that is not an own-property check finds something for these. */
export const PROTOTYPE_NAMES = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__proto__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
] as const;

/** The own value of `key` in a parsed object, never one from the prototype chain. */
export const own = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null && !Array.isArray(o) && Object.prototype.hasOwnProperty.call(o, key) ? (o as Record<string, unknown>)[key] : undefined;

/** A threshold rule as the policies write it. */
export interface Rule {
  min?: number;
  max?: number;
  maxAbs?: number;
}

/** True when finite `v` satisfies every bound of `rule`. */
export const passesRule = (v: number, rule: Rule): boolean =>
  (rule.min === undefined || v >= rule.min) && (rule.max === undefined || v <= rule.max) && (rule.maxAbs === undefined || Math.abs(v) <= rule.maxAbs);

/** A bound near `lo..hi`, rounded so that YAML writes it back exactly. */
const bound = (lo: number, hi: number) => fc.integer({ min: Math.round(lo * 100), max: Math.round(hi * 100) }).map((i) => i / 100);

/** A rule with at least one of min / max (and maxAbs when `abs`). */
export const ruleArb = (lo: number, hi: number, abs = false): fc.Arbitrary<Rule> =>
  fc
    .record({
      min: fc.option(bound(lo, hi), { nil: undefined }),
      max: fc.option(bound(lo, hi), { nil: undefined }),
      maxAbs: abs ? fc.option(bound(0, hi), { nil: undefined }) : fc.constant(undefined),
    })
    .filter((r) => r.min !== undefined || r.max !== undefined || r.maxAbs !== undefined)
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Rule);

/**
 * A metric value: mostly plausible numbers inside `domain` (so that approvals do happen), with
 * every hostile kind mixed in.
 */
export const metricValueArb = (domain: readonly [number, number]): fc.Arbitrary<Node> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.double({ min: Math.max(domain[0], -1e6), max: Math.min(domain[1], 1e6), noNaN: true }).map((v) => val(v)) },
    { weight: 3, arbitrary: fc.constantFrom(0.95, 0.9, 0.85, 0.99, 1, 0).map((v) => val(v)) },
    { weight: 2, arbitrary: fc.constantFrom(1.5, -0.2, 2, -1, 1 + 1e-9, -1e-12).map((v) => val(v)) },
    { weight: 2, arbitrary: fc.constantFrom('Infinity', '-Infinity', 'NaN', 'inf', '0.95', '', 'null', '1e999').map((v) => val(v)) },
    { weight: 2, arbitrary: fc.constantFrom('Infinity', '-Infinity', 'NaN', '1e999', '-1e999', '9'.repeat(400), '0.9e0000000000000000001').map(raw) },
    { weight: 1, arbitrary: fc.constantFrom(val(null), val(true), val(false), arr([val(0.95)]), obj([['value', val(0.95)]]), obj([])) },
    { weight: 1, arbitrary: fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER, 5e-324).map((v) => val(v)) },
  );

/** Wraps a value as Model Monitor writes a metric: `{ value, standard_deviation }`, sometimes wrongly shaped. */
export const monitorMetricArb = (domain: readonly [number, number]): fc.Arbitrary<Node> =>
  fc.oneof(
    {
      weight: 10,
      arbitrary: metricValueArb(domain).map((v) =>
        obj([
          ['value', v],
          ['standard_deviation', val(0.01)],
        ]),
      ),
    },
    { weight: 1, arbitrary: metricValueArb(domain) },
    {
      weight: 1,
      arbitrary: metricValueArb(domain).map((v) =>
        obj([
          ['value', v],
          ['value', val(0.99)],
        ]),
      ),
    },
    {
      weight: 1,
      arbitrary: metricValueArb(domain).map((v) =>
        obj([
          ['value', val(0.99)],
          ['value', v],
        ]),
      ),
    },
    { weight: 1, arbitrary: metricValueArb(domain).map((v) => obj([['standard_deviation', v]])) },
  );

/** Quality metrics by problem type, with their domains. */
export const QUALITY_METRICS = {
  binary_classification: {
    section: 'binary_classification_metrics',
    metrics: {
      auc: [0, 1],
      accuracy: [0, 1],
      precision: [0, 1],
      recall: [0, 1],
      f1: [0, 1],
      f0_5: [0, 1],
      f2: [0, 1],
      true_positive_rate: [0, 1],
      false_positive_rate: [0, 1],
      true_negative_rate: [0, 1],
      false_negative_rate: [0, 1],
    },
  },
  regression: {
    section: 'regression_metrics',
    metrics: { mae: [0, Infinity], mse: [0, Infinity], rmse: [0, Infinity], r2: [-Infinity, 1] },
  },
} as const satisfies Record<string, { section: string; metrics: Record<string, readonly [number, number]> }>;

export type ProblemType = keyof typeof QUALITY_METRICS;

/** A metric name a policy may configure: a known one, or now and then a prototype name. */
const configuredNameArb = (known: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...known) },
    { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES.filter((n) => /^[A-Za-z]/.test(n))) },
  );

/** A generated quality case: the policy's metric rules and the statistics report. */
export interface QualityCase {
  problemType: ProblemType;
  rules: Record<string, Rule>;
  report: Node;
}

export const qualityCaseArb: fc.Arbitrary<QualityCase> = fc.constantFrom<ProblemType>('binary_classification', 'regression').chain((problemType) => {
  const { section, metrics } = QUALITY_METRICS[problemType];
  const known = Object.keys(metrics);
  const domainOf = (name: string): readonly [number, number] => (own(metrics, name) as readonly [number, number] | undefined) ?? [0, 1];
  const rulesArb = fc
    .uniqueArray(configuredNameArb(known), { minLength: 1, maxLength: 4 })
    .chain((names) =>
      fc
        .tuple(
          ...names.map((n) => ruleArb(problemType === 'regression' && n !== 'r2' ? 0 : -0.2, problemType === 'regression' && n !== 'r2' ? 50 : 1.2, false)),
        )
        .map((rules) => Object.fromEntries(names.map((n, i) => [n, rules[i]!]))),
    );
  return rulesArb.chain((rules) => {
    // Present metrics: the configured ones (mostly), some others, and now and then a prototype-named key.
    const names = [...new Set([...Object.keys(rules), ...known])];
    return fc
      .tuple(
        fc.tuple(...names.map((n) => fc.tuple(fc.nat(9), monitorMetricArb(domainOf(n))))),
        fc.subarray([...PROTOTYPE_NAMES]),
        fc.integer({ min: 0, max: 3 }),
      )
      .map(([entries, protoKeys, shape]) => {
        const metricEntries: Array<[string, Node]> = entries.flatMap(([drop, node], i) => (drop === 0 ? [] : [[names[i]!, node] as [string, Node]]));
        for (const k of protoKeys) metricEntries.push([k, obj([['value', val(0.99)]])]);
        const sectionNode: Node = shape === 3 ? arr([obj(metricEntries)]) : obj(metricEntries);
        const report = obj([
          ['version', val(0)],
          ['dataset', obj([['item_count', val(5000)]])],
          [section, sectionNode],
        ]);
        return { problemType, rules, report };
      });
  });
});

/** Clarify bias metrics with their domains and where Clarify reports them. */
export const BIAS_METRICS = {
  CI: { stage: 'pre_training_bias_metrics', domain: [-1, 1] },
  DPL: { stage: 'pre_training_bias_metrics', domain: [-1, 1] },
  KL: { stage: 'pre_training_bias_metrics', domain: [0, Infinity] },
  DI: { stage: 'post_training_bias_metrics', domain: [0, Infinity] },
  DPPL: { stage: 'post_training_bias_metrics', domain: [-1, 1] },
  DAR: { stage: 'post_training_bias_metrics', domain: [-1, 1] },
  AD: { stage: 'post_training_bias_metrics', domain: [-1, 1] },
} as const;

export interface BiasCase {
  facet: { column: string; sensitive: string };
  rules: Record<string, Rule>;
  report: Node;
}

const clarifyMetricArb = (name: string, domain: readonly [number, number]): fc.Arbitrary<Node> =>
  fc.oneof(
    {
      weight: 10,
      arbitrary: metricValueArb([domain[0], Math.min(domain[1], 3)]).map((v) =>
        obj([
          ['name', val(name)],
          ['description', val(name)],
          ['value', v],
        ]),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constant(
        obj([
          ['name', val(name)],
          ['value', val(null)],
          ['error', val('Division by zero')],
        ]),
      ),
    },
    {
      weight: 1,
      arbitrary: metricValueArb(domain).map((v) =>
        obj([
          ['name', val(name)],
          ['value', v],
          ['value', val(0.9)],
        ]),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(val(name), val(null), arr([]), obj([['value', val(0.9)]])) },
  );

export const biasCaseArb: fc.Arbitrary<BiasCase> = fc
  .record({
    column: fc.constantFrom('sex', 'age_group', 'constructor', '__proto__', 'toString'),
    sensitive: fc.constantFrom('F', '1', 'constructor'),
    reportColumn: fc.constantFrom('same', 'other'),
    names: fc.uniqueArray(fc.constantFrom(...(Object.keys(BIAS_METRICS) as Array<keyof typeof BIAS_METRICS>)), { minLength: 1, maxLength: 3 }),
  })
  .chain(({ column, sensitive, reportColumn, names }) =>
    fc
      .record({
        rules: fc.tuple(...names.map((n) => (BIAS_METRICS[n].domain[0] < 0 ? ruleArb(-0.5, 0.5, true) : ruleArb(0, 2, false)))),
        present: fc.tuple(
          ...(Object.keys(BIAS_METRICS) as Array<keyof typeof BIAS_METRICS>).map((n) => fc.tuple(fc.nat(9), clarifyMetricArb(n, BIAS_METRICS[n].domain))),
        ),
      })
      .map(({ rules, present }) => {
        const all = Object.keys(BIAS_METRICS) as Array<keyof typeof BIAS_METRICS>;
        const stageNode = (stage: string): Node => {
          const metrics = all.flatMap((n, i) => (BIAS_METRICS[n].stage === stage && present[i]![0] !== 0 ? [present[i]![1]] : []));
          const col = reportColumn === 'same' ? column : 'region';
          return obj([
            ['label', val('target')],
            ['label_value_or_threshold', val('1')],
            [
              'facets',
              obj([
                [
                  col,
                  arr([
                    obj([
                      ['value_or_threshold', val(sensitive)],
                      ['metrics', arr(metrics)],
                    ]),
                  ]),
                ],
              ]),
            ],
          ]);
        };
        const report = obj([
          ['version', val('1.0')],
          ['pre_training_bias_metrics', stageNode('pre_training_bias_metrics')],
          ['post_training_bias_metrics', stageNode('post_training_bias_metrics')],
        ]);
        return { facet: { column, sensitive }, rules: Object.fromEntries(names.map((n, i) => [n, rules[i]!])), report };
      }),
  );

export interface ExplainabilityCase {
  protected: string[];
  topK: number;
  maxShare: { protected: number; anySingleFeature: number };
  report: Node;
}

const BASE_FEATURES = ['income', 'debt_ratio', 'tenure', 'num_accounts', 'balance'];
const SENSITIVE_FEATURES = ['age', 'sex'];
const HOSTILE_FEATURES = ['constructor', 'toString', '__proto__', 'valueOf'];

/** A SHAP value: mostly plausible around `typical`, sometimes hostile. */
const shapValueArb = (typical: [number, number]): fc.Arbitrary<Node> =>
  fc.oneof({ weight: 8, arbitrary: bound(typical[0], typical[1]).map((v) => val(v)) }, { weight: 1, arbitrary: metricValueArb([0, 1]) });

export const explainabilityCaseArb: fc.Arbitrary<ExplainabilityCase> = fc
  .record({
    protected: fc.uniqueArray(fc.constantFrom('sex', 'age', 'age', 'sex', 'constructor', 'toString', 'valueOf'), { minLength: 1, maxLength: 2 }),
    topK: fc.integer({ min: 1, max: 4 }),
    maxShare: fc.record({ protected: bound(0.02, 0.3), anySingleFeature: bound(0.3, 1) }),
    base: fc.tuple(...BASE_FEATURES.map(() => fc.tuple(fc.nat(9), shapValueArb([0.05, 0.3])))),
    sensitive: fc.tuple(...SENSITIVE_FEATURES.map(() => fc.tuple(fc.nat(9), shapValueArb([0, 0.03])))),
    hostile: fc.subarray(HOSTILE_FEATURES).chain((names) => fc.tuple(...names.map((n) => shapValueArb([0, 0.05]).map((v) => [n, v] as [string, Node])))),
    duplicate: fc.option(fc.tuple(fc.constantFrom(...BASE_FEATURES, ...SENSITIVE_FEATURES), shapValueArb([0, 0.3])), { freq: 8, nil: undefined }),
    method: fc.constantFrom('kernel_shap', 'kernel_shap', 'kernel_shap', 'kernel_shap', 'constructor'),
  })
  .map(({ protected: prot, topK, maxShare, base, sensitive, hostile, duplicate, method }) => {
    const keep = (names: string[], values: Array<[number, Node]>): Array<[string, Node]> =>
      names.flatMap((n, i) => (values[i]![0] === 0 ? [] : [[n, values[i]![1]] as [string, Node]]));
    const entries = [...keep(BASE_FEATURES, base), ...keep(SENSITIVE_FEATURES, sensitive), ...hostile, ...(duplicate ? [duplicate] : [])];
    const report = obj([
      ['version', val('1.0')],
      [
        'explanations',
        obj([
          [
            method,
            obj([
              [
                'label0',
                obj([
                  ['expected_value', val(0.31)],
                  ['global_shap_values', obj(entries)],
                ]),
              ],
            ]),
          ],
        ]),
      ],
    ]);
    return { protected: prot, topK, maxShare, report };
  });

/** A byte-level corruption of a report text after which it is no longer a report that may approve. */
export const corruptionArb = (text: string): fc.Arbitrary<{ kind: string; text: string }> =>
  fc.oneof(
    fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((cut) => ({ kind: 'truncated', text: text.slice(0, cut) })),
    fc.constant({ kind: 'trailing garbage', text: `${text},` }),
    fc.constant({ kind: 'two documents', text: `${text}${text}` }),
    fc.constant({ kind: 'byte order mark and NUL', text: `\u0000${text}` }),
    fc.constant({ kind: 'deeply nested', text: `${'['.repeat(20_000)}${text}${']'.repeat(20_000)}` }),
    fc.constant({ kind: 'not JSON', text: `<html>${text}</html>` }),
    fc.constant({ kind: 'empty', text: '' }),
  );
