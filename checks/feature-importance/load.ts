/**
 * Finds and reads the importance evidence of a model version. `feature-importance` (a file the
 * registrant or the CLI names explicitly) wins over the `explainability-report` of ModelMetrics:
 * an explicit choice outranks a default.
 */
import type { EvidenceSet } from '../../src/core/evidence.js';
import { EvidenceError } from '../../src/core/errors.js';
import { ImportanceFormatError, readImportance, type FeatureImportance } from '../../src/metrics/importance/index.js';

export const CUSTOM = 'feature-importance';
export const CLARIFY = 'explainability-report';

export interface LoadedImportance extends FeatureImportance {
  evidence: string;
}

/** The importance of one model version, or `null` when it has neither evidence. */
export const loadImportance = async (evidence: EvidenceSet, labelKey: string | undefined, who: string): Promise<LoadedImportance | null> => {
  const name = evidence[CUSTOM] ? CUSTOM : evidence[CLARIFY] ? CLARIFY : null;
  if (name === null) return null;
  const handle = evidence[name]!;
  const doc = await handle.json();
  try {
    return { ...readImportance(doc, labelKey === undefined ? {} : { labelKey }), evidence: name };
  } catch (err) {
    if (err instanceof ImportanceFormatError) throw new EvidenceError(handle.ref.uri, `${who}${name} at ${err.message}`, { cause: err });
    throw err;
  }
};
