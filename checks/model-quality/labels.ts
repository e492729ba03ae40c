/**
 * Class values as a predictions dataset writes them (`1`, `"1.0"`, `yes`, `true`) turned into the
 * numbers the quality accumulators take. One vocabulary is shared by the label and prediction
 * columns — and, in a paired comparison, by both models' files — so the same class gets the same
 * code everywhere and labels can be compared row by row.
 */
import type { CategoryColumn } from '../../src/metrics/dataset/index.js';

/** The label value of the positive class as a policy writes it (default 1). */
export type LabelValue = string | number | boolean;

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * The one spelling of a class value: two numerals with the same number are one class (`1`, `1.0`,
 * ` 1 `), `true`/`false` in any letter case are one class each, any other text is itself. The
 * bias check compares a positive label with dataset values the same way.
 */
export const canonicalLabel = (text: string): string => {
  if (NUMERIC.test(text)) return String(Number(text));
  const lower = text.trim().toLowerCase();
  return lower === 'true' || lower === 'false' ? lower : text;
};

/** Distinct class values seen in a read, each with a small integer code. */
export class LabelVocabulary {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [];
  private readonly positive: boolean[] = [];
  private readonly positiveText: string;

  constructor(positiveLabel: LabelValue) {
    this.positiveText = canonicalLabel(String(positiveLabel));
  }

  /** The code of `text`, added when new. */
  code(text: string): number {
    const key = canonicalLabel(text);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.texts.length;
      this.ids.set(key, id);
      this.texts.push(key);
      this.positive.push(key === this.positiveText);
    }
    return id;
  }

  /** The canonical text of a code, for messages. */
  text(id: number): string {
    return this.texts[id] ?? `#${id}`;
  }

  isPositive(id: number): boolean {
    return this.positive[id] === true;
  }

  get positiveLabel(): string {
    return this.positiveText;
  }

  /** A canonical value for a message: numerals bare (`1`), text quoted (`"yes"`). */
  describe(text: string): string {
    return NUMERIC.test(text) ? text : JSON.stringify(text);
  }
}

/**
 * Maps one category column's dictionary codes to vocabulary codes. The reader's dictionary only
 * grows, so the map is extended, never rebuilt; the distinct values a column showed are tracked so
 * that "binary" can be checked (at most two classes).
 */
export class ColumnCodes {
  private map = new Int32Array(16);
  private mapped = 0;
  /** Vocabulary codes this column has produced, in order of first appearance. */
  readonly seen: number[] = [];

  constructor(private readonly vocabulary: LabelVocabulary) {}

  /** The vocabulary code of each row of `column`, written into `out`. */
  convert(column: CategoryColumn, rows: number, out: Float64Array): void {
    const dict = column.dictionary;
    if (dict.length > this.mapped) {
      if (dict.length > this.map.length) {
        const bigger = new Int32Array(Math.max(dict.length, this.map.length * 2));
        bigger.set(this.map);
        this.map = bigger;
      }
      for (let d = this.mapped; d < dict.length; d++) {
        const id = this.vocabulary.code(dict[d]!);
        this.map[d] = id;
        if (!this.seen.includes(id)) this.seen.push(id);
      }
      this.mapped = dict.length;
    }
    const codes = column.codes;
    const map = this.map;
    for (let i = 0; i < rows; i++) out[i] = map[codes[i]!]!;
  }

  /** The values seen, quoted, for messages (at most 10). */
  describe(): string {
    const shown = this.seen
      .slice(0, 10)
      .map((id) => this.vocabulary.describe(this.vocabulary.text(id)))
      .join(', ');
    return this.seen.length > 10 ? `${shown}, ... (${this.seen.length} in all)` : shown || 'none';
  }
}
