/**
 * Property (issue 9): over generated quality reports and bias reports — values that are numbers in
 * and out of domain, "NaN", "Infinity", null, absent — a `pass` implies every configured metric was
 * present, finite, inside its domain and within its bound. Fixed seed; the same input always gives
 * the same outcome.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import bias from '../../../checks/bias/index.js';
import modelQuality from '../../../checks/model-quality/index.js';
import type { CheckOutcome } from '../../../src/core/check.js';
import { createCheckRegistry } from '../../../src/core/check-registry.js';
import { biasDomain, inDomain, qualityDomain } from '../../../src/metrics/metric-domain.js';
import { checkInput, testContext } from '../../support/inline-evidence.js';

const registry = createCheckRegistry([modelQuality, bias]);
const SEED = 20261208;

const rawValue = fc.oneof(fc.double({ min: -2, max: 2, noNaN: true }), fc.constantFrom('NaN', 'Infinity', '-Infinity', null, 0, 1, 0.5, 1.5, -0.5, '0.9'));

const outcomeOf = async (p: Promise<CheckOutcome>): Promise<CheckOutcome | 'error'> => {
  try {
    return await p;
  } catch {
    return 'error';
  }
};

const asNumber = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN);

describe('property: a pass means every configured metric was present, finite, in domain and in bounds', () => {
  it('model-quality over generated binary reports', async () => {
    const names = ['auc', 'accuracy', 'f1', 'mcc', 'log_loss'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...names), rawValue),
        fc.uniqueArray(fc.constantFrom(...names), { minLength: 1 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        async (report, configured, min) => {
          const withConfig = { metrics: Object.fromEntries(configured.map((n) => [n, { min }])) };
          const { config, problems } = registry.resolveConfig('model-quality', withConfig, 'p');
          expect(problems).toEqual([]);
          const doc = { binary_classification_metrics: Object.fromEntries(Object.entries(report).map(([k, v]) => [k, { value: v }])) };
          const run = () => outcomeOf(modelQuality.run(checkInput({ 'model-quality-statistics': doc }), config as never, testContext()));
          const first = await run();
          const again = await run();
          expect(first === 'error' ? 'error' : first.status).toBe(again === 'error' ? 'error' : again.status);
          if (first !== 'error' && first.status === 'pass') {
            for (const n of configured) {
              expect(Object.hasOwn(report, n)).toBe(true);
              const v = asNumber(report[n]);
              expect(Number.isFinite(v)).toBe(true);
              expect(inDomain(v, qualityDomain(n))).toBe(true);
              expect(v).toBeGreaterThanOrEqual(min);
            }
          }
        },
      ),
      { seed: SEED, numRuns: Number(process.env['MODELGATE_PROPERTY_RUNS'] ?? 300) },
    );
  });

  it('bias over generated Clarify reports', async () => {
    const names = ['DI', 'DPPL', 'CI', 'JS', 'TVD'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...names), fc.oneof(rawValue, fc.double({ min: 0, max: 5, noNaN: true }))),
        fc.uniqueArray(fc.constantFrom(...names), { minLength: 1 }),
        fc.double({ min: 0.01, max: 3, noNaN: true }),
        async (values, configured, maxAbs) => {
          const withConfig = { facets: [{ column: 'sex', sensitive: ['F'] }], metrics: Object.fromEntries(configured.map((n) => [n, { maxAbs }])) };
          const { config, problems } = registry.resolveConfig('bias', withConfig, 'p');
          expect(problems).toEqual([]);
          const doc = {
            post_training_bias_metrics: {
              label: 'y',
              facets: { sex: [{ value_or_threshold: 'F', metrics: Object.entries(values).map(([name, value]) => ({ name, value })) }] },
            },
          };
          const first = await outcomeOf(bias.run(checkInput({ 'bias-report': doc }), config as never, testContext()));
          if (first !== 'error' && first.status === 'pass') {
            for (const n of configured) {
              expect(Object.hasOwn(values, n)).toBe(true);
              const v = asNumber(values[n]);
              expect(Number.isFinite(v)).toBe(true);
              expect(inDomain(v, biasDomain(n))).toBe(true);
              expect(Math.abs(v)).toBeLessThanOrEqual(maxAbs);
            }
          }
        },
      ),
      { seed: SEED, numRuns: Number(process.env['MODELGATE_PROPERTY_RUNS'] ?? 300) },
    );
  });
});
