#!/usr/bin/env python3
"""Independent reference implementation of modelgate's bias metrics, in plain Python.

Written from /work/shared/design/METRICS.md (Groups, Pre-training, Post-training) and the
conventions of docs/metrics/bias.md -- not from the TypeScript code. It works row by row on the
parsed CSV (no counting tricks), so that it checks the one-pass counting as well as the formulas.

Usage: python3 tests/reference/bias_reference.py   (rewrites tests/fixtures/bias-reference/*)
Every dataset is generated from a fixed seed; the output is deterministic.
"""
import csv
import json
import math
import os
import random
import re

Z = 1.959963984540054
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'fixtures', 'bias-reference')
NUMERIC = re.compile(r'^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$')


def same(text, wanted):
    """A dataset value (text) equals a policy value: as strings, or as numbers, or booleans by name."""
    if isinstance(wanted, bool):
        return text.strip().lower() == ('true' if wanted else 'false')
    w = str(wanted) if not isinstance(wanted, float) or not wanted.is_integer() else str(int(wanted))
    if text == w:
        return True
    return bool(NUMERIC.match(text)) and bool(NUMERIC.match(w)) and float(text) == float(w)


def in_d(row, facet):
    v = row[facet['column']]
    if 'sensitiveAtLeast' in facet:
        return float(v) >= facet['sensitiveAtLeast']
    return any(same(v, s) for s in facet['sensitive'])


# ---- intervals -------------------------------------------------------------------------------

def wilson(x, n):
    p = x / n
    denom = 1 + Z * Z / n
    center = (p + Z * Z / (2 * n)) / denom
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denom
    return [max(0.0, center - half), min(1.0, center + half)]


def newcombe(x1, n1, x2, n2):
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1)
    l2, u2 = wilson(x2, n2)
    d = p1 - p2
    return [d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)]


def katz(x1, n1, x2, n2):
    if x1 > 0:
        r = (x1 / n1) / (x2 / n2)
        se = math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
        return [r * math.exp(-Z * se), r * math.exp(Z * se)]
    a, m, b, k = x1 + 0.5, n1 + 1, x2 + 0.5, n2 + 1
    se = math.sqrt(1 / a - 1 / m + 1 / b - 1 / k)
    return [0.0, (a / m) / (b / k) * math.exp(Z * se)]


# ---- metrics ---------------------------------------------------------------------------------

NC = None  # not computable


def val(v, interval=None):
    out = {'value': v}
    if interval is not None:
        out['interval'] = interval
    return out


def ratio(num, den):
    return None if den == 0 else num / den


def diff(left, right, interval=None):
    if left is None or right is None:
        return {'value': NC}
    return val(left - right, interval() if interval else None)


def cdd(rows_a, rows_d, strata_col, key):
    """CDDL (key = y) or CDDPL (key = yhat): (1/n) sum_i n_i DD_i, DD_i = n_d0/n0 - n_d1/n1.

    A stratum with no rejections (n0 = 0) or no acceptances (n1 = 0) follows SageMaker Clarify:
    that term is 0 and the stratum keeps its weight (smclarify, src/smclarify/bias/metrics/common.py,
    CDD: `A = numA / denomA if denomA != 0 else 0`, likewise D). Clarify raises -- not computable
    here -- only when the whole dataset has no positive or no negative labels."""
    if strata_col is None:
        return {'value': NC}
    everyone = rows_a + rows_d
    if not any(r[key] == 1 for r in everyone) or not any(r[key] == 0 for r in everyone):
        return {'value': NC}
    strata = {}
    for r in rows_a:
        strata.setdefault(r['s'], []).append((0, r[key]))
    for r in rows_d:
        strata.setdefault(r['s'], []).append((1, r[key]))
    total, acc = 0, 0.0
    for name in sorted(strata):
        items = strata[name]
        n0 = sum(1 for g, v in items if v == 0)
        n1 = sum(1 for g, v in items if v == 1)
        d0 = sum(1 for g, v in items if g == 1 and v == 0)
        d1 = sum(1 for g, v in items if g == 1 and v == 1)
        rejected = d0 / n0 if n0 != 0 else 0
        accepted = d1 / n1 if n1 != 0 else 0
        acc += len(items) * (rejected - accepted)
        total += len(items)
    return val(acc / total)


def facet_metrics(rows, facet, cfg):
    A = [r for r in rows if not r['d'][facet['_i']]]
    D = [r for r in rows if r['d'][facet['_i']]]
    names = ['CI', 'DPL', 'KL', 'JS', 'LP', 'TVD', 'KS', 'CDDL', 'DPPL', 'DI', 'DCAcc', 'DCR', 'RD', 'SD', 'DAR', 'DRR', 'AD', 'CDDPL', 'TE']
    na, nd = len(A), len(D)
    if na == 0 or nd == 0 or na < cfg['minGroupSize'] or nd < cfg['minGroupSize']:
        return {'sizes': {'a': na, 'd': nd}, 'metrics': {m: {'value': NC} for m in names}}
    out = {}
    pos = lambda G: sum(r['y'] for r in G)
    out['CI'] = val((na - nd) / (na + nd))
    out['DPL'] = val(pos(A) / na - pos(D) / nd, newcombe(pos(A), na, pos(D), nd))
    values = sorted({r['label'] for r in rows})
    Pa = {v: sum(1 for r in A if r['label'] == v) / na for v in values}
    Pd = {v: sum(1 for r in D if r['label'] == v) / nd for v in values}
    support_differs = any((Pa[v] == 0) != (Pd[v] == 0) for v in values)
    out['KL'] = {'value': NC} if support_differs else val(sum(Pa[v] * math.log(Pa[v] / Pd[v]) for v in values if Pa[v] > 0))
    M = {v: (Pa[v] + Pd[v]) / 2 for v in values}
    kl_m = lambda P: sum(P[v] * math.log(P[v] / M[v]) for v in values if P[v] > 0)
    out['JS'] = val(0.5 * (kl_m(Pa) + kl_m(Pd)))
    out['LP'] = val(math.sqrt(sum((Pa[v] - Pd[v]) ** 2 for v in values)))
    out['TVD'] = val(0.5 * sum(abs(Pa[v] - Pd[v]) for v in values))
    out['KS'] = val(max(abs(Pa[v] - Pd[v]) for v in values))
    out['CDDL'] = cdd(A, D, cfg.get('group'), 'y')

    if not cfg['hasPredictions']:
        for m in names[8:]:
            out[m] = {'value': NC}
        return {'sizes': {'a': na, 'd': nd}, 'metrics': out}

    def c(G, y, p):
        return sum(1 for r in G if r['y'] == y and r['yhat'] == p)
    TPa, FPa, TNa, FNa = c(A, 1, 1), c(A, 0, 1), c(A, 0, 0), c(A, 1, 0)
    TPd, FPd, TNd, FNd = c(D, 1, 1), c(D, 0, 1), c(D, 0, 0), c(D, 1, 0)
    ppa, ppd = TPa + FPa, TPd + FPd          # predicted positives
    pna, pnd = na - ppa, nd - ppd            # predicted negatives
    oa1, od1 = TPa + FNa, TPd + FNd          # observed positives
    oa0, od0 = na - oa1, nd - od1            # observed negatives
    out['DPPL'] = val(ppa / na - ppd / nd, newcombe(ppa, na, ppd, nd))
    out['DI'] = {'value': NC} if ppa == 0 else val((ppd / nd) / (ppa / na), katz(ppd, nd, ppa, na))
    out['DCAcc'] = diff(ratio(oa1, ppa), ratio(od1, ppd))
    out['DCR'] = diff(ratio(od0, pnd), ratio(oa0, pna))
    out['RD'] = diff(ratio(TPa, TPa + FNa), ratio(TPd, TPd + FNd), lambda: newcombe(TPa, TPa + FNa, TPd, TPd + FNd))
    out['SD'] = diff(ratio(TNd, TNd + FPd), ratio(TNa, TNa + FPa), lambda: newcombe(TNd, TNd + FPd, TNa, TNa + FPa))
    out['DAR'] = diff(ratio(TPa, ppa), ratio(TPd, ppd), lambda: newcombe(TPa, ppa, TPd, ppd))
    out['DRR'] = diff(ratio(TNd, pnd), ratio(TNa, pna), lambda: newcombe(TNd, pnd, TNa, pna))
    out['AD'] = val((TPa + TNa) / na - (TPd + TNd) / nd, newcombe(TPa + TNa, na, TPd + TNd, nd))
    out['CDDPL'] = cdd(A, D, cfg.get('group'), 'yhat')
    out['TE'] = diff(ratio(FNd, FPd), ratio(FNa, FPa))
    return {'sizes': {'a': na, 'd': nd}, 'metrics': out}


def ge(rows, cfg):
    n = len(rows)
    if not cfg['hasPredictions'] or n == 0 or n < cfg['minGroupSize']:
        return {'value': NC}
    b = [r['yhat'] - r['y'] + 1 for r in rows]
    mean = sum(b) / n
    if mean == 0:
        return {'value': NC}
    return val(sum((bi / mean) ** 2 - 1 for bi in b) / (2 * n))


def compute(path, cfg):
    with open(path, newline='') as f:
        raw = list(csv.DictReader(f))
    cols = cfg['columns']
    rows = []
    for r in raw:
        row = {'label': r[cols['label']], 'y': 1 if same(r[cols['label']], cfg['positiveLabel']) else 0}
        if cfg.get('scoreThreshold') is not None:
            row['yhat'] = 1 if float(r[cols['score']]) >= cfg['scoreThreshold'] else 0
        elif cols.get('prediction'):
            row['yhat'] = 1 if same(r[cols['prediction']], cfg['positiveLabel']) else 0
        else:
            row['yhat'] = 0
        row['s'] = r[cols['group']] if cols.get('group') else None
        row['d'] = [in_d(r, fc) for fc in cfg['facets']]
        rows.append(row)
    conf = {'minGroupSize': cfg['minGroupSize'], 'group': cols.get('group'),
            'hasPredictions': cfg.get('scoreThreshold') is not None or bool(cols.get('prediction'))}
    facets = []
    for i, fc in enumerate(cfg['facets']):
        fc = dict(fc, _i=i)
        facets.append(facet_metrics(rows, fc, conf))
    return {'rows': len(rows), 'facets': facets, 'population': {'GE': ge(rows, conf)}}


# ---- datasets --------------------------------------------------------------------------------

def write_csv(path, header, rows):
    with open(path, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(header)
        w.writerows(rows)


def binary(rng):
    rows = []
    for _ in range(600):
        sex = rng.choice(['F', 'M', 'M', 'X'])
        age = rng.randint(18, 90)
        race = rng.choice(['A', 'B', 'C', 'D'])
        grp = 'g%d' % rng.randint(0, 4)
        p = 0.35 + (0.15 if sex == 'M' else 0) + (0.1 if age < 60 else -0.05)
        label = 1 if rng.random() < p else 0
        score = min(1.0, max(0.0, rng.gauss(0.62 if label else 0.38, 0.2) - (0.08 if sex == 'F' else 0)))
        rows.append([label, 1 if score >= 0.5 else 0, '%.4f' % score, sex, age, race, grp])
    header = ['label', 'prediction', 'score', 'sex', 'age', 'race', 'group']
    cfg = {'columns': {'label': 'label', 'prediction': 'prediction', 'score': 'score', 'group': 'group'},
           'positiveLabel': 1, 'minGroupSize': 30,
           'facets': [{'column': 'sex', 'sensitive': ['F']}, {'column': 'age', 'sensitiveAtLeast': 60},
                      {'column': 'race', 'sensitive': ['B', 'C']}]}
    return header, rows, cfg


def multilabel(rng):
    """Text labels with three values, predictions from a score threshold, a region value whose
    rows never carry one label (KL not computable), and a stratum with no negatives (CDDL counts
    its rejection share as 0, Clarify's convention)."""
    rows = []
    for i in range(900):
        region = rng.choice(['north', 'south', 'east', 'west'])
        tier = rng.choice(['t1', 't2', 't3'])
        if region == 'north':
            label = rng.choice(['yes', 'no'])
        else:
            label = rng.choice(['yes', 'no', 'maybe'])
        if tier == 't3':
            label = 'yes'
        score = min(1.0, max(0.0, rng.gauss(0.55 if label == 'yes' else 0.3, 0.18)))
        rows.append([label, '%.5f' % score, region, rng.randint(0, 5), tier])
    header = ['outcome', 'p', 'region', 'kids', 'tier']
    cfg = {'columns': {'label': 'outcome', 'score': 'p', 'group': 'tier'}, 'positiveLabel': 'yes',
           'scoreThreshold': 0.35, 'minGroupSize': 20,
           'facets': [{'column': 'region', 'sensitive': ['north']}, {'column': 'region', 'sensitive': ['south', 'east']},
                      {'column': 'kids', 'sensitiveAtLeast': 3}]}
    return header, rows, cfg


def degenerate(rng):
    """Small and lopsided groups: a facet under minGroupSize, a group with no predicted positives
    (DI = 0, DCAcc/DAR not computable), a group with no false positives (TE not computable)."""
    rows = []
    for i in range(120):
        club = 'gold' if i < 12 else ('silver' if i < 60 else 'bronze')
        label = 1 if rng.random() < 0.5 else 0
        if club == 'silver':
            pred = 0
        elif club == 'gold':
            pred = label
        else:
            pred = 1 if rng.random() < 0.6 else 0
        rows.append([label, pred, club])
    header = ['y', 'yhat', 'club']
    cfg = {'columns': {'label': 'y', 'prediction': 'yhat'}, 'positiveLabel': 1, 'minGroupSize': 10,
           'facets': [{'column': 'club', 'sensitive': ['silver']}, {'column': 'club', 'sensitive': ['gold']},
                      {'column': 'club', 'sensitive': ['bronze', 'silver']}]}
    cfg_small = dict(cfg, minGroupSize=30)
    return header, rows, cfg, cfg_small


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    h, r, c = binary(random.Random(11))
    cases.append(('binary', h, r, [('binary', c)]))
    h, r, c = multilabel(random.Random(23))
    cases.append(('multilabel', h, r, [('multilabel', c)]))
    h, r, c, c2 = degenerate(random.Random(37))
    cases.append(('degenerate', h, r, [('degenerate', c), ('degenerate-min30', c2)]))
    for data_name, header, rows, configs in cases:
        csv_path = os.path.join(OUT, data_name + '.csv')
        write_csv(csv_path, header, rows)
        for name, cfg in configs:
            expected = compute(csv_path, cfg)
            doc = {'dataset': data_name + '.csv', 'config': cfg, 'expected': expected,
                   'generatedBy': 'tests/reference/bias_reference.py'}
            with open(os.path.join(OUT, name + '.json'), 'w') as f:
                json.dump(doc, f, indent=1, sort_keys=True)
                f.write('\n')
            print('wrote', name)


if __name__ == '__main__':
    main()
