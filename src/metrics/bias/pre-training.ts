/**
 * Pre-training (label) bias metrics of one facet, exactly as METRICS.md defines them. Not
 * computable is a value with a reason, never ±∞ or NaN.
 */
import { newcombe } from './intervals.js';
import type { FacetSummary, StratumCounts } from './summary.js';
import type { BiasValue, PreTrainingMetric } from './types.js';

/** How reasons name the groups: `group d (rows with sex = F)`. */
export interface GroupNames {
  d: string;
  a: string;
}

export const notComputable = (reason: string): BiasValue => ({ value: null, reason });

/**
 * CI, DPL, KL, JS, LP, TVD, KS and CDDL for one facet whose groups are both non-empty (the caller
 * applies minGroupSize). Label distributions run over every label value seen in either group.
 */
export const preTrainingMetrics = (s: FacetSummary, names: GroupNames, groupColumn: string | null): Record<PreTrainingMetric, BiasValue> => {
  const { a, d } = s;
  const qa = a.pos / a.n;
  const qd = d.pos / d.n;
  const out = {
    CI: { value: (a.n - d.n) / (a.n + d.n) },
    DPL: { value: qa - qd, interval: newcombe(a.pos, a.n, d.pos, d.n) },
  } as Record<PreTrainingMetric, BiasValue>;

  // Label distributions P_a, P_d over the label values present in either group.
  const pa: number[] = [];
  const pd: number[] = [];
  let onlyIn: string | null = null;
  // In a fixed order (by value), so that sums and reasons do not depend on the order of the rows.
  const order = s.labels.map((label, l) => [label, l] as const).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  order.forEach(([label, l]) => {
    const ca = s.labelA[l] ?? 0;
    const cd = s.labelD[l] ?? 0;
    if (ca === 0 && cd === 0) return;
    if (onlyIn === null && (ca === 0 || cd === 0)) {
      const [inG, notG] = ca === 0 ? [names.d, names.a] : [names.a, names.d];
      onlyIn = `label value "${label}" occurs in ${inG} but not in ${notG}; KL is not computed when the two label distributions differ in support`;
    }
    pa.push(ca / a.n);
    pd.push(cd / d.n);
  });
  let kl = 0;
  let jsA = 0;
  let jsD = 0;
  let lp = 0;
  let tvd = 0;
  let ks = 0;
  for (let i = 0; i < pa.length; i++) {
    const x = pa[i]!;
    const y = pd[i]!;
    const m = (x + y) / 2;
    if (x > 0 && y > 0) kl += x * Math.log(x / y);
    if (x > 0) jsA += x * Math.log(x / m);
    if (y > 0) jsD += y * Math.log(y / m);
    lp += (x - y) ** 2;
    tvd += Math.abs(x - y);
    ks = Math.max(ks, Math.abs(x - y));
  }
  out.KL = onlyIn === null ? { value: kl } : notComputable(onlyIn);
  out.JS = { value: (jsA + jsD) / 2 };
  out.LP = { value: Math.sqrt(lp) };
  out.TVD = { value: tvd / 2 };
  out.KS = { value: ks };
  out.CDDL = conditionalDemographicDisparity(s.strata, 'label', groupColumn);
  return out;
};

/**
 * CDDL (`by = 'label'`) or CDDPL (`by = 'prediction'`): (1/n) Σ_i n_i·DD_i over the strata of the
 * group column, DD_i = n_{d,i}^(0)/n_i^(0) − n_{d,i}^(1)/n_i^(1).
 *
 * A stratum without rejections (n_i^(0) = 0) or without acceptances (n_i^(1) = 0) follows
 * SageMaker Clarify's convention (smclarify, src/smclarify/bias/metrics/common.py, `CDD`): that
 * term counts as 0 and the stratum keeps its weight n_i; a note names the stratum. Only when the
 * whole dataset has no rejections or no acceptances is the metric not computable (Clarify raises).
 */
export const conditionalDemographicDisparity = (strata: StratumCounts[] | null, by: 'label' | 'prediction', groupColumn: string | null): BiasValue => {
  const what = by === 'label' ? 'label' : 'predicted label';
  if (!strata)
    return notComputable(
      `no group column${groupColumn ? ` "${groupColumn}" in the dataset` : ' configured (columns.group)'}; CDD${by === 'label' ? 'L' : 'PL'} needs strata`,
    );
  let total = 0;
  let sum = 0;
  let rejections = 0;
  let acceptances = 0;
  const notes: string[] = [];
  // By name, so that the sum and the notes do not depend on the order of the rows.
  const ordered = [...strata].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  for (const st of ordered) {
    // cells index (g * 2 + y) * 2 + p
    const c = st.cells;
    const count = (g: number, v: number): number =>
      by === 'label' ? c[(g * 2 + v) * 2]! + c[(g * 2 + v) * 2 + 1]! : c[g * 2 * 2 + v]! + c[(g * 2 + 1) * 2 + v]!;
    const d0 = count(1, 0);
    const d1 = count(1, 1);
    const n0 = count(0, 0) + d0;
    const n1 = count(0, 1) + d1;
    const ni = n0 + n1;
    if (ni === 0) continue;
    rejections += n0;
    acceptances += n1;
    if (n0 === 0 || n1 === 0) {
      const missing = n0 === 0 ? `negative ${what}s (n_i^(0) = 0): its share of rejections` : `positive ${what}s (n_i^(1) = 0): its share of acceptances`;
      notes.push(`stratum ${groupColumn ?? 'group'}=${st.name} has no ${missing} counts as 0 (SageMaker Clarify's convention)`);
    }
    const rejected = n0 === 0 ? 0 : d0 / n0;
    const accepted = n1 === 0 ? 0 : d1 / n1;
    sum += ni * (rejected - accepted);
    total += ni;
  }
  if (total === 0) return notComputable('no rows in any stratum');
  if (acceptances === 0) return notComputable(`no positive ${what}s in the dataset: demographic disparity is undefined`);
  if (rejections === 0) return notComputable(`no negative ${what}s in the dataset: demographic disparity is undefined`);
  return notes.length > 0 ? { value: sum / total, notes } : { value: sum / total };
};
