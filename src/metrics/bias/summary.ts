/**
 * Collapses the counts of one facet into what the formulas read: per group (a, d) the confusion
 * counts, per label value the rows in each group, and per stratum the (group, label, prediction)
 * counts for CDDL/CDDPL.
 */
import type { FacetCounts, GroupCounts } from './types.js';

export interface StratumCounts {
  name: string;
  /** Index `(g * 2 + y) * 2 + p`: group (0 = a, 1 = d), observed positive y, predicted positive p. */
  cells: number[];
}

export interface FacetSummary {
  a: GroupCounts;
  d: GroupCounts;
  labels: readonly string[];
  /** Rows per label value in a and in d. */
  labelA: number[];
  labelD: number[];
  strata: StratumCounts[] | null;
  predictions: boolean;
}

const emptyGroup = (): GroupCounts => ({ n: 0, pos: 0, predPos: 0, tp: 0, fp: 0, tn: 0, fn: 0 });

const addCell = (g: GroupCounts, y: boolean, p: number, count: number): void => {
  g.n += count;
  if (y) g.pos += count;
  if (p === 1) g.predPos += count;
  if (y && p === 1) g.tp += count;
  else if (y) g.fn += count;
  else if (p === 1) g.fp += count;
  else g.tn += count;
};

/** Summarises one facet's counts. */
export const summarize = (c: FacetCounts): FacetSummary => {
  const L = c.labels.length;
  const S = c.strata ? c.strata.length : 1;
  const a = emptyGroup();
  const d = emptyGroup();
  const labelA = new Array<number>(L).fill(0);
  const labelD = new Array<number>(L).fill(0);
  const strata: StratumCounts[] | null = c.strata ? c.strata.map((name) => ({ name, cells: new Array<number>(8).fill(0) })) : null;
  for (let s = 0; s < S; s++) {
    for (let l = 0; l < L; l++) {
      const y = c.positive[l] === true;
      for (let g = 0; g < 2; g++) {
        for (let p = 0; p < 2; p++) {
          const count = c.cells[((s * L + l) * 2 + g) * 2 + p] ?? 0;
          if (count === 0) continue;
          addCell(g === 0 ? a : d, y, p, count);
          if (g === 0) labelA[l]! += count;
          else labelD[l]! += count;
          if (strata) strata[s]!.cells[(g * 2 + (y ? 1 : 0)) * 2 + p]! += count;
        }
      }
    }
  }
  return { a, d, labels: c.labels, labelA, labelD, strata, predictions: c.predictions };
};
