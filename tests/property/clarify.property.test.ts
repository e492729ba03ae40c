/**
 * Properties of the gate on SageMaker Clarify reports (bias and explainability), on the real path
 * (policy file, `file:` evidence, the bias and feature-importance checks, decision):
 *
 * - bias: APPROVE implies the report was readable without repeated keys, and every configured
 *   metric was reported for the configured facet value as a finite number inside its domain
 *   (DI >= 0, differences in [-1, 1], KL >= 0) that passed its rule;
 * - explainability: APPROVE implies every global SHAP value was a finite number >= 0, every
 *   protected feature was reported (an own key, never one found on Object.prototype), ranked
 *   outside the top K, and the shares kept within their bounds;
 * - the same input gives the same decision and reasons.
 *
 * Cases: MODELGATE_PROPERTY_RUNS / MODELGATE_PROPERTY_SEED (tests/support/property-config.ts).
 */
import { assertNoUnjustifiedApproval, comparableOutcome } from './oracle.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { policyYaml, startGateHarness, type GateHarness } from '../support/gate-harness.js';
import { propertyParams, propertyTimeoutMs } from '../support/property-config.js';
import {
  arr,
  BIAS_METRICS,
  biasCaseArb,
  explainabilityCaseArb,
  isReadable,
  obj,
  own,
  passesRule,
  toText,
  toValue,
  val,
  type BiasCase,
  type ExplainabilityCase,
  type Node,
} from './generators.js';

/** Rounding the product allows at a metric domain's edge (src/metrics/metric-domain.ts). */
const DOMAIN_SLACK = 1e-12;

const biasPolicy = (c: BiasCase): string =>
  policyYaml([{ use: 'bias', with: { facets: [{ column: c.facet.column, sensitive: [c.facet.sensitive] }], metrics: c.rules } }]);

const explainabilityPolicy = (c: ExplainabilityCase): string =>
  policyYaml([{ use: 'feature-importance', with: { protected: c.protected, topK: c.topK, maxShare: c.maxShare } }]);

/** Why a bias case must not approve, or null when an approval would be justified. */
const biasNotApprovable = (c: BiasCase): string | null => {
  if (!isReadable(c.report)) return 'the report is not JSON or repeats a key';
  const doc = toValue(c.report);
  for (const [name, rule] of Object.entries(c.rules)) {
    const spec = own(BIAS_METRICS, name) as (typeof BIAS_METRICS)[keyof typeof BIAS_METRICS] | undefined;
    if (!spec) return `"${name}" is not a known bias metric`;
    const facetValues = own(own(own(doc, spec.stage), 'facets'), c.facet.column);
    if (!Array.isArray(facetValues)) return `no facet "${c.facet.column}" in ${spec.stage}`;
    const group = facetValues.find((g) => String(own(g, 'value_or_threshold')) === c.facet.sensitive);
    const metrics = own(group, 'metrics');
    if (!Array.isArray(metrics)) return `no metrics for ${c.facet.column} = ${c.facet.sensitive}`;
    const entries = metrics.filter((m) => own(m, 'name') === name);
    if (entries.length !== 1) return `${name} reported ${entries.length} times`;
    const v = own(entries[0], 'value');
    if (typeof v !== 'number' || !Number.isFinite(v)) return `${name} is not a finite number (${JSON.stringify(entries[0])})`;
    // The product allows 1e-12 of rounding at a domain's edge (src/metrics/metric-domain.ts):
    // KL = -1e-17 is floating-point noise on 0, not evidence of a broken report.
    if (v < spec.domain[0] - DOMAIN_SLACK || v > spec.domain[1] + DOMAIN_SLACK) return `${name} = ${v} is outside [${spec.domain[0]}, ${spec.domain[1]}]`;
    if (!passesRule(v, rule)) return `${name} = ${v} breaks ${JSON.stringify(rule)}`;
  }
  return null;
};

/** A Clarify bias report with post-training `metrics` for sex = F. */
const clarifyPost = (metrics: Node[]): Node =>
  obj([
    [
      'post_training_bias_metrics',
      obj([
        [
          'facets',
          obj([
            [
              'sex',
              arr([
                obj([
                  ['value_or_threshold', val('F')],
                  ['metrics', arr(metrics)],
                ]),
              ]),
            ],
          ]),
        ],
      ]),
    ],
  ]);

/** Known hostile shapes tried first: a repeated key, an out-of-domain difference, a string value. */
const BIAS_EXAMPLES: Array<[BiasCase]> = [
  [
    {
      facet: { column: 'sex', sensitive: 'F' },
      rules: { DI: { min: 0.8, max: 1.25 } },
      report: clarifyPost([
        obj([
          ['name', val('DI')],
          ['value', val(0.1)],
          ['value', val(0.95)],
        ]),
      ]),
    },
  ],
  [
    {
      facet: { column: 'sex', sensitive: 'F' },
      rules: { DPPL: { maxAbs: 2 } },
      report: clarifyPost([
        obj([
          ['name', val('DPPL')],
          ['value', val(1.5)],
        ]),
      ]),
    },
  ],
  [
    {
      facet: { column: 'sex', sensitive: 'F' },
      rules: { DI: { min: 0.8 } },
      report: clarifyPost([
        obj([
          ['name', val('DI')],
          ['value', val('0.95')],
        ]),
      ]),
    },
  ],
];

const shapReport = (entries: Array<[string, Node]>): Node =>
  obj([['explanations', obj([['kernel_shap', obj([['label0', obj([['global_shap_values', obj(entries)]])]])]])]]);

/** Known hostile shapes tried first: a protected feature named after an Object.prototype key, a repeated feature. */
const EXPLAINABILITY_EXAMPLES: Array<[ExplainabilityCase]> = [
  [
    {
      protected: ['constructor'],
      topK: 1,
      maxShare: { protected: 0.05, anySingleFeature: 0.6 },
      report: shapReport([
        ['income', val(0.3)],
        ['tenure', val(0.3)],
        ['debt', val(0.3)],
      ]),
    },
  ],
  [
    {
      protected: ['sex'],
      topK: 1,
      maxShare: { protected: 0.05, anySingleFeature: 0.6 },
      report: shapReport([
        ['income', val(0.3)],
        ['tenure', val(0.3)],
        ['sex', val(0.5)],
        ['debt', val(0.3)],
        ['sex', val(0.001)],
      ]),
    },
  ],
];

const SLACK = 1e-9;

/** Why an explainability case must not approve, or null when an approval would be justified. */
const explainabilityNotApprovable = (c: ExplainabilityCase): string | null => {
  if (!isReadable(c.report)) return 'the report is not JSON or repeats a key';
  const shap = own(own(own(own(toValue(c.report), 'explanations'), 'kernel_shap'), 'label0'), 'global_shap_values');
  if (typeof shap !== 'object' || shap === null) return 'no kernel_shap global_shap_values';
  const values = Object.entries(shap as Record<string, unknown>);
  for (const [f, v] of values)
    if (typeof v !== 'number' || !Number.isFinite(v)) return `SHAP value of "${f}" is ${JSON.stringify(v) ?? String(v)}, not a finite number`;
  // A global SHAP value may be negative (Clarify's agg_method "median" aggregates signed SHAP
  // values): importance is its magnitude, as the check reads it.
  const nums = (values as Array<[string, number]>).map(([f, v]): [string, number] => [f, Math.abs(v)]);
  const total = nums.reduce((s, [, v]) => s + v, 0);
  if (!(total > 0)) return 'the SHAP values sum to 0';
  for (const p of c.protected) {
    const raw = own(shap, p);
    if (typeof raw !== 'number') return `protected feature "${p}" is not reported`;
    const v = Math.abs(raw);
    // Most lenient tie-break: the protected feature ranks after every feature it ties with.
    const rank = 1 + nums.filter(([f, w]) => f !== p && w >= v).length;
    if (rank <= c.topK) return `protected feature "${p}" ranks ${rank}, inside the top ${c.topK}`;
    if (v / total > c.maxShare.protected + SLACK) return `protected feature "${p}" has share ${v / total} > ${c.maxShare.protected}`;
  }
  const largest = Math.max(...nums.map(([, v]) => v)) / total;
  if (largest > c.maxShare.anySingleFeature + SLACK) return `the largest share ${largest} > ${c.maxShare.anySingleFeature}`;
  return null;
};

describe('Clarify reports (property)', () => {
  let gate: GateHarness;
  beforeAll(async () => {
    gate = await startGateHarness();
  });
  afterAll(async () => {
    await gate?.close();
  });

  it(
    'bias: APPROVE implies every configured metric was reported once for the facet, finite, in its domain and passed',
    async () => {
      await assertNoUnjustifiedApproval(gate, biasCaseArb, {
        inputOf: (c) => ({ policy: biasPolicy(c), evidence: { 'bias-report': toText(c.report) } }),
        whyNot: biasNotApprovable,
        describe: (c) => `report: ${toText(c.report)}\npolicy: ${biasPolicy(c)}`,
        examples: BIAS_EXAMPLES,
      });
    },
    propertyTimeoutMs(),
  );

  it(
    'explainability: APPROVE implies finite non-negative SHAP values, protected features reported, outside the top K and within their shares',
    async () => {
      await assertNoUnjustifiedApproval(gate, explainabilityCaseArb, {
        inputOf: (c) => ({ policy: explainabilityPolicy(c), evidence: { 'explainability-report': toText(c.report) } }),
        whyNot: explainabilityNotApprovable,
        describe: (c) => `report: ${toText(c.report)}\npolicy: ${explainabilityPolicy(c)}`,
        examples: EXPLAINABILITY_EXAMPLES,
      });
    },
    propertyTimeoutMs(),
  );

  it(
    'the same Clarify report and policy always give the same decision and reasons',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            biasCaseArb.map((c) => ({ policy: biasPolicy(c), evidence: { 'bias-report': toText(c.report) } })),
            explainabilityCaseArb.map((c) => ({ policy: explainabilityPolicy(c), evidence: { 'explainability-report': toText(c.report) } })),
          ),
          async (input) => {
            const first = await gate.evaluate(input);
            const second = await gate.evaluate(input);
            expect(comparableOutcome(second)).toEqual(comparableOutcome(first));
          },
        ),
        propertyParams(0.25),
      );
    },
    propertyTimeoutMs(500, 0.25),
  );
});
