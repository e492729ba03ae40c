/**
 * Deterministic names and client tokens for promotion steps.
 *
 * A retried step must find what an earlier attempt made, so every name is a pure function of the
 * model version and the step token — never of the clock or a random source. Services disagree on
 * length and charset, so names keep only `[A-Za-z0-9]` runs joined by single dashes (which every
 * SageMaker and Bedrock name pattern accepts) and end in a digest of the token, which keeps two
 * promotions of the same version apart even when the readable part had to be cut.
 */
import { createHash } from 'node:crypto';

/** SageMaker model, endpoint and endpoint-config names: `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`. */
export const SAGEMAKER_NAME_MAX = 63;
/** Bedrock job, custom-model and provisioned-model names. */
export const BEDROCK_NAME_MAX = 63;
/** `ClientToken` of CreateModelPackage: `^[a-zA-Z0-9-]+$`, at most 36 characters. */
export const SAGEMAKER_CLIENT_TOKEN_MAX = 36;
/** `clientRequestToken` of Bedrock, `clientToken` of RAM: at most 64 is safe for both. */
export const BEDROCK_CLIENT_TOKEN_MAX = 64;

const DIGEST_CHARS = 10;
const TOKEN_SHAPE = /^[A-Za-z0-9](?:-?[A-Za-z0-9])*$/;

/** The first `length` hex characters of sha256(`text`). */
export const tokenDigest = (text: string, length = DIGEST_CHARS): string => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, length);

/**
 * A resource name from readable `parts` and the step token: `[A-Za-z0-9]` runs joined by single
 * dashes, cut to fit `max`, ending in `-<10 hex of sha256(token)>`.
 *
 * @example
 * ```ts
 * resourceName(['credit-risk', 'v12'], 'prom-1/staging/0'); // 'credit-risk-v12-<10 hex>'
 * ```
 */
export const resourceName = (parts: string[], stepToken: string, max = SAGEMAKER_NAME_MAX): string => {
  const suffix = tokenDigest(stepToken);
  const budget = max - suffix.length - 1;
  const base = parts
    .join('-')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, Math.max(0, budget))
    .replace(/-+$/, '');
  // Nothing readable left (a group of punctuation only): the digest alone is a valid name.
  return base.length > 0 ? `${base}-${suffix}` : suffix;
};

/**
 * A client token for an API that accepts at most `max` characters of `[A-Za-z0-9-]`: the step
 * token itself when it already fits (so it can be found in CloudTrail as is), otherwise a digest
 * of it — the same token always yields the same client token.
 */
export const clientToken = (stepToken: string, max: number): string =>
  stepToken.length <= max && TOKEN_SHAPE.test(stepToken) ? stepToken : tokenDigest(stepToken, Math.min(max, 64));
