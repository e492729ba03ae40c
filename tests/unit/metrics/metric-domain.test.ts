/** The one table of metric domains (issue 9, row 6). */
import { describe, expect, it } from '@jest/globals';
import { BIAS_METRIC_NAMES } from '../../../src/metrics/bias/index.js';
import { knownQualityMetrics } from '../../../src/metrics/metric-direction.js';
import { biasDomain, describeDomain, importanceDomain, inDomain, outOfDomain, qualityDomain } from '../../../src/metrics/metric-domain.js';

describe('metric domains', () => {
  it('every quality metric whose direction modelgate knows has a domain, and so has its _best_constant_classifier', () => {
    for (const m of knownQualityMetrics()) {
      expect({ m, domain: qualityDomain(m) !== undefined }).toEqual({ m, domain: true });
      expect(qualityDomain(`${m}_best_constant_classifier`)).toEqual(qualityDomain(m));
    }
  });

  it('every bias metric has a domain; DCA reads as DCAcc', () => {
    for (const m of BIAS_METRIC_NAMES) expect({ m, domain: biasDomain(m) !== undefined }).toEqual({ m, domain: true });
    expect(biasDomain('DCA')).toEqual(biasDomain('DCAcc'));
  });

  it.each([
    ['auc', '[0, 1]'],
    ['accuracy', '[0, 1]'],
    ['mcc', '[-1, 1]'],
    ['rmse', '[0, ∞)'],
    ['log_loss', '[0, ∞)'],
    ['r2', '(−∞, 1]'],
    ['AUC', '[0, 1]'],
  ])('quality %s: %s', (m, text) => {
    expect(describeDomain(qualityDomain(m)!)).toBe(text);
  });

  it.each([
    ['DI', '[0, ∞)'],
    ['DPPL', '[-1, 1]'],
    ['DPL', '[-1, 1]'],
    ['CI', '[-1, 1]'],
    ['KL', '[0, ∞)'],
    ['JS', '[0, ln 2]'],
    ['LP', '[0, √2]'],
    ['TVD', '[0, 1]'],
    ['KS', '[0, 1]'],
    ['CDDL', '[-1, 1]'],
    ['TE', '(−∞, ∞)'],
    ['GE', '[0, ∞)'],
  ])('bias %s: %s', (m, text) => {
    expect(describeDomain(biasDomain(m)!)).toBe(text);
  });

  it('prototype keys are no metric', () => {
    for (const k of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(qualityDomain(k)).toBeUndefined();
      expect(biasDomain(k)).toBeUndefined();
      expect(importanceDomain(k)).toBeUndefined();
    }
  });

  it('bounds are inclusive, with a hair of slack for floating-point sums at ln 2', () => {
    expect(inDomain(1, qualityDomain('auc'))).toBe(true);
    expect(inDomain(0, qualityDomain('auc'))).toBe(true);
    expect(inDomain(1 + 1e-9, qualityDomain('auc'))).toBe(false);
    expect(inDomain(Math.LN2 + 1e-16, biasDomain('JS'))).toBe(true);
    expect(inDomain(Number.NaN, undefined)).toBe(false);
    expect(inDomain(-1e300, undefined)).toBe(true);
  });

  it('says what, the value and the domain', () => {
    expect(outOfDomain('auc', 1.5, qualityDomain('auc'))).toBe('auc is 1.5, outside its domain [0, 1]');
    expect(outOfDomain('auc', 0.5, qualityDomain('auc'))).toBeNull();
    expect(outOfDomain('lift', -7, undefined)).toBeNull();
  });
});
