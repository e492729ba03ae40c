/**
 * Hostile policies (issue 9, rows 5 and 13): a key given twice and an alias bomb are PolicyErrors
 * naming the file (and the key and line), never a crash or a silent "last one wins".
 */
import { describe, expect, it } from '@jest/globals';
import { PolicyError } from '../../../src/core/errors.js';
import { MAX_POLICY_ALIASES, MAX_POLICY_CHARS, parsePolicy } from '../../../src/core/policy/parse.js';

const MINIMAL = `apiVersion: modelgate/v1
kind: Policy
metadata: { name: p, version: 1, owner: team@example.com }
match: {}
checks:
  - use: model-quality
`;

const errorOf = (text: string, file = 'hostile.yaml'): PolicyError => {
  try {
    parsePolicy(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return err as PolicyError;
  }
  throw new Error('expected a PolicyError');
};

describe('parsePolicy under hostile input', () => {
  it('refuses a metric threshold given twice, naming the key, the line and the column', () => {
    // Prepare: a loose auc floor after a strict one (the last would win without uniqueKeys)
    const text = `${MINIMAL}    with:\n      metrics:\n        auc: { min: 0.9 }\n        "auc": { min: 0.1 }\n`;
    // Act
    const err = errorOf(text);
    // Assess
    expect(err.file).toBe('hostile.yaml');
    expect(err.problems).toEqual(['hostile.yaml:10:9: duplicate key "auc" (each key may appear once in a mapping; Map keys must be unique)']);
  });

  it('refuses an alias bomb with a PolicyError naming the file, before expanding it', () => {
    // Prepare: 9 levels of 9 aliases each = 9^9 nodes when expanded
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    }
    const text = `${MINIMAL}x-bomb:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
    // Act
    const err = errorOf(text);
    // Assess
    expect(err.problems).toEqual([
      `hostile.yaml: too many aliases: expanding them would exceed the limit of ${MAX_POLICY_ALIASES} (expected a policy without nested aliases)`,
    ]);
  });

  it('still accepts a few plain aliases', () => {
    const text = `${MINIMAL}    with:\n      metrics:\n        auc: &floor { min: 0.8 }\n        f1: *floor\n`;
    expect(() => parsePolicy(text, 'ok.yaml')).not.toThrow(/alias/);
  });

  it('refuses a policy text over the size limit without parsing it', () => {
    const err = errorOf(`${MINIMAL}#${'x'.repeat(MAX_POLICY_CHARS)}\n`);
    expect(err.problems[0]).toMatch(/^hostile\.yaml: larger than the limit of 1048576 characters/);
  });
});
