import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import modelQuality, { type ModelQualityConfig } from '../../../checks/model-quality/index.js';
import { qualityFromPredictions } from '../../../checks/model-quality/from-predictions.js';
import { pairedQualityFromPredictions } from '../../../checks/model-quality/paired.js';
import { openEvidenceSet } from '../../../src/app/evidence-reader.js';
import type { CheckInput, CheckOutcome } from '../../../src/core/check.js';
import { createCheckRegistry } from '../../../src/core/check-registry.js';
import type { EvidenceHandle } from '../../../src/core/evidence.js';
import { IncompleteCheckError, InvalidInputError } from '../../../src/core/errors.js';
import { DatasetError } from '../../../src/metrics/dataset/index.js';
import { checkInput, checkSubject, gzipped, inlineEvidence, testContext, testPackage } from '../../support/inline-evidence.js';
import { MemoryStore } from '../evidence/memory-store.js';

const registry = createCheckRegistry([modelQuality]);
const signal = new AbortController().signal;

/** The config a policy's `with:` becomes, validated like the engine does. */
const configOf = (withConfig: Record<string, unknown>): ModelQualityConfig => {
  const { config, problems } = registry.resolveConfig('model-quality', withConfig, 'test');
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return config as ModelQualityConfig;
};

const run = (withConfig: Record<string, unknown>, evidence: Record<string, string | object>, champion: Record<string, string | object> | null = null) =>
  modelQuality.run(checkInput(evidence, champion), configOf(withConfig), testContext());

const rejection = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
};

const predictions = (text: string, uri = 'inline://predictions', chunkSize?: number): EvidenceHandle => ({
  ...inlineEvidence('predictions', text, chunkSize),
  ref: { name: 'predictions', uri, source: 'cli' },
});

const csv = (header: string, rows: Array<Array<string | number>>): string => `${header}\n${rows.map((r) => r.join(',')).join('\n')}\n`;
const messages = (o: CheckOutcome, severity?: string) => o.findings.filter((f) => !severity || f.severity === severity).map((f) => f.message);

// Six rows: TP 2, FN 1, TN 2, FP 1 from the prediction column. AUC: of the 9 positive/negative
// score pairs, 8 are ordered right (0.4 < 0.6 is the one wrong): 8/9.
const BINARY = csv('label,prediction,score', [
  [1, 1, 0.9],
  [1, 0, 0.4],
  [0, 0, 0.2],
  [0, 1, 0.6],
  [1, 1, 0.8],
  [0, 0, 0.1],
]);

describe('qualityFromPredictions: hand-computed values', () => {
  it('computes the binary metrics, the predicted class from the prediction column', async () => {
    // Act
    const report = await qualityFromPredictions(predictions(BINARY), configOf({ problemType: 'binary_classification', metrics: {} }), signal);
    // Assess
    const v = (name: string) => report.metrics[name]?.value;
    expect(report.problemType).toBe('binary_classification');
    expect(report.itemCount).toBe(6);
    expect(v('accuracy')).toBeCloseTo(4 / 6, 12);
    expect(v('precision')).toBeCloseTo(2 / 3, 12);
    expect(v('recall')).toBeCloseTo(2 / 3, 12);
    expect(v('specificity')).toBeCloseTo(2 / 3, 12);
    expect(v('f1')).toBeCloseTo(2 / 3, 12);
    expect(v('auc')).toBeCloseTo(8 / 9, 12);
    // Brier: mean of (0.1², 0.6², 0.2², 0.6², 0.2², 0.1²) = 0.82 / 6.
    expect(v('brier')).toBeCloseTo(0.82 / 6, 12);
    // Model Monitor's names for the same numbers.
    expect(v('true_positive_rate')).toBeCloseTo(2 / 3, 12);
    expect(v('true_negative_rate')).toBeCloseTo(2 / 3, 12);
    expect(v('false_negative_rate')).toBeCloseTo(1 / 3, 12);
    expect(report.computedFrom).toBe('predictions: 6 rows, predicted class from column "prediction", positive label 1');
  });

  it('thresholds the score instead when scoreThreshold is set, even with a prediction column', async () => {
    // Act: at 0.35 the scores 0.9, 0.4, 0.6, 0.8 are predicted positive: TP 3, FP 1, TN 2, FN 0.
    const report = await qualityFromPredictions(
      predictions(BINARY),
      configOf({ problemType: 'binary_classification', scoreThreshold: 0.35, metrics: {} }),
      signal,
    );
    // Assess
    expect(report.metrics['accuracy']?.value).toBeCloseTo(5 / 6, 12);
    expect(report.metrics['recall']?.value).toBe(1);
    expect(report.metrics['precision']?.value).toBeCloseTo(0.75, 12);
    expect(report.computedFrom).toContain('predicted class = score ≥ 0.35');
  });

  it('reads string labels in JSON Lines with positiveLabel, and numerals that spell the same number as one value', async () => {
    // Prepare: "yes" is positive; the prediction column writes the classes as the label does.
    const jsonl = [
      { y: 'yes', p: 'yes' },
      { y: 'no', p: 'yes' },
      { y: 'no', p: 'no' },
      { y: 'yes', p: 'no' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n');
    const numerals = csv('label,prediction', [
      ['1.0', 1],
      [1, '1'],
      [0, '0.0'],
      ['0', 1],
    ]);
    // Act
    const strings = await qualityFromPredictions(
      predictions(jsonl, 'inline://preds.jsonl'),
      configOf({ problemType: 'binary_classification', positiveLabel: 'yes', columns: { label: 'y', prediction: 'p' }, metrics: {} }),
      signal,
    );
    const numbers = await qualityFromPredictions(predictions(numerals), configOf({ problemType: 'binary_classification', metrics: {} }), signal);
    // Assess: TP 1, FP 1, TN 1, FN 1; and TP 2, FP 1, TN 1.
    expect(strings.metrics['accuracy']?.value).toBe(0.5);
    expect(strings.metrics['precision']?.value).toBe(0.5);
    expect(strings.metrics['auc']).toEqual({ value: Number.NaN, standardDeviation: null, reason: 'no score column' });
    expect(numbers.metrics['accuracy']?.value).toBe(0.75);
    expect(numbers.metrics['recall']?.value).toBe(1);
  });

  it('computes regression metrics', async () => {
    // Prepare: e = 0.5, 0, 0.5, 1; ȳ = 2.5, Σ(y − ȳ)² = 5.
    const data = csv('label,prediction', [
      [1, 1.5],
      [2, 2],
      [3, 2.5],
      [4, 5],
    ]);
    // Act
    const report = await qualityFromPredictions(predictions(data), configOf({ problemType: 'regression', metrics: {} }), signal);
    // Assess
    expect(report.metrics['mae']?.value).toBeCloseTo(0.5, 12);
    expect(report.metrics['mse']?.value).toBeCloseTo(0.375, 12);
    expect(report.metrics['rmse']?.value).toBeCloseTo(Math.sqrt(0.375), 12);
    expect(report.metrics['r2']?.value).toBeCloseTo(1 - 1.5 / 5, 12);
    expect(report.metrics['mape']?.value).toBeCloseTo((0.5 / 1 + 0 + 0.5 / 3 + 1 / 4) / 4, 12);
  });

  it('computes multiclass metrics over class names', async () => {
    // Prepare: 3 of 4 right; class c (support 1) is never predicted.
    const data = csv('label,prediction', [
      ['a', 'a'],
      ['b', 'b'],
      ['c', 'a'],
      ['a', 'a'],
    ]);
    // Act
    const report = await qualityFromPredictions(predictions(data), configOf({ problemType: 'multiclass_classification', metrics: {} }), signal);
    // Assess: weighted precision = (2·(2/3) + 1·1 + 1·0) / 4.
    expect(report.metrics['accuracy']?.value).toBe(0.75);
    expect(report.metrics['weighted_recall']?.value).toBe(0.75);
    expect(report.metrics['weighted_precision']?.value).toBeCloseTo((2 * (2 / 3) + 1) / 4, 12);
  });

  it('gives the same numbers whatever the chunks the bytes arrive in', async () => {
    // Act
    const config = configOf({ problemType: 'binary_classification', metrics: {} });
    const whole = await qualityFromPredictions(predictions(BINARY), config, signal);
    const tiny = await qualityFromPredictions(predictions(BINARY, 'inline://predictions', 3), config, signal);
    // Assess
    expect(tiny.metrics).toEqual(whole.metrics);
  });
});

describe('qualityFromPredictions: evidence as the engine hands it', () => {
  it('reads a gzipped predictions file through the evidence reader, with its digest verified', async () => {
    // Prepare
    const bytes = gzipped(BINARY);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const store = new MemoryStore(16).put('mem://bucket/preds.csv.gz', bytes);
    const evidence = openEvidenceSet([{ name: 'predictions', uri: 'mem://bucket/preds.csv.gz', digest, source: 'cli' }], [store]);
    // Act
    const report = await qualityFromPredictions(evidence['predictions']!, configOf({ problemType: 'binary_classification', metrics: {} }), signal);
    // Assess
    expect(report.metrics['auc']?.value).toBeCloseTo(8 / 9, 12);
    expect(report.source).toBe('preds.csv.gz');
  });

  it('stops when the signal is aborted', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort(new Error('timed out after 10 ms'));
    // Act
    const err = await rejection(
      qualityFromPredictions(predictions(BINARY), configOf({ problemType: 'binary_classification', metrics: {} }), controller.signal),
    );
    // Assess
    expect(err.message).toBe('timed out after 10 ms');
  });
});

describe('qualityFromPredictions: errors name the file, line and column', () => {
  const binaryConfig = configOf({ problemType: 'binary_classification', metrics: {} });

  it('requires problemType: 0/1 labels fit a classifier and a regressor alike', async () => {
    // Act
    const err = await rejection(qualityFromPredictions(predictions(BINARY), configOf({ metrics: {} }), signal));
    // Assess
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toBe(
      'with.problemType: problemType is required to compute quality from the predictions dataset: the data cannot say whether labels 0 and 1 are two classes or two numbers (expected binary_classification, multiclass_classification or regression)',
    );
  });

  it('names the line and column of a value that is not a number', async () => {
    // Act
    const err = await rejection(qualityFromPredictions(predictions('label,prediction,score\n1,1,0.9\n0,0,high\n', 'inline://preds.csv'), binaryConfig, signal));
    // Assess
    expect(err).toBeInstanceOf(DatasetError);
    expect(err.message).toBe('preds.csv line 3, column "score": a text of 4 characters is not a number');
  });

  it('names the exact line of a score outside [0, 1], past blank lines', async () => {
    // Act: data row 3 is on line 5.
    const err = await rejection(
      qualityFromPredictions(predictions('label,prediction,score\n1,1,0.9\n\n0,0,0.2\n1,1,1.3\n', 'inline://preds.csv'), binaryConfig, signal),
    );
    // Assess
    expect(err).toBeInstanceOf(DatasetError);
    expect(err.message).toBe('preds.csv line 5, column "score": score 1.3 is not a probability in [0, 1] (data row 3)');
  });

  it('names the columns found when a column the policy names is missing', async () => {
    // Act
    const named = await rejection(
      qualityFromPredictions(
        predictions('y,p_hat\n1,0.9\n', 'inline://preds.csv'),
        configOf({ problemType: 'binary_classification', columns: { label: 'y', score: 'p' }, metrics: {} }),
        signal,
      ),
    );
    const neither = await rejection(qualityFromPredictions(predictions('label,proba\n1,0.9\n', 'inline://preds.csv'), binaryConfig, signal));
    // Assess
    expect(named.message).toBe(
      'preds.csv line 1: column "p" is missing; the header has 2 columns and none comes close (modelgate does not quote a file\'s header)',
    );
    expect(neither.message).toBe(
      'preds.csv has neither a score column "score" nor a prediction column "prediction"; the header has 2 columns and none comes close (modelgate does not quote a file\'s header) (a binary classifier needs one: set columns.score or columns.prediction to the name the file uses)',
    );
  });

  it('refuses labels none of which is the positive label, naming the values seen', async () => {
    // Act
    const err = await rejection(
      qualityFromPredictions(
        predictions(
          csv('label,prediction', [
            ['yes', 'yes'],
            ['no', 'no'],
          ]),
        ),
        binaryConfig,
        signal,
      ),
    );
    // Assess
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toBe(
      'predictions: no value of column "label" equals positiveLabel 1 (values seen: "yes", "no") (expected positiveLabel set to the label of the positive class, and an evaluation set with positive rows)',
    );
  });

  it('refuses predictions spelt differently from the labels', async () => {
    // Act
    const err = await rejection(
      qualityFromPredictions(
        predictions(
          csv('label,prediction', [
            [1, 'yes'],
            [0, 'no'],
          ]),
        ),
        binaryConfig,
        signal,
      ),
    );
    // Assess
    expect(err.message).toBe(
      'predictions: column "prediction" shares no value with column "label" (predictions: "yes", "no"; labels: 1, 0) (expected predicted classes written as the labels are)',
    );
  });

  it('refuses a binary label column with more than two values', async () => {
    // Act
    const err = await rejection(
      qualityFromPredictions(
        predictions(
          csv('label,prediction', [
            [0, 0],
            [1, 1],
            [2, 1],
          ]),
        ),
        binaryConfig,
        signal,
      ),
    );
    // Assess
    expect(err.message).toBe(
      'predictions: column "label" has more than two distinct values (0, 1, 2) (expected two classes for binary_classification; is the problemType multiclass_classification or regression?)',
    );
  });
});

describe('model-quality from predictions: verdicts', () => {
  it('passes and fails on computed values, saying where they came from', async () => {
    // Act
    const pass = await run({ problemType: 'binary_classification', metrics: { auc: { min: 0.8 } } }, { predictions: BINARY });
    const fail = await run({ problemType: 'binary_classification', metrics: { auc: { min: 0.8 }, accuracy: { min: 0.7 } } }, { predictions: BINARY });
    // Assess
    expect(pass.status).toBe('pass');
    expect(pass.metrics).toEqual([{ name: 'auc', value: 8 / 9, threshold: { min: 0.8 }, passed: true }]);
    expect(messages(pass, 'info')).toEqual(['computed from predictions: 6 rows, predicted class from column "prediction", positive label 1']);
    expect(fail.status).toBe('fail');
    expect(fail.summary).toBe('accuracy is 0.6667, below min 0.7');
  });

  it('errors (never passes) when a metric the policy names is not computable, keeping the reason', async () => {
    // Prepare: nothing is predicted positive, so precision has a zero denominator.
    const data = csv('label,prediction', [
      [1, 0],
      [0, 0],
      [1, 0],
    ]);
    // Act
    const err = await rejection(
      run({ problemType: 'binary_classification', metrics: { precision: { min: 0.5 }, accuracy: { min: 0.1 } } }, { predictions: data }),
    );
    // Assess
    expect(err).toBeInstanceOf(IncompleteCheckError);
    const outcome = (err as IncompleteCheckError).outcome;
    expect(outcome.metrics[0]).toEqual({
      name: 'precision',
      value: null,
      threshold: { min: 0.5 },
      reason: 'not computable: TP + FP (no predicted positives) is 0',
      passed: null,
    });
    expect(outcome.metrics[1]).toMatchObject({ name: 'accuracy', value: 1 / 3, passed: true });
    expect(messages(outcome, 'error')).toEqual(['precision is not computable: TP + FP (no predicted positives) is 0']);
  });

  it('says a metric is absent from the computed metrics, listing those there are', async () => {
    // Act
    const err = await rejection(
      run(
        { problemType: 'regression', metrics: { rmsle: { max: 1 } } },
        {
          predictions: csv('label,prediction', [
            [1, 1],
            [2, 3],
          ]),
        },
      ),
    );
    // Assess
    expect(err.message).toBe('model quality incomplete: rmsle is absent from the metrics computed from predictions (they report: mae, mape, mse, r2, rmse)');
  });
});

// Paired data: the same labels; each model right or wrong per row by a pattern.
const pairedFiles = (n: number, candidateRight: (i: number) => boolean, championRight: (i: number) => boolean) => {
  const label = (i: number) => (i % 3 === 0 ? 1 : 0);
  const file = (right: (i: number) => boolean) =>
    csv(
      'label,prediction',
      Array.from({ length: n }, (_, i) => [label(i), right(i) ? label(i) : 1 - label(i)]),
    );
  return { candidate: file(candidateRight), champion: file(championRight) };
};

describe('model-quality from predictions: paired comparison with the champion', () => {
  // The champion is right on 85% of 200 rows. The "even trade" candidate loses 21 of those rows
  // and wins 20 of the champion's wrong ones: 0.845 vs 0.85, point worsening 0.005.
  const championRight = (i: number) => i % 20 >= 3;
  const candidateLoses = (i: number) => i % 20 === 3 || i % 20 === 4 || i === 5; // 21 of the champion's right rows
  const candidateWins = (i: number) => i % 20 < 3 && i < 122; // 20 of the champion's 30 wrong rows
  const trade = pairedFiles(200, (i) => (championRight(i) ? !candidateLoses(i) : candidateWins(i)), championRight);

  it('fails on the paired bound where the point difference would pass', async () => {
    // Prepare
    const rule = { problemType: 'binary_classification', metrics: { accuracy: { vsChampion: { maxWorsening: 0.01 } } } };
    // Act
    const paired = await run(rule, { predictions: trade.candidate }, { predictions: trade.champion });
    const point = await run({ ...rule, championComparison: 'point' }, { predictions: trade.candidate }, { predictions: trade.champion });
    // Assess
    expect(paired.metrics.find((m) => m.name === 'accuracy')).toMatchObject({ value: 0.845, champion: 0.85, passed: false });
    expect(paired.status).toBe('fail');
    expect(paired.summary).toMatch(/^accuracy is 0\.845 vs champion 0\.85: worse by at most 0\.\d+ at 95% confidence, more than maxWorsening 0\.01$/);
    expect(paired.metrics).toContainEqual({ name: 'mcnemar_p', value: expect.any(Number) });
    expect(point.status).toBe('pass');
  });

  it('passes a candidate that is right wherever the champion is and more, with McNemar informational', async () => {
    // Prepare: the candidate also gets 6 of the champion's 30 wrong rows right.
    const better = pairedFiles(200, (i) => championRight(i) || i < 40, championRight);
    // Act
    const outcome = await run(
      { problemType: 'binary_classification', metrics: { accuracy: { vsChampion: { maxWorsening: 0.01 } } } },
      { predictions: better.candidate },
      { predictions: better.champion },
    );
    // Assess: b = 6, c = 0: exact two-sided p = 2 · 0.5^6.
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics).toContainEqual({ name: 'mcnemar_p', value: 2 / 64 });
    expect(messages(outcome, 'info')).toContainEqual(
      expect.stringMatching(
        /^accuracy is 0\.88 vs champion 0\.85: better by at least 0\.\d+ at 95% confidence \(paired, same rows\), within maxWorsening 0\.01$/,
      ),
    );
    expect(messages(outcome, 'info')).toContainEqual(expect.stringContaining('the candidate alone is right on 6 rows, the champion alone on 0 (of 200)'));
  });

  it('falls back to the point difference for auc, saying so', async () => {
    // Prepare: both files have scores; identical models.
    const data = csv(
      'label,score',
      Array.from({ length: 60 }, (_, i) => [i % 2, ((i % 2) * 0.5 + (i % 10) / 20).toFixed(2)]),
    );
    // Act
    const outcome = await run(
      { problemType: 'binary_classification', metrics: { auc: { vsChampion: { maxWorsening: 0.01 } } } },
      { predictions: data },
      { predictions: data },
    );
    // Assess
    expect(outcome.status).toBe('pass');
    expect(messages(outcome, 'info')).toContainEqual(
      'auc: compared with the champion by the point difference, not a paired bound: auc is a ranking metric, not a function of fixed-size counts: the online bootstrap does not cover it',
    );
  });

  it('holds a regressor to maxRelativeWorsening by the bound', async () => {
    // Prepare: the candidate's errors are twice the champion's on every row.
    const rows = Array.from({ length: 100 }, (_, i) => i);
    const label = (i: number) => 10 + (i % 17);
    const champion = csv(
      'label,prediction',
      rows.map((i) => [label(i), label(i) + ((i % 5) - 2) * 0.1]),
    );
    const candidate = csv(
      'label,prediction',
      rows.map((i) => [label(i), label(i) + ((i % 5) - 2) * 0.2]),
    );
    // Act
    const outcome = await run(
      { problemType: 'regression', metrics: { rmse: { vsChampion: { maxRelativeWorsening: 0.05 } } } },
      { predictions: candidate },
      { predictions: champion },
    );
    // Assess
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^rmse is 0\.2828 vs champion 0\.1414: worse by at most 0\.\d+ \(\d+(\.\d+)?%\) at 95% confidence, more than maxRelativeWorsening 5%$/,
    );
  });

  it('widens the bound with a higher confidence', async () => {
    // Act
    const at = async (confidence: number) =>
      (
        await pairedQualityFromPredictions(
          predictions(trade.candidate),
          predictions(trade.champion),
          configOf({ problemType: 'binary_classification', confidence, metrics: {} }),
          signal,
        )
      ).comparison['accuracy']!.worseningBound!;
    // Assess
    expect(await at(0.99)).toBeGreaterThan(await at(0.95));
  });

  it('refuses files that are not the same rows, naming the row and the line in each file', async () => {
    // Prepare
    const champion = 'label,prediction\n1,1\n\n0,0\n1,1\n';
    const swapped = 'label,prediction\n1,1\n1,1\n0,0\n';
    const shorter = 'label,prediction\n1,1\n0,0\n';
    const rule = { problemType: 'binary_classification', metrics: { accuracy: { vsChampion: { maxWorsening: 0.01 } } } };
    // Act
    const differ = await rejection(run(rule, { predictions: swapped }, { predictions: champion }));
    const count = await rejection(run(rule, { predictions: shorter }, { predictions: champion }));
    // Assess
    expect(differ).toBeInstanceOf(DatasetError);
    expect(differ.message).toBe(
      "candidate predictions line 3: the candidate's and the champion's predictions are not the same rows: data row 2 has label 1 here but 0 in champion (version 1) predictions (line 4); the paired comparison needs both models scored on the same rows in the same order (or championComparison: point)",
    );
    expect(count.message).toBe(
      "champion (version 1) predictions line 5: the candidate's and the champion's predictions are not the same rows: candidate predictions has 2 rows, champion (version 1) predictions has more (its data row 3 (line 5) has no partner); the paired comparison needs both models scored on the same rows in the same order (or championComparison: point)",
    );
  });

  it('errors when championComparison is paired but the champion has a statistics report', async () => {
    // Prepare
    const input: CheckInput = {
      ...checkInput({ predictions: BINARY }),
      champion: checkSubject({ 'model-quality-statistics': { binary_classification_metrics: { accuracy: { value: 0.7 } } } }, testPackage('credit-risk', 1)),
    };
    // Act
    const err = await rejection(
      modelQuality.run(
        input,
        configOf({ problemType: 'binary_classification', championComparison: 'paired', metrics: { accuracy: { vsChampion: { maxWorsening: 0.01 } } } }),
        testContext(),
      ),
    );
    // Assess
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toContain(
      'championComparison is paired, but the champion (version 1) has model-quality-statistics (used instead of its predictions) and the champion (version 1) has no predictions dataset',
    );
  });

  it('compares by the point difference with a champion computed from predictions when the candidate has a report', async () => {
    // Act
    const outcome = await run(
      { problemType: 'binary_classification', metrics: { accuracy: { vsChampion: { maxWorsening: 0.01 } } } },
      { 'model-quality-statistics': { binary_classification_metrics: { accuracy: { value: 0.6 } } } },
      { predictions: BINARY },
    );
    // Assess: the champion's accuracy is 4/6 from its predictions.
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('accuracy is 0.6, worse than the champion (0.6667) by 0.0667, more than maxWorsening 0.01');
    expect(messages(outcome, 'info')).toContain(
      'computed from champion (version 1) predictions: 6 rows, predicted class from column "prediction", positive label 1',
    );
  });
});
