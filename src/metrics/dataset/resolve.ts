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

/** Edit distance, for "did you mean" hints between a wanted name and a header's names. */
const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
};

/**
 * What the header holds, without quoting it: a header is file content (a mistaken `file:.env`
 * has a secret for a header), so it is described by its size, and a header name is shown only
 * when it is within two edits of a name the policy asked for — which says nothing the policy
 * does not.
 */
export const describeHeader = (found: readonly string[], wanted: readonly string[]): string => {
  const near = found.filter((name) =>
    wanted.some((w) => name.length <= 64 && (name.toLowerCase() === w.toLowerCase() || (w.length >= 3 && distance(name, w) <= 2))),
  );
  const size = `the header has ${found.length} column${found.length === 1 ? '' : 's'}`;
  return near.length > 0
    ? `${size}, of which ${near
        .slice(0, 5)
        .map((n) => JSON.stringify(n))
        .join(', ')} come${near.length === 1 ? 's' : ''} close (column names are case-sensitive)`
    : `${size} and none comes close (modelgate does not quote a file's header)`;
};

/** Resolves `specs` against `found` (names in dataset order); a missing required column is an error describing the header (see {@link describeHeader}). */
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
    throw new DatasetError(source, `${what}; ${describeHeader(found, missing)}`, { line });
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
