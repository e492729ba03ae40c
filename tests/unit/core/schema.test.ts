import { describe, expect, it } from '@jest/globals';
import { createAjv, problemsOf } from '../../../src/core/schema.js';

const validate = createAjv().compile({
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string' }, severity: { enum: ['blocking', 'advisory'] }, n: { type: 'integer', minimum: 1 } },
});

describe('problemsOf', () => {
  it('is empty for a valid value', () => {
    expect(problemsOf(validate, { name: 'x', severity: 'advisory' }, 'p.yaml')).toEqual([]);
  });
  it('names the path, the problem and what was expected', () => {
    // Act
    const problems = problemsOf(validate, { severity: 'blocker', extra: 1, n: 0 }, 'p.yaml');
    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        'p.yaml at /: missing required key "name"',
        'p.yaml at /: unknown key "extra"',
        'p.yaml at /severity: must be one of "blocking", "advisory"',
        'p.yaml at /n: must be >= 1',
      ]),
    );
  });
});
