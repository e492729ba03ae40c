/**
 * Every bias metric against an independent implementation (tests/reference/bias_reference.py,
 * plain Python written from METRICS.md), on generated datasets committed under
 * tests/fixtures/bias-reference/. Values and intervals must agree to 1e-9; not computable must agree.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { biasFromDataset, type BiasValue, type FacetSpec } from '../../../src/metrics/bias/index.js';

const DIR = new URL('../../fixtures/bias-reference/', import.meta.url);

interface Expected {
  value: number | null;
  interval?: [number, number];
}
interface Fixture {
  dataset: string;
  config: {
    columns: { label: string; prediction?: string; score?: string; group?: string };
    positiveLabel: string | number;
    scoreThreshold?: number;
    minGroupSize: number;
    facets: FacetSpec[];
  };
  expected: {
    rows: number;
    facets: { sizes: { a: number; d: number }; metrics: Record<string, Expected> }[];
    population: { GE: Expected };
  };
}

const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Fixture] as const);

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const close = (actual: BiasValue | undefined, expected: Expected, where: string): void => {
  expect({ where, computable: actual?.value !== null && actual !== undefined }).toEqual({ where, computable: expected.value !== null });
  if (expected.value === null || !actual || actual.value === null) return;
  expect({ where, diff: Math.abs(actual.value - expected.value) <= 1e-9 }).toEqual({ where, diff: true });
  expect({ where, interval: actual.interval !== undefined }).toEqual({ where, interval: expected.interval !== undefined });
  if (expected.interval && actual.interval) {
    expect({
      where,
      low: Math.abs(actual.interval[0] - expected.interval[0]) <= 1e-9,
      high: Math.abs(actual.interval[1] - expected.interval[1]) <= 1e-9,
    }).toEqual({
      where,
      low: true,
      high: true,
    });
  }
};

describe('bias metrics match the independent Python reference', () => {
  it('has reference fixtures to check against', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
  });

  for (const [file, fx] of fixtures) {
    it(`${file}: every metric, interval and not-computable verdict agrees to 1e-9`, async () => {
      // Prepare
      const bytes = readFileSync(new URL(fx.dataset, DIR));
      const { columns, positiveLabel, scoreThreshold, minGroupSize, facets } = fx.config;
      // Act: an odd chunk size so that rows straddle chunk boundaries
      const result = await biasFromDataset(chunks(bytes, 997), {
        columns,
        positiveLabel,
        ...(scoreThreshold !== undefined ? { scoreThreshold } : {}),
        minGroupSize,
        facets,
        sourceName: fx.dataset,
        batchRows: 100,
      });
      // Assess
      expect(result.rows).toBe(fx.expected.rows);
      let compared = 0;
      fx.expected.facets.forEach((ef, i) => {
        const af = result.facets[i]!;
        expect(af.sizes).toEqual(ef.sizes);
        for (const [name, expected] of Object.entries(ef.metrics)) {
          close(af.metrics[name as keyof typeof af.metrics], expected, `${file} ${af.slice} ${name}`);
          compared++;
        }
      });
      close(result.population.GE, fx.expected.population.GE, `${file} GE`);
      expect(compared).toBe(fx.expected.facets.length * 19);
    });
  }
});
