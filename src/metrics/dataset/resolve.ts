/**
 * Matches the requested columns against the columns a dataset has (the CSV header, or the keys of
 * the first JSON Lines row).
 */
import { DatasetError } from './errors.js';
import type { ColumnSpec } from './types.js';

export interface ResolvedColumns {
  /** ColumnSpec index → wanted-field ordinal, or -1 for an absent optional column. */
  slotField: Int32Array;
  /** Dataset field index → wanted-field ordinal, or -1 when no spec reads it. */
  fieldWanted: Int32Array;
  /** Wanted-field ordinal → dataset field index. */
  wantedField: number[];
}

const listed = (names: readonly string[]): string => {
  const shown = names.slice(0, 30).map((n) => JSON.stringify(n)).join(', ');
  return names.length > 30 ? `${shown}, ... (${names.length} in all)` : shown || '(none)';
};

/** Resolves `specs` against `found` (names in dataset order); a missing required column is an error naming the columns found. */
export const resolveColumns = (specs: readonly ColumnSpec[], found: readonly string[], source: string, line: number): ResolvedColumns => {
  const index = new Map<string, number>();
  const duplicated = new Set<string>();
  found.forEach((name, i) => {
    if (index.has(name)) duplicated.add(name);
    else index.set(name, i);
  });
  const missing = specs.filter((s) => !s.optional && !index.has(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    const what = missing.length === 1 ? `column "${missing[0]}" is missing` : `columns ${missing.map((m) => `"${m}"`).join(', ')} are missing`;
    throw new DatasetError(source, `${what}; the columns found are ${listed(found)}`, { line });
  }
  const fieldWanted = new Int32Array(found.length).fill(-1);
  const wantedField: number[] = [];
  const slotField = new Int32Array(specs.length).fill(-1);
  specs.forEach((spec, i) => {
    const f = index.get(spec.name);
    if (f === undefined) return;
    if (duplicated.has(spec.name)) throw new DatasetError(source, `column "${spec.name}" appears more than once; expected unique column names`, { line });
    if (fieldWanted[f]! < 0) {
      fieldWanted[f] = wantedField.length;
      wantedField.push(f);
    }
    slotField[i] = fieldWanted[f]!;
  });
  return { slotField, fieldWanted, wantedField };
};
