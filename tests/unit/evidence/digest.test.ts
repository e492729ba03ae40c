import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createDigestVerifier, formatContentDigest, parseContentDigest } from '../../../src/core/digest.js';
import { InvalidInputError } from '../../../src/core/errors.js';

const HEX = 'a'.repeat(64);

describe('parseContentDigest', () => {
  it.each([
    [`sha256:${HEX}`, HEX],
    [`SHA256:${HEX.toUpperCase()}`, HEX],
    [`Sha256:${'0123456789abcdefABCDEF'.padEnd(64, '0')}`, '0123456789abcdefabcdef'.padEnd(64, '0')],
  ])('accepts %s as SageMaker does', (value, hex) => {
    // Act
    const d = parseContentDigest(value);

    // Assess
    expect(d).toEqual({ algorithm: 'sha256', hex });
    expect(formatContentDigest(d)).toBe(`sha256:${hex}`);
  });

  it.each([
    ['md5:d41d8cd98f00b204e9800998ecf8427e'],
    [HEX],
    [`sha256:${HEX.slice(1)}`],
    [`sha256:${HEX}0`],
    [`sha256:${'g'.repeat(64)}`],
    [`sha256 :${HEX}`],
    [''],
  ])('refuses %j, saying what is expected', (value) => {
    // Act / Assess
    expect(() => parseContentDigest(value, 'bias-report digest')).toThrow(InvalidInputError);
    expect(() => parseContentDigest(value, 'bias-report digest')).toThrow(
      /^bias-report digest: .* is not a valid content digest \(expected sha256:<64 hex digits>\)$/,
    );
  });

  it('accepts exactly the strings matching the ContentDigest API pattern', () => {
    // Prepare
    const pattern = /^[Ss][Hh][Aa]256:[0-9a-fA-F]{64}$/;
    const hexChar = fc.constantFrom(...'0123456789abcdefABCDEFxg'.split(''));
    const candidate = fc
      .tuple(fc.constantFrom('sha256:', 'SHA256:', 'sHa256:', 'sha1:', 'sha256', 'sha-256:'), fc.array(hexChar, { minLength: 62, maxLength: 66 }))
      .map(([prefix, chars]) => prefix + chars.join(''));

    // Act / Assess
    fc.assert(
      fc.property(candidate, (value) => {
        const ok = (() => {
          try {
            parseContentDigest(value);
            return true;
          } catch {
            return false;
          }
        })();
        return ok === pattern.test(value);
      }),
    );
  });
});

describe('createDigestVerifier', () => {
  it('matches the SHA-256 of the bytes fed in chunks, and reports the actual digest otherwise', () => {
    // Prepare
    const bytes = Buffer.from('the quick brown fox');
    const good = parseContentDigest(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    const verifier = createDigestVerifier(good);
    const other = createDigestVerifier(parseContentDigest(`sha256:${HEX}`));

    // Act
    verifier.update(bytes.subarray(0, 5));
    verifier.update(bytes.subarray(5));
    other.update(bytes);
    const ok = verifier.finish();
    const bad = other.finish();

    // Assess
    expect(ok).toEqual({ matches: true, actual: good });
    expect(bad).toEqual({ matches: false, actual: good });
  });
});
