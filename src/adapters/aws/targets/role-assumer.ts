/**
 * The only way promotion gets into a hosting account: STS AssumeRole, refused before any call for
 * an account or role that the deployment's allow-list does not name, or without an ExternalId
 * (the confused-deputy guard every target role's trust policy requires, CROSS-ACCOUNT.md).
 *
 * Sessions are assumed from a Lambda role, which is role chaining: STS caps them at one hour.
 * Credentials are reused until shortly before they expire, so the targets of one stage (and the
 * polls that follow) cost one AssumeRole per role rather than one per call.
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { STSClient } from '@aws-sdk/client-sts';
import { InvalidInputError, RefusedError } from '../../../core/errors.js';
import { allowListProblems, type RoleTarget } from '../../../core/promotion/allow-list.js';
import type { PromotionAllowList } from '../../../core/promotion/types.js';
import { AwsCallError } from '../aws-call-error.js';

// The rule itself is core's (preflight checks it up front); re-exported for the targets and doctor.
export { allowListProblems, roleGlob, type RoleTarget } from '../../../core/promotion/allow-list.js';

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Anything that hands out credentials for a target's role (StsRoleAssumer; a fake in tests). */
export interface RoleAssumer {
  assume(target: RoleTarget, sessionName: string): Promise<TemporaryCredentials>;
}

/** Role chaining (a Lambda assuming another role) is capped at one hour by STS. */
export const MAX_CHAINED_SESSION_SECONDS = 3600;
/** STS's floor for DurationSeconds. */
export const MIN_SESSION_SECONDS = 900;
/** Credentials this close to expiry are replaced rather than handed out. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/** `RoleSessionName`: 2–64 characters of `[\w+=,.@-]`. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * The session name for a run: `modelgate-<runId>`, any character STS refuses replaced by `-`, cut
 * to 64 characters. CloudTrail in the hosting account then shows which run acted.
 */
export const sessionNameFor = (runId: string): string => `modelgate-${runId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);

export interface StsRoleAssumerOptions {
  client: STSClient;
  allowList: PromotionAllowList;
  /** Session length, 900–3600 s (default 3600: the role-chaining ceiling). */
  durationSeconds?: number;
  /** Replace credentials this long before they expire (default 5 minutes). */
  refreshMarginMs?: number;
  /** Injectable for tests: milliseconds since the epoch. */
  now?: () => number;
}

/**
 * Assumes allow-listed roles in hosting accounts with their ExternalId.
 *
 * The cache is keyed by role, ExternalId and session name: one run's targets share a session,
 * and a warm Lambda serving the next run assumes again so that CloudTrail names the right run.
 *
 * @example
 * ```ts
 * const assumer = new StsRoleAssumer({ client: createStsClient(), allowList });
 * const creds = await assumer.assume(target, sessionNameFor(runId));
 * ```
 */
export class StsRoleAssumer implements RoleAssumer {
  readonly #client: STSClient;
  readonly #allowList: PromotionAllowList;
  readonly #durationSeconds: number;
  readonly #refreshMarginMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, Promise<TemporaryCredentials>>();

  constructor(options: StsRoleAssumerOptions) {
    const duration = options.durationSeconds ?? MAX_CHAINED_SESSION_SECONDS;
    if (!Number.isInteger(duration) || duration < MIN_SESSION_SECONDS || duration > MAX_CHAINED_SESSION_SECONDS) {
      throw new InvalidInputError(
        `durationSeconds is ${duration}`,
        'StsRoleAssumer options.durationSeconds',
        `an integer from ${MIN_SESSION_SECONDS} to ${MAX_CHAINED_SESSION_SECONDS} (role chaining from Lambda caps sessions at 1 hour)`,
      );
    }
    this.#client = options.client;
    this.#allowList = options.allowList;
    this.#durationSeconds = duration;
    this.#refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Allow-list problems for `target` (empty when it may be assumed). */
  problems(target: RoleTarget): string[] {
    return allowListProblems(this.#allowList, target);
  }

  /**
   * Temporary credentials for `target.roleArn`. Throws RefusedError (no STS call) when the target
   * is not allow-listed or lacks an ExternalId, InvalidInputError for an unusable session name,
   * and AwsCallError when STS refuses or fails.
   */
  async assume(target: RoleTarget, sessionName: string): Promise<TemporaryCredentials> {
    const problems = this.problems(target);
    if (problems.length > 0) {
      throw new RefusedError(`promotion into account ${target.account} refused: ${problems.join('; ')}`);
    }
    if (!SESSION_NAME.test(sessionName)) {
      throw new InvalidInputError(
        `session name ${JSON.stringify(sessionName)} is not usable`,
        'AssumeRole RoleSessionName',
        '2–64 characters of [\\w+=,.@-] (see sessionNameFor)',
      );
    }
    const key = `${target.roleArn}\n${target.externalId}\n${sessionName}`;
    const cached = this.#cache.get(key);
    if (cached) {
      const creds = await cached.catch(() => undefined);
      if (creds && creds.expiration.getTime() - this.#now() > this.#refreshMarginMs) return creds;
    }
    const pending = this.#assumeNow(target, sessionName);
    this.#cache.set(key, pending);
    // A failed call must not stay cached, or every later assume would replay the failure.
    pending.catch(() => {
      if (this.#cache.get(key) === pending) this.#cache.delete(key);
    });
    return pending;
  }

  async #assumeNow(target: RoleTarget, sessionName: string): Promise<TemporaryCredentials> {
    let output;
    try {
      output = await this.#client.send(
        new AssumeRoleCommand({
          RoleArn: target.roleArn,
          RoleSessionName: sessionName,
          ExternalId: target.externalId,
          DurationSeconds: this.#durationSeconds,
        }),
      );
    } catch (err) {
      throw new AwsCallError('STS', 'AssumeRole', target.roleArn, err);
    }
    const c = output.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new AwsCallError('STS', 'AssumeRole', target.roleArn, new Error('the response carried no complete Credentials'));
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  }
}
