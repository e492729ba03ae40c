/**
 * Evidence: named artifacts a check reads. Standard names come from the model package's
 * `ModelMetrics`; extra ones from `CustomerMetadataProperties["modelgate:evidence:<name>"]` or the
 * CLI's `--evidence name=uri`.
 */
import type { ModelPackage, MetricsSource } from './model-package.js';

/** Standard evidence names, one per `ModelMetrics` report. */
export const STANDARD_EVIDENCE = {
  'model-quality-statistics': (p: ModelPackage) => p.ModelMetrics?.ModelQuality?.Statistics,
  'model-quality-constraints': (p: ModelPackage) => p.ModelMetrics?.ModelQuality?.Constraints,
  'data-quality-statistics': (p: ModelPackage) => p.ModelMetrics?.ModelDataQuality?.Statistics,
  'data-quality-constraints': (p: ModelPackage) => p.ModelMetrics?.ModelDataQuality?.Constraints,
  'bias-report': (p: ModelPackage) => p.ModelMetrics?.Bias?.Report,
  'bias-pre-training-report': (p: ModelPackage) => p.ModelMetrics?.Bias?.PreTrainingReport,
  'bias-post-training-report': (p: ModelPackage) => p.ModelMetrics?.Bias?.PostTrainingReport,
  'explainability-report': (p: ModelPackage) => p.ModelMetrics?.Explainability?.Report,
} as const satisfies Record<string, (p: ModelPackage) => MetricsSource | undefined>;

export const CUSTOM_EVIDENCE_PREFIX = 'modelgate:evidence:';

/** Where one piece of evidence lives. */
export interface EvidenceRef {
  name: string;
  uri: string;
  contentType?: string;
  /** `sha256:<hex>`; verified when the artifact is read. */
  digest?: string;
  /** Where the reference came from: `ModelMetrics`, `CustomerMetadataProperties`, `cli`. */
  source: 'ModelMetrics' | 'CustomerMetadataProperties' | 'cli';
}

/**
 * A readable piece of evidence as a check receives it. Reads are lazy, bounded in size, verified
 * against `digest`, and transparently gunzipped when the artifact is gzip.
 */
export interface EvidenceHandle {
  readonly ref: EvidenceRef;
  /** The bytes as a stream (decompressed). Digest and size limit are enforced while streaming. */
  stream(): AsyncIterable<Uint8Array>;
  /** The whole artifact as text (UTF-8). Bounded by the size limit. */
  text(): Promise<string>;
  /** The artifact parsed as JSON, tolerating bare/quoted `NaN`, `Infinity` and `-Infinity`. */
  json(): Promise<unknown>;
}

export type EvidenceSet = Readonly<Record<string, EvidenceHandle>>;

/** What a check declares it reads. */
export interface EvidenceSpec {
  name: string;
  description: string;
  /**
   * `true`: the check cannot run without it. When a check declares no required evidence, at least
   * one of the declared items must be present (an "any of" set).
   */
  required?: boolean;
}

/**
 * Collects the evidence references of a model package: its ModelMetrics reports and its
 * `modelgate:evidence:*` metadata, then the overrides (which replace same-named entries).
 */
export const evidenceRefsOf = (pkg: ModelPackage, overrides: EvidenceRef[] = []): EvidenceRef[] => {
  const refs = new Map<string, EvidenceRef>();
  for (const [name, pick] of Object.entries(STANDARD_EVIDENCE)) {
    const src = pick(pkg);
    if (src?.S3Uri) {
      refs.set(name, {
        name,
        uri: src.S3Uri,
        contentType: src.ContentType,
        ...(src.ContentDigest ? { digest: src.ContentDigest } : {}),
        source: 'ModelMetrics',
      });
    }
  }
  for (const [key, value] of Object.entries(pkg.CustomerMetadataProperties ?? {})) {
    if (key.startsWith(CUSTOM_EVIDENCE_PREFIX) && value) {
      const name = key.slice(CUSTOM_EVIDENCE_PREFIX.length);
      refs.set(name, { name, uri: value, source: 'CustomerMetadataProperties' });
    }
  }
  for (const o of overrides) refs.set(o.name, o);
  return [...refs.values()];
};
