/**
 * Run ids and the idempotency key of a run.
 *
 * A run id is `run-` + 10 chars of time + 10 random chars, in the lower-case Crockford base32
 * alphabet (no i, l, o, u: nothing to misread when an on-call engineer types it). The alphabet is
 * in ASCII order, so ids sort lexically by creation time to the millisecond — a ledger query by id
 * prefix is a query by time. Ids made in the same millisecond are unique but not ordered.
 */
import { InvalidInputError } from './errors.js';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10;
const RANDOM_CHARS = 10;
/** 32^10 ms: the first instant that no longer fits in 10 chars (year 10889). */
const TIME_LIMIT = 32 ** TIME_CHARS;
const RUN_ID = new RegExp(`^run-[${ALPHABET}]{${TIME_CHARS + RANDOM_CHARS}}$`);

/**
 * A new, time-sortable run id.
 *
 * @param now - the instant the run starts (from the Clock port).
 * @param random - a source of numbers in [0, 1); injectable so tests are reproducible.
 * @example
 * ```ts
 * newRunId(new Date('2025-03-01T10:00:00Z')); // 'run-01jn8jc080' + 10 random chars
 * ```
 */
export const newRunId = (now: Date, random: () => number = Math.random): string => {
  let t = now.getTime();
  if (!Number.isInteger(t) || t < 0 || t >= TIME_LIMIT) {
    throw new InvalidInputError(`is ${now.toString()}`, 'run id time', 'a valid date between 1970 and 10889');
  }
  let time = '';
  for (let i = 0; i < TIME_CHARS; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  for (let i = 0; i < RANDOM_CHARS; i++) {
    // Clamped so that a random source returning 1 or NaN cannot index past the alphabet.
    const raw = random();
    const r = Number.isFinite(raw) ? Math.min(Math.max(raw, 0), 1 - Number.EPSILON) : 0;
    rand += ALPHABET[Math.floor(r * 32)]!;
  }
  return `run-${time}${rand}`;
};

/** Whether `s` has the form `newRunId` produces. */
export const isRunId = (s: unknown): s is string => typeof s === 'string' && RUN_ID.test(s);

/** The instant encoded in a run id (millisecond precision). */
export const runIdTime = (runId: string): Date => {
  if (!isRunId(runId)) throw new InvalidInputError(`"${runId}" is not a run id`, 'run id', 'run- followed by 20 base32 chars');
  let t = 0;
  for (const c of runId.slice(4, 4 + TIME_CHARS)) t = t * 32 + ALPHABET.indexOf(c);
  return new Date(t);
};

/**
 * The idempotency key of a run: one run per subject and policy digest. A new policy version (a new
 * digest) is a reason to evaluate again; a duplicate event is not. `null` (no matching policy) is a
 * key of its own, so that adding a policy later lets the subject be evaluated under it.
 *
 * @example
 * ```ts
 * dedupeKey('arn:aws:sagemaker:eu-west-1:111111111111:model-package/credit-risk/12', 'sha256:ab…');
 * // 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/credit-risk/12#sha256:ab…'
 * ```
 */
export const dedupeKey = (subjectArn: string, policyDigest: string | null): string => {
  if (!subjectArn.startsWith('arn:')) {
    throw new InvalidInputError(`"${subjectArn}" is not an ARN`, 'dedupe key subject', 'the subject ARN');
  }
  if (policyDigest !== null && !/^sha256:[0-9a-f]{64}$/.test(policyDigest)) {
    throw new InvalidInputError(`"${policyDigest}" is not a policy digest`, 'dedupe key policy', 'sha256:<64 hex> or null');
  }
  return `${subjectArn}#${policyDigest ?? 'no-policy'}`;
};
