import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { truncateText, truncateUtf8, utf8Bytes } from '../../../../src/adapters/aws/truncate.js';

const boundaries = (text: string): Set<number> => {
  const out = new Set<number>([text.length]);
  for (const { index } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) out.add(index);
  return out;
};

// size 'max': the default size would rarely reach the limits below.
const texts = fc.string({ unit: 'grapheme', minLength: 0, maxLength: 400, size: 'max' });

describe('truncateText', () => {
  it('cuts on a grapheme boundary of the input, within the limit, marked', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 2, max: 300 }), (text, max) => {
        const result = truncateText(text, max, '…');
        expect(result.length).toBeLessThanOrEqual(max);
        if (result === text) return;
        const kept = result.slice(0, -1);
        expect(result.endsWith('…')).toBe(true);
        expect(text.startsWith(kept)).toBe(true);
        expect(boundaries(text).has(kept.length)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps a family emoji (one grapheme of 11 code units) whole or drops it whole', () => {
    // Prepare
    const family = '👨‍👩‍👧‍👦';

    // Act
    const result = truncateText(`ab${family}cd`, 10, '…');

    // Assess
    expect(family).toHaveLength(11);
    expect(result).toBe('ab…');
  });

  it('leaves the marker out when the limit is smaller than the marker', () => {
    expect(truncateText('abcdef', 3, ' [truncated]')).toBe('abc');
  });

  it('cuts a megabyte of text without segmenting all of it', () => {
    // Prepare: segmenting the whole string would take tens of seconds; this finishes within the test timeout.
    const text = 'é'.repeat(1024 * 1024);

    // Act
    const result = truncateText(text, 1024);

    // Assess
    expect(result).toBe(`${'é'.repeat(1023)}…`);
  });
});

describe('truncateUtf8', () => {
  it('counts UTF-8 bytes, not characters', () => {
    // Prepare: 'é' is 2 bytes, '😀' 4, '…' 3.
    const text = `${'é'.repeat(10)}${'😀'.repeat(10)}`;

    // Act
    const result = truncateUtf8(text, 30, '…');

    // Assess
    expect(utf8Bytes(result)).toBeLessThanOrEqual(30);
    expect(result).toBe(`${'é'.repeat(10)}😀…`);
  });

  it('always fits in the byte limit and cuts on a grapheme boundary', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 4, max: 600 }), (text, max) => {
        const result = truncateUtf8(text, max, '…');
        expect(utf8Bytes(result)).toBeLessThanOrEqual(max);
        if (result === text) return;
        const kept = result.slice(0, -1);
        expect(text.startsWith(kept)).toBe(true);
        expect(boundaries(text).has(kept.length)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
