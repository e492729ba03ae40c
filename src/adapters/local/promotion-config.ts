/**
 * Which hosting accounts and roles promotion may touch, and its timing. Deployment configuration,
 * never the policy: a policy names targets, the deployment decides which of them may be reached.
 *
 * Read from, in order: `MODELGATE_PROMOTION_ACCOUNTS` (comma-separated 12-digit ids) with
 * `MODELGATE_PROMOTION_ROLES` (comma-separated role ARN globs); else `<stateDir>/promotion.json`
 * (`{ "accounts": [...], "roles": [...] }`); else the caller's fallback (the embedded stack's demo
 * accounts; nothing at all when deployed). Timing: `MODELGATE_PROMOTION_STAGE_DEADLINE_SECONDS`,
 * `MODELGATE_PROMOTION_INITIAL_WAIT_SECONDS`, `MODELGATE_PROMOTION_MAX_WAIT_SECONDS`.
 */
import { join } from 'node:path';
import { InvalidInputError } from '../../core/errors.js';
import type { PromotionTiming } from '../../core/promotion/record.js';
import type { PromotionAllowList } from '../../core/promotion/types.js';
import { lazyValidator, problemsOf } from '../../core/schema.js';
import { parseStrictJson } from '../../core/strict-json.js';
import { FILE_LIMITS, FileReadError, readBoundedText } from './bounded-file.js';

/** The embedded stack's default: the demo hosting accounts of policies/churn.yaml, any role in them. */
export const DEMO_ALLOW_LIST: PromotionAllowList = { accounts: ['222222222222', '333333333333'], roles: [] };
/** Deployed without configuration: nothing may be reached, so every promotion is refused up front. */
export const EMPTY_ALLOW_LIST: PromotionAllowList = { accounts: [], roles: [] };

export interface PromotionConfig {
  allowList: PromotionAllowList;
  timing: Partial<PromotionTiming>;
  /** Where the allow-list came from, for messages and the local stack's summary. */
  source: string;
}

const validateFile = lazyValidator({
  type: 'object',
  additionalProperties: false,
  required: ['accounts'],
  properties: {
    accounts: { type: 'array', items: { type: 'string', pattern: '^[0-9]{12}$' }, uniqueItems: true },
    roles: { type: 'array', items: { type: 'string', pattern: '^arn:aws[a-z-]*:iam::[0-9*?]{12}:role/.+$' } },
  },
});

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

const TIMING_ENV: Record<keyof PromotionTiming, string> = {
  stageDeadlineSeconds: 'MODELGATE_PROMOTION_STAGE_DEADLINE_SECONDS',
  initialWaitSeconds: 'MODELGATE_PROMOTION_INITIAL_WAIT_SECONDS',
  maxWaitSeconds: 'MODELGATE_PROMOTION_MAX_WAIT_SECONDS',
};

/** Promotion timing overrides from the environment (absent ones keep their defaults). */
export const timingFromEnv = (env: Record<string, string | undefined>): Partial<PromotionTiming> => {
  const timing: Partial<PromotionTiming> = {};
  for (const [key, name] of Object.entries(TIMING_ENV) as Array<[keyof PromotionTiming, string]>) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new InvalidInputError(`"${text}"`, name, 'a positive number of seconds');
    timing[key] = value;
  }
  return timing;
};

/** The allow-list from `MODELGATE_PROMOTION_ACCOUNTS` / `MODELGATE_PROMOTION_ROLES`, or `null` when unset. */
export const allowListFromEnv = (env: Record<string, string | undefined>): PromotionAllowList | null => {
  if (env['MODELGATE_PROMOTION_ACCOUNTS'] === undefined) return null;
  const accounts = list(env['MODELGATE_PROMOTION_ACCOUNTS']);
  const bad = accounts.filter((a) => !/^[0-9]{12}$/.test(a));
  if (bad.length > 0)
    throw new InvalidInputError(
      `${bad.map((b) => `"${b}"`).join(', ')} not an account id`,
      'MODELGATE_PROMOTION_ACCOUNTS',
      'comma-separated 12-digit AWS account ids',
    );
  return { accounts, roles: list(env['MODELGATE_PROMOTION_ROLES']) };
};

/**
 * The promotion configuration of a deployment or the embedded stack.
 *
 * @example
 * ```ts
 * const { allowList } = await loadPromotionConfig({ env: process.env, stateDir: '.modelgate', fallback: DEMO_ALLOW_LIST });
 * ```
 */
export const loadPromotionConfig = async (opts: {
  env: Record<string, string | undefined>;
  stateDir?: string | null;
  fallback: PromotionAllowList;
  fallbackSource?: string;
}): Promise<PromotionConfig> => {
  const timing = timingFromEnv(opts.env);
  const fromEnv = allowListFromEnv(opts.env);
  if (fromEnv) return { allowList: fromEnv, timing, source: 'MODELGATE_PROMOTION_ACCOUNTS' };
  if (opts.stateDir) {
    const file = join(opts.stateDir, 'promotion.json');
    let text: string | undefined;
    try {
      // A user's file: bounded like every input file (a FIFO or /dev/zero here must not hang start).
      text = await readBoundedText(file, { maxBytes: FILE_LIMITS.policyBytes });
    } catch (err) {
      if (!(err instanceof FileReadError && err.problem === 'not-found')) throw err;
    }
    if (text !== undefined) {
      const parsed = parseStrictJson(text, file, { nonFinite: 'reject' });
      const problems = problemsOf(validateFile, parsed, file);
      if (problems.length > 0) throw new InvalidInputError(problems.join('; '), file, '{ "accounts": ["<12 digits>"], "roles": ["<role ARN glob>"] }');
      const doc = parsed as { accounts: string[]; roles?: string[] };
      return { allowList: { accounts: doc.accounts, roles: doc.roles ?? [] }, timing, source: file };
    }
  }
  return { allowList: opts.fallback, timing, source: opts.fallbackSource ?? 'default' };
};
