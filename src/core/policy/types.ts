/**
 * The policy document (`policies/*.yaml`), as validated by `schemas/policy.schema.json`.
 * A test proves these types and the schema agree.
 */
import type { Severity } from '../check.js';

export interface PolicyCheckEntry {
  /** A check id from `checks/`. */
  use: string;
  /**
   * This entry's id in the run and in waivers; default `use`. Unique within the policy, so the same
   * check may be listed twice (blocking at one threshold, advisory at a stricter one).
   */
  id?: string;
  severity?: Severity;
  /** Validated against that check's `configSchema`. */
  with?: Record<string, unknown>;
  /** Per-check timeout; the engine default applies when absent. */
  timeoutSeconds?: number;
}

export interface Waiver {
  /** The id of the check entry it waives (`id`, default `use`). */
  check: string;
  /** A metric name; absent = the whole check. */
  metric?: string;
  /** A slice (`sex=F`); absent = every slice. */
  slice?: string;
  /** `group/version` globs. */
  subjects: string[];
  /** Last day the waiver is in force (inclusive, UTC), `YYYY-MM-DD`. */
  until: string;
  approvedBy: string;
  reason: string;
}

export interface PromotionTarget {
  kind: string;
  account: string;
  region: string;
  roleArn: string;
  externalId: string;
  [option: string]: unknown;
}

export interface PromotionStage {
  name: string;
  targets: PromotionTarget[];
  verify?: Array<{ use: string; with?: Record<string, unknown> }>;
}

export interface PolicyDocument {
  apiVersion: 'modelgate/v1';
  kind: 'Policy';
  metadata: { name: string; version: number; owner: string; description?: string };
  match: {
    /** Globs (`*`, `?`) over model package group names. */
    modelPackageGroups?: string[];
    /** Every listed tag must be present on the model package with this value. */
    tags?: Record<string, string>;
  };
  checks: PolicyCheckEntry[];
  waivers?: Waiver[];
  decision?: { approvers?: string[]; allowManualApproval?: boolean };
  promotion?: { stages: PromotionStage[] };
}

/** The id of a check entry in a run and in waivers: its `id`, or its `use` when it has none. */
export const entryIdOf = (entry: PolicyCheckEntry): string => entry.id ?? entry.use;

/** A policy as loaded from a file: the document plus where it came from and its digest. */
export interface LoadedPolicy {
  doc: PolicyDocument;
  /** The file it was read from (for messages). */
  file: string;
  /** `sha256:<hex>` of the file's bytes. */
  digest: string;
}
