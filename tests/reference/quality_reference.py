#!/usr/bin/env python3
"""Independent reference values for src/metrics/quality (docs/metrics/quality.md).

Written from the definitions in the design's METRICS.md, in plain Python (no numpy), deliberately
unlike the TypeScript: AUC by counting every positive/negative pair (O(n^2)), sums with math.fsum,
R^2 from the two-pass mean. Generates a few datasets with a seeded random.Random and writes each,
with its expected metrics, to tests/fixtures/quality-reference/<name>.json. The TypeScript test
replays the data through the accumulators and matches every value to 1e-9.

    python3 tests/reference/quality_reference.py
"""
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "quality-reference")
CLIP = 1e-15
EPS = 2.220446049250313e-16  # float64 machine epsilon, the MAPE floor


def div(num, den):
    return None if den == 0 else num / den


def f_beta(tp, fp, fn, beta):
    b2 = beta * beta
    return div((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp)


def binary_metrics(labels, scores, predictions, positive=1, threshold=0.5):
    y = [1 if v == positive else 0 for v in labels]
    if predictions is not None:
        yhat = [1 if v == positive else 0 for v in predictions]
    else:
        yhat = [1 if s >= threshold else 0 for s in scores]
    tp = sum(1 for a, b in zip(y, yhat) if a == 1 and b == 1)
    fp = sum(1 for a, b in zip(y, yhat) if a == 0 and b == 1)
    tn = sum(1 for a, b in zip(y, yhat) if a == 0 and b == 0)
    fn = sum(1 for a, b in zip(y, yhat) if a == 1 and b == 0)
    n = len(y)
    den = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    out = {
        "accuracy": div(tp + tn, n),
        "precision": div(tp, tp + fp),
        "recall": div(tp, tp + fn),
        "specificity": div(tn, tn + fp),
        "false_positive_rate": div(fp, tn + fp),
        "f1": f_beta(tp, fp, fn, 1),
        "f0_5": f_beta(tp, fp, fn, 0.5),
        "f2": f_beta(tp, fp, fn, 2),
        "mcc": None if den == 0 else (tp * tn - fp * fn) / den,
    }
    if scores is not None:
        pos = [s for s, a in zip(scores, y) if a == 1]
        neg = [s for s, a in zip(scores, y) if a == 0]
        if pos and neg:
            wins = 0.0
            for p in pos:
                for q in neg:
                    wins += 1.0 if p > q else 0.5 if p == q else 0.0
            out["auc"] = wins / (len(pos) * len(neg))
        else:
            out["auc"] = None
        # Average precision: one step per distinct score, descending.
        if pos:
            ap = 0.0
            for t in sorted(set(scores), reverse=True):
                sel = [a for s, a in zip(scores, y) if s >= t]
                tp_t = sum(sel)
                tp_prev = sum(a for s, a in zip(scores, y) if s > t)
                if tp_t > tp_prev:
                    ap += (tp_t - tp_prev) / len(pos) * (tp_t / len(sel))
            out["average_precision"] = ap
        else:
            out["average_precision"] = None
        terms = []
        for s, a in zip(scores, y):
            p = min(max(s, CLIP), 1 - CLIP)
            terms.append(-math.log(p) if a == 1 else -math.log(1 - p))
        out["log_loss"] = math.fsum(terms) / n
        out["brier"] = math.fsum((s - a) ** 2 for s, a in zip(scores, y)) / n
    return out


def multiclass_metrics(labels, predictions):
    n = len(labels)
    classes = sorted(set(labels) | set(predictions))
    acc = sum(1 for a, b in zip(labels, predictions) if a == b) / n
    wp = wr = 0.0
    wf = {1: 0.0, 0.5: 0.0, 2: 0.0}
    for c in classes:
        support = sum(1 for a in labels if a == c)
        if support == 0:
            continue
        tp = sum(1 for a, b in zip(labels, predictions) if a == c and b == c)
        pred = sum(1 for b in predictions if b == c)
        wp += support * (tp / pred if pred else 0.0)
        wr += support * tp / support
        for beta in wf:
            wf[beta] += support * f_beta(tp, pred - tp, support - tp, beta)
    return {
        "accuracy": acc,
        "weighted_precision": wp / n,
        "weighted_recall": wr / n,
        "weighted_f1": wf[1] / n,
        "weighted_f0_5": wf[0.5] / n,
        "weighted_f2": wf[2] / n,
    }


def regression_metrics(labels, predictions):
    n = len(labels)
    err = [a - b for a, b in zip(labels, predictions)]
    mean = math.fsum(labels) / n
    ss_tot = math.fsum((a - mean) ** 2 for a in labels)
    sse = math.fsum(e * e for e in err)
    mse = sse / n
    return {
        "mae": math.fsum(abs(e) for e in err) / n,
        "mse": mse,
        "rmse": math.sqrt(mse),
        "r2": None if ss_tot == 0 else 1 - sse / ss_tot,
        "mape": math.fsum(abs(e) / max(abs(a), EPS) for e, a in zip(err, labels)) / n,
    }


def mcnemar(labels, cand_pred, champ_pred, exact_below=25):
    b = sum(1 for y, p, q in zip(labels, cand_pred, champ_pred) if p == y and q != y)
    c = sum(1 for y, p, q in zip(labels, cand_pred, champ_pred) if q == y and p != y)
    m = b + c
    if m < exact_below:
        k = min(b, c)
        cdf = math.fsum(math.comb(m, j) for j in range(k + 1)) / 2 ** m if m else 1.0
        return {"b": b, "c": c, "method": "exact", "pValue": min(1.0, 2 * cdf) if m else 1.0}
    stat = max(0, abs(b - c) - 1) ** 2 / m
    return {"b": b, "c": c, "method": "chi2", "statistic": stat, "pValue": math.erfc(math.sqrt(stat / 2))}


def write(name, description, problem, options, data, expected, extra=None):
    doc = {"description": description, "problem": problem, "options": options, "data": data, "expected": expected}
    if extra:
        doc.update(extra)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    rnd = random.Random(20240601)

    # Binary, continuous scores (3 decimals: some ties), champion scores for McNemar.
    n = 400
    labels, scores, champ = [], [], []
    for _ in range(n):
        y = 1 if rnd.random() < 0.35 else 0
        s = min(1.0, max(0.0, rnd.gauss(0.62 if y else 0.38, 0.18)))
        h = min(1.0, max(0.0, rnd.gauss(0.58 if y else 0.42, 0.2)))
        labels.append(y)
        scores.append(round(s, 3))
        champ.append(round(h, 3))
    cand_pred = [1 if s >= 0.5 else 0 for s in scores]
    champ_pred = [1 if s >= 0.5 else 0 for s in champ]
    write("binary-scores", "400 rows, scores to 3 decimals (ties), threshold 0.5; McNemar against champion scores (chi2 branch).",
          "binary", {"threshold": 0.5, "positiveLabel": 1},
          {"label": labels, "score": scores, "championScore": champ},
          binary_metrics(labels, scores, None), {"mcnemar": mcnemar(labels, cand_pred, champ_pred)})

    # Binary, coarse scores (many ties), labels coded 0/2 with positive 2, threshold 0.35.
    n = 150
    labels, scores = [], []
    for _ in range(n):
        y = 2 if rnd.random() < 0.5 else 0
        s = min(1.0, max(0.0, round(rnd.gauss(0.6 if y else 0.4, 0.25) * 10) / 10))
        labels.append(y)
        scores.append(s)
    write("binary-ties", "150 rows, scores on a 0.1 grid (heavy ties), positive label 2, threshold 0.35.",
          "binary", {"threshold": 0.35, "positiveLabel": 2}, {"label": labels, "score": scores},
          binary_metrics(labels, scores, None, positive=2, threshold=0.35))

    # Binary with a prediction column that disagrees with the scores; small McNemar (exact branch).
    n = 60
    labels, scores, preds, champ_preds = [], [], [], []
    for _ in range(n):
        y = 1 if rnd.random() < 0.4 else 0
        s = round(rnd.random(), 4)
        labels.append(y)
        scores.append(s)
        preds.append(y if rnd.random() < 0.8 else 1 - y)
        champ_preds.append(y if rnd.random() < 0.75 else 1 - y)
    write("binary-predictions", "60 rows, threshold metrics from the prediction column, score metrics from the score; McNemar exact branch.",
          "binary", {"threshold": 0.5, "positiveLabel": 1},
          {"label": labels, "score": scores, "prediction": preds, "championPrediction": champ_preds},
          binary_metrics(labels, scores, preds), {"mcnemar": mcnemar(labels, preds, champ_preds, exact_below=10**9)})

    # Multiclass: 4 classes, one never predicted.
    n = 300
    labels, preds = [], []
    for _ in range(n):
        y = rnd.choice([0, 1, 2, 3])
        r = rnd.random()
        p = y if r < 0.7 else rnd.choice([0, 1, 2])
        labels.append(y)
        preds.append(p)
    write("multiclass", "300 rows, 4 classes, class 3 is never predicted (precision 0 by convention).",
          "multiclass", {}, {"label": labels, "prediction": preds}, multiclass_metrics(labels, preds))

    # Regression far from 0 (R^2 conditioning) with noise.
    n = 500
    labels, preds = [], []
    for _ in range(n):
        x = rnd.uniform(-3, 3)
        y = 1e6 + 50 * x + rnd.gauss(0, 20)
        labels.append(y)
        preds.append(1e6 + 48 * x + rnd.gauss(0, 5))
    write("regression", "500 rows around 1e6 (tests R^2 conditioning), linear signal plus noise.",
          "regression", {}, {"label": labels, "prediction": preds}, regression_metrics(labels, preds))


if __name__ == "__main__":
    main()
