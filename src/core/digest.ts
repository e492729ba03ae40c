/**
 * Content digests as SageMaker writes them in `MetricsSource.ContentDigest`: `sha256:<64 hex>`
 * (the API pattern is `^[Ss][Hh][Aa]256:[0-9a-fA-F]{64}$`). A digest that does not match the
 * pattern is an error, never ignored: a typo must not silently switch verification off.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from './errors.js';

/** A parsed digest; `hex` is lower case so that comparisons are exact. */
export interface ContentDigest {
  readonly algorithm: 'sha256';
  readonly hex: string;
}

const DIGEST = /^sha256:([0-9a-f]{64})$/i;

/** What a digest must look like, for error messages. */
export const DIGEST_FORMAT = 'sha256:<64 hex digits>';

/**
 * Parses `sha256:<64 hex>` (prefix and hex in any case).
 *
 * @throws InvalidInputError naming `where` when `value` does not match.
 * @example
 * parseContentDigest('SHA256:AB…') // { algorithm: 'sha256', hex: 'ab…' }
 */
export const parseContentDigest = (value: string, where = 'ContentDigest'): ContentDigest => {
  const m = DIGEST.exec(value.trim());
  if (!m?.[1]) {
    throw new InvalidInputError(`${JSON.stringify(value)} is not a valid content digest`, where, DIGEST_FORMAT);
  }
  return { algorithm: 'sha256', hex: m[1].toLowerCase() };
};

/** The canonical text form, `sha256:<lower-case hex>`. */
export const formatContentDigest = (d: ContentDigest): string => `${d.algorithm}:${d.hex}`;

/**
 * Hashes bytes as they stream past and compares at the end, so that a large artifact is verified
 * without being held in memory.
 */
export interface DigestVerifier {
  update(chunk: Uint8Array): void;
  /** The actual digest of everything seen, and whether it equals the expected one. */
  finish(): { matches: boolean; actual: ContentDigest };
}

export const createDigestVerifier = (expected: ContentDigest): DigestVerifier => {
  const hash = createHash(expected.algorithm);
  return {
    update: (chunk) => {
      hash.update(chunk);
    },
    finish: () => {
      const actual: ContentDigest = { algorithm: expected.algorithm, hex: hash.digest('hex') };
      return { matches: actual.hex === expected.hex, actual };
    },
  };
};
