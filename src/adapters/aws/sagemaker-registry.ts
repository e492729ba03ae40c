/**
 * The ModelRegistry port on the SageMaker Model Registry.
 *
 * Three facts shape it (FORMATS.md): ListModelPackages sorts ascending by default, so the champion
 * query always says Approved + CreationTime + Descending (a public sample approved the oldest
 * version by forgetting this); UpdateModelPackage replaces some fields rather than merging them, so
 * setApproval sends nothing but the ARN, the status and the description; ApprovalDescription is
 * capped at 1024 characters.
 */
import { DescribeModelPackageCommand, ListModelPackagesCommand, ListTagsCommand, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import type { DescribeModelPackageCommandOutput, ModelPackageSummary, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import { validateModelPackage, type ApprovalStatus, type ModelPackage } from '../../core/model-package.js';
import type { ModelRegistry } from '../../core/ports.js';
import { AwsCallError, awsErrorCode, awsErrorMessage } from './aws-call-error.js';
import { truncateText } from './truncate.js';

/** SageMaker's `ApprovalDescription` limit. */
export const APPROVAL_DESCRIPTION_MAX = 1024;
/** Ends a description that was cut, so that a reader knows the run holds the rest. */
export const APPROVAL_TRUNCATION_MARKER = ' …[truncated]';

const APPROVAL_STATUSES: readonly ApprovalStatus[] = ['PendingManualApproval', 'Approved', 'Rejected'];
/** Versions that cannot serve as a champion even when approved. */
const UNUSABLE_PACKAGE_STATUSES = new Set(['Failed', 'Deleting']);
/** The champion is almost always on the first page; small pages keep the common case cheap. */
const CHAMPION_PAGE_SIZE = 10;
/** ListTags accepts 50–100. */
const TAGS_PAGE_SIZE = 100;

export interface SageMakerRegistryOptions {
  client: SageMakerClient;
  /**
   * Fill `Tags` with the tags of the version's model package group, read with ListTags (default
   * true). DescribeModelPackage returns no tags, and a versioned package cannot carry tags of its
   * own: CreateModelPackage documents that it "uses the tags associated with the model group".
   * Policies may match on them; turn this off only where no policy matches by tag and the role
   * lacks `sagemaker:ListTags` on the group.
   */
  readTags?: boolean;
}

/** `ApprovalDescription` cut to SageMaker's 1024 characters on a character boundary, marked when cut. */
export const truncateApprovalDescription = (description: string): string => truncateText(description, APPROVAL_DESCRIPTION_MAX, APPROVAL_TRUNCATION_MARKER);

/** SageMaker says "does not exist" through ValidationException (and ResourceNotFound on some calls). */
const isNotFound = (err: unknown): boolean => {
  const code = awsErrorCode(err);
  if (code === 'ResourceNotFound' || code === 'ResourceNotFoundException') return true;
  return code === 'ValidationException' && /does not exist|not found|cannot be found/i.test(awsErrorMessage(err));
};

/** Dates become ISO strings and undefined members disappear, so the result is plain JSON. */
const toPlainJson = (value: unknown): unknown => {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toPlainJson(v);
    return out;
  }
  return value;
};

/**
 * DescribeModelPackage output as modelgate's ModelPackage: the API's own field names, dates as ISO
 * strings, unknown fields kept. Throws InvalidInputError for an unversioned package (no group or
 * version), which modelgate does not gate.
 */
export const toModelPackage = (output: Omit<DescribeModelPackageCommandOutput, '$metadata'> & { $metadata?: unknown }, requestedArn: string): ModelPackage => {
  const { $metadata: _metadata, ...rest } = output;
  const plain = toPlainJson(rest) as Record<string, unknown>;
  const arn = plain.ModelPackageArn;
  const group = plain.ModelPackageGroupName;
  const version = plain.ModelPackageVersion;
  if (typeof arn !== 'string' || typeof group !== 'string' || typeof version !== 'number') {
    throw new InvalidInputError(
      'DescribeModelPackage returned no ModelPackageArn/ModelPackageGroupName/ModelPackageVersion: not a versioned model package',
      requestedArn,
      'a versioned model package ARN (arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)',
    );
  }
  return { ...plain, ModelPackageArn: arn, ModelPackageGroupName: group, ModelPackageVersion: version };
};

const VERSIONED_ARN = /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}):model-package\/([^/]+)\/\d+$/;

/** `arn:…:model-package/<group>/<n>` → `arn:…:model-package-group/<group>` (same partition, region, account). */
export const modelPackageGroupArn = (packageArn: string): string => {
  const m = VERSIONED_ARN.exec(packageArn);
  if (!m) {
    throw new InvalidInputError(
      `"${packageArn}" is not a versioned model package ARN`,
      'ModelPackageArn',
      'arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>',
    );
  }
  return `${m[1]}:model-package-group/${m[2]}`;
};

/**
 * The SageMaker Model Registry behind the ModelRegistry port.
 *
 * @example
 * ```ts
 * const registry = new SageMakerRegistry({ client: createSageMakerClient() });
 * const pkg = await registry.describe(event.detail.ModelPackageArn);
 * const champion = await registry.findChampion(pkg.ModelPackageGroupName, pkg.ModelPackageArn);
 * await registry.setApproval(pkg.ModelPackageArn, 'Rejected', `modelgate run ${runId}: fails bias-di`);
 * ```
 */
export class SageMakerRegistry implements ModelRegistry {
  readonly #client: SageMakerClient;
  readonly #readTags: boolean;

  constructor(options: SageMakerRegistryOptions) {
    this.#client = options.client;
    this.#readTags = options.readTags ?? true;
  }

  /** DescribeModelPackage (+ ListTags on its group). NotFoundError for an unknown ARN; AwsCallError otherwise. */
  async describe(arn: string): Promise<ModelPackage> {
    const output = await this.#call('DescribeModelPackage', arn, 'model package', () =>
      this.#client.send(new DescribeModelPackageCommand({ ModelPackageName: arn })),
    );
    const pkg = toModelPackage(output, arn);
    if (this.#readTags) pkg.Tags = await this.#tags(modelPackageGroupArn(pkg.ModelPackageArn));
    // The same shape check as a model package file: what the SDK's types promise is not checked
    // at run time, and a proxy, a mock or a new API field could break it (terminal bad input).
    return validateModelPackage(pkg, `DescribeModelPackage ${arn} (with ListTags of its group)`);
  }

  /**
   * The newest Approved, usable version of `group` other than `exceptArn` (the candidate itself,
   * which may already be Approved when a run is repeated), or `null` when there is none.
   */
  async findChampion(group: string, exceptArn: string): Promise<ModelPackage | null> {
    let nextToken: string | undefined;
    do {
      const page = await this.#call('ListModelPackages', group, 'model package group', () =>
        this.#client.send(
          new ListModelPackagesCommand({
            ModelPackageGroupName: group,
            ModelApprovalStatus: 'Approved',
            ModelPackageType: 'Versioned',
            SortBy: 'CreationTime',
            SortOrder: 'Descending',
            MaxResults: CHAMPION_PAGE_SIZE,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        ),
      );
      for (const summary of page.ModelPackageSummaryList ?? []) {
        if (!isChampionCandidate(summary, exceptArn)) continue;
        try {
          return await this.describe(summary.ModelPackageArn!);
        } catch (err) {
          // Deleted between the list and the describe: the next newest is the champion.
          if (err instanceof NotFoundError) continue;
          throw err;
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return null;
  }

  /**
   * UpdateModelPackage with exactly ModelPackageArn, ModelApprovalStatus and ApprovalDescription:
   * UpdateModelPackage replaces some fields it is sent, so nothing else goes in the request. The
   * description is cut to 1024 characters with a marker.
   */
  async setApproval(arn: string, status: ApprovalStatus, description: string): Promise<void> {
    if (!APPROVAL_STATUSES.includes(status)) {
      throw new InvalidInputError(`unknown approval status "${String(status)}"`, `setApproval(${arn})`, APPROVAL_STATUSES.join(' | '));
    }
    await this.#call('UpdateModelPackage', arn, 'model package', () =>
      this.#client.send(
        new UpdateModelPackageCommand({
          ModelPackageArn: arn,
          ModelApprovalStatus: status,
          ApprovalDescription: truncateApprovalDescription(description),
        }),
      ),
    );
  }

  /** All tags of a resource, every page. */
  async #tags(arn: string): Promise<Array<{ Key: string; Value: string }>> {
    // Unknown until validateModelPackage has looked at them (see describe).
    const tags: unknown[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#call('ListTags', arn, 'model package group', () =>
        this.#client.send(new ListTagsCommand({ ResourceArn: arn, MaxResults: TAGS_PAGE_SIZE, ...(nextToken ? { NextToken: nextToken } : {}) })),
      );
      // Kept as answered (a tag without a value reads as ""): validateModelPackage judges the shape.
      for (const tag of page.Tags ?? []) tags.push(typeof tag === 'object' && tag !== null && tag.Value === undefined ? { ...tag, Value: '' } : tag);
      nextToken = page.NextToken;
    } while (nextToken);
    return tags as Array<{ Key: string; Value: string }>;
  }

  async #call<T>(operation: string, resource: string, what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError(what, resource);
      throw new AwsCallError('SageMaker', operation, resource, err);
    }
  }
}

const isChampionCandidate = (summary: ModelPackageSummary, exceptArn: string): boolean =>
  typeof summary.ModelPackageArn === 'string' &&
  summary.ModelPackageArn !== exceptArn &&
  // The server filters on Approved already; re-checking costs nothing and guards a filter ignored upstream.
  (summary.ModelApprovalStatus === undefined || summary.ModelApprovalStatus === 'Approved') &&
  !UNUSABLE_PACKAGE_STATUSES.has(summary.ModelPackageStatus ?? '');
