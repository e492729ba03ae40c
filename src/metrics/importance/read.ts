/**
 * Reads global feature importance from the documents modelgate accepts:
 * - a SageMaker Clarify explainability report: `explanations.kernel_shap.<labelKey>.global_shap_values`
 *   (`{ feature: number }`), with any label key (`label0` for a headerless label);
 * - a plain object `{ "<feature>": number }`;
 * - a list `[{ "feature": "<name>", "importance": number }]`.
 * Importance is |value|: Clarify's global values are already mean |SHAP| (or another non-negative
 * aggregate), and a signed input would otherwise rank by direction, not by influence.
 */
import { toNumber } from '../../core/tolerant-json.js';
import { ImportanceFormatError } from './errors.js';
import { describeValue } from '../../core/describe-value.js';

export interface ImportanceReadOptions {
  /** Use this label key of a Clarify report; by default the only key, or the mean over all keys. */
  labelKey?: string;
}

export interface FeatureImportance {
  /** Feature → importance (≥ 0), in the document's order. */
  importance: Map<string, number>;
  format: 'clarify' | 'object' | 'list';
  /** The Clarify label keys read (empty for the plain formats). */
  labelKeys: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const finiteAbs = (v: unknown, path: string): number => {
  const n = toNumber(v);
  if (n === null || !Number.isFinite(n)) {
    throw new ImportanceFormatError(path, `importance ${describeValue(v)} is not a finite number`);
  }
  return Math.abs(n);
};

const readObject = (obj: Record<string, unknown>, path: string): Map<string, number> => {
  const out = new Map<string, number>();
  for (const [feature, v] of Object.entries(obj)) out.set(feature, finiteAbs(v, `${path}.${feature}`));
  return out;
};

const readClarify = (doc: Record<string, unknown>, opts: ImportanceReadOptions): FeatureImportance => {
  const shap = (doc['explanations'] as Record<string, unknown> | undefined)?.['kernel_shap'];
  if (!isRecord(shap))
    throw new ImportanceFormatError('explanations.kernel_shap', 'missing: the report has no SHAP explanations (expected an object keyed by label)');
  const keys = Object.keys(shap);
  if (keys.length === 0) throw new ImportanceFormatError('explanations.kernel_shap', 'has no label keys (expected e.g. "label0")');
  if (opts.labelKey !== undefined && !keys.includes(opts.labelKey)) {
    throw new ImportanceFormatError('explanations.kernel_shap', `has no label key "${opts.labelKey}" (present: ${keys.join(', ')})`);
  }
  const chosen = opts.labelKey !== undefined ? [opts.labelKey] : keys;
  const perKey = chosen.map((key) => {
    const path = `explanations.kernel_shap.${key}.global_shap_values`;
    const values = (shap[key] as Record<string, unknown> | undefined)?.['global_shap_values'];
    if (!isRecord(values)) throw new ImportanceFormatError(path, 'missing (expected an object { feature: number })');
    return readObject(values, path);
  });
  // Several label keys (one per class of a multiclass model): the mean over the keys that report
  // a feature. A feature missing from one key is not assumed unimportant there — that would
  // understate exactly the features a gate worries about.
  const sums = new Map<string, { sum: number; n: number }>();
  for (const m of perKey) {
    for (const [f, v] of m) {
      const s = sums.get(f) ?? { sum: 0, n: 0 };
      s.sum += v;
      s.n++;
      sums.set(f, s);
    }
  }
  return { importance: new Map([...sums].map(([f, s]) => [f, s.sum / s.n])), format: 'clarify', labelKeys: chosen };
};

/**
 * Reads a feature-importance document (already parsed JSON).
 *
 * @example
 * ```ts
 * readImportance({ explanations: { kernel_shap: { label0: { global_shap_values: { age: 0.3, income: 0.5 } } } } });
 * // { importance: Map { 'age' => 0.3, 'income' => 0.5 }, format: 'clarify', labelKeys: ['label0'] }
 * ```
 */
export const readImportance = (doc: unknown, opts: ImportanceReadOptions = {}): FeatureImportance => {
  if (isRecord(doc) && 'explanations' in doc) return readClarify(doc, opts);
  if (Array.isArray(doc)) {
    const importance = new Map<string, number>();
    doc.forEach((item, i) => {
      const path = `[${i}]`;
      if (!isRecord(item) || typeof item['feature'] !== 'string') {
        throw new ImportanceFormatError(path, 'expected { "feature": string, "importance": number }');
      }
      if (importance.has(item['feature'])) throw new ImportanceFormatError(path, `feature "${item['feature']}" is listed twice`);
      importance.set(item['feature'], finiteAbs(item['importance'], `${path}.importance`));
    });
    return { importance, format: 'list', labelKeys: [] };
  }
  if (isRecord(doc)) return { importance: readObject(doc, '$'), format: 'object', labelKeys: [] };
  throw new ImportanceFormatError('$', 'expected a Clarify explainability report, an object { feature: number } or a list [{ feature, importance }]');
};
