/**
 * Properties of the gate on model quality statistics reports (the real path: policy file,
 * `file:` evidence, model-quality check, decision), over generated reports and policies:
 *
 * - APPROVE implies the report was JSON (bare NaN/Infinity tolerated) without repeated keys, and every configured metric
 *   was an own property of the report's section, a finite number inside its domain, and passed
 *   its rule;
 * - a report that cannot be read as such (truncated, two documents, garbage) never approves;
 * - the same input gives the same decision and reasons.
 *
 * Cases: MODELGATE_PROPERTY_RUNS / MODELGATE_PROPERTY_SEED (tests/support/property-config.ts).
 */
import { assertNoUnjustifiedApproval, comparableOutcome } from './oracle.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { policyYaml, startGateHarness, type GateHarness, type GateOutcome } from '../support/gate-harness.js';
import { propertyParams, propertyTimeoutMs } from '../support/property-config.js';
import {
  corruptionArb,
  isReadable,
  obj,
  own,
  passesRule,
  QUALITY_METRICS,
  qualityCaseArb,
  raw,
  toText,
  toValue,
  val,
  type Node,
  type QualityCase,
} from './generators.js';

/** Rounding the product allows at a metric domain's edge (src/metrics/metric-domain.ts). */
const DOMAIN_SLACK = 1e-12;

const policyOf = (c: QualityCase): string => policyYaml([{ use: 'model-quality', with: { problemType: c.problemType, metrics: c.rules } }]);

/** Why `c` must not approve, or null when an approval would be justified. */
export const whyNotApprovable = (c: QualityCase): string | null => {
  if (!isReadable(c.report)) return 'the report is not JSON or repeats a key';
  const doc = toValue(c.report);
  const { section, metrics } = QUALITY_METRICS[c.problemType];
  const values = own(doc, section);
  for (const [name, rule] of Object.entries(c.rules)) {
    const domain = own(metrics, name) as readonly [number, number] | undefined;
    if (!domain) return `"${name}" is not a known ${c.problemType} metric`;
    const entry = own(values, name);
    // A bare number is a documented form of a metric (hand-written reports): its value.
    const v = typeof entry === 'number' ? entry : own(entry, 'value');
    if (typeof v !== 'number' || !Number.isFinite(v)) return `${name} is not a finite number (${JSON.stringify(entry)})`;
    if (v < domain[0] - DOMAIN_SLACK || v > domain[1] + DOMAIN_SLACK) return `${name} = ${v} is outside [${domain[0]}, ${domain[1]}]`;
    if (!passesRule(v, rule)) return `${name} = ${v} breaks ${JSON.stringify(rule)}`;
  }
  return null;
};

const binary = (metrics: Array<[string, Node]>): Node =>
  obj([
    ['version', val(0)],
    ['binary_classification_metrics', obj(metrics)],
  ]);
const m = (v: Node): Node =>
  obj([
    ['value', v],
    ['standard_deviation', val(0.01)],
  ]);

/** The issue's rows as examples that every run tries first (issue 9, rows 2, 3, 5 and 6). */
const ISSUE_EXAMPLES: Array<[QualityCase]> = [
  [{ problemType: 'binary_classification', rules: { auc: { min: 0.8 } }, report: binary([['auc', m(val('Infinity'))]]) }],
  [
    {
      problemType: 'binary_classification',
      rules: { auc: { min: 0.8 }, accuracy: { min: 0.75 } },
      report: binary([
        ['auc', m(val(1.5))],
        ['accuracy', m(val(1.5))],
      ]),
    },
  ],
  [
    {
      problemType: 'binary_classification',
      rules: { auc: { min: 0.8 } },
      report: binary([
        ['auc', m(val(0.1))],
        ['auc', m(val(0.93))],
      ]),
    },
  ],
  [{ problemType: 'binary_classification', rules: { constructor: { min: 0.9 } }, report: binary([['auc', m(val(0.93))]]) }],
  [{ problemType: 'binary_classification', rules: { auc: { min: 0.8 } }, report: binary([['auc', m(raw('1e999'))]]) }],
];

const describeOutcome = (o: GateOutcome): string => (o.kind === 'decided' ? `${o.decision}: ${o.reasons.join(' | ')}` : `${o.name}: ${o.message}`);

/** Outcomes compared across two runs: paths and versions of the throw-away inputs normalised. */
describe('model quality reports (property)', () => {
  let gate: GateHarness;
  beforeAll(async () => {
    gate = await startGateHarness();
  });
  afterAll(async () => {
    await gate?.close();
  });

  it(
    'APPROVE implies every configured metric was present, finite, in its domain and passed',
    async () => {
      await assertNoUnjustifiedApproval(gate, qualityCaseArb, {
        inputOf: (c) => ({ policy: policyOf(c), evidence: { 'model-quality-statistics': toText(c.report) } }),
        whyNot: whyNotApprovable,
        describe: (c) => `report: ${toText(c.report)}\npolicy rules: ${JSON.stringify(c.rules)}`,
        examples: ISSUE_EXAMPLES,
      });
    },
    propertyTimeoutMs(),
  );

  it(
    'a report that is not a readable report (truncated, concatenated, garbage, nested) never approves',
    async () => {
      // An approving report, then corrupted.
      const good = `{"version":0,"dataset":{"item_count":5000},"binary_classification_metrics":{"auc":{"value":0.93,"standard_deviation":0.01},"accuracy":{"value":0.88,"standard_deviation":0.01}}}`;
      const policy = policyYaml([
        { use: 'model-quality', with: { problemType: 'binary_classification', metrics: { auc: { min: 0.8 }, accuracy: { min: 0.75 } } } },
      ]);
      const baseline = await gate.evaluate({ policy, evidence: { 'model-quality-statistics': good } });
      expect(describeOutcome(baseline)).toMatch(/^approve/);
      await fc.assert(
        fc.asyncProperty(corruptionArb(good), async ({ kind, text }) => {
          const outcome = await gate.evaluate({ policy, evidence: { 'model-quality-statistics': text } });
          if (outcome.kind === 'decided' && outcome.decision === 'approve') throw new Error(`approved a ${kind} report: ${text.slice(0, 200)}`);
        }),
        propertyParams(0.5),
      );
    },
    propertyTimeoutMs(),
  );

  it(
    'the same report and policy always give the same decision and reasons',
    async () => {
      await fc.assert(
        fc.asyncProperty(qualityCaseArb, async (c) => {
          const input = { policy: policyOf(c), evidence: { 'model-quality-statistics': toText(c.report) } };
          const first = await gate.evaluate(input);
          const second = await gate.evaluate(input);
          expect(comparableOutcome(second)).toEqual(comparableOutcome(first));
        }),
        propertyParams(0.25),
      );
    },
    propertyTimeoutMs(500, 0.25),
  );
});
