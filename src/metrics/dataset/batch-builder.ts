/**
 * Turns the field spans a format parser found in one row into typed column values, and packs rows
 * into batches. Shared by the CSV and JSON Lines parsers so both convert values the same way.
 */
import { ByteDictionary, TooManyValuesError, decodeUtf8, parseNumberBytes } from './bytes.js';
import { DatasetError } from './errors.js';
import type { ColumnBatch, ColumnSpec } from './types.js';

/** How the bytes of a span are to be read. */
export const SPAN_PLAIN = 0;
/** A CSV field that was quoted and contains doubled quotes (`""`) to unescape. */
export const SPAN_CSV_ESCAPED = 1;
/** A JSON string body with backslash escapes. */
export const SPAN_JSON_ESCAPED = 2;
/** A JSON `null`. */
export const SPAN_NULL = 3;

/** How the CSV parser treats a wanted field (BatchBuilder.fieldKind). */
export const FIELD_GENERIC = 0;
export const FIELD_NUMBER = 1;
export const FIELD_CATEGORY = 2;

const encoder = new TextEncoder();

/**
 * Receives one row at a time as spans (`start`, `end`, `flag` per wanted field ordinal) and writes
 * the requested columns. `slotField[i]` is the wanted-field ordinal feeding ColumnSpec `i`, or -1
 * when that optional column is absent.
 */
export class BatchBuilder {
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly flag: Uint8Array;
  private rows = 0;
  private firstLine = 0;
  private numbers: (Float64Array | null)[] = [];
  private codes: (Int32Array | null)[] = [];
  private readonly dictionaries: (ByteDictionary | null)[];
  private scratch = new Uint8Array(256);
  /**
   * Per wanted field: FIELD_NUMBER or FIELD_CATEGORY when exactly one column of that kind reads
   * it (the CSV parser then converts while it scans), else FIELD_GENERIC.
   */
  readonly fieldKind: Uint8Array;
  /** Per wanted field of kind FIELD_NUMBER: this batch's values. Replaced by take(). */
  fieldNumbers: (Float64Array | null)[] = [];
  /** Per wanted field of kind FIELD_CATEGORY: this batch's codes and the dictionary. */
  fieldCodes: (Int32Array | null)[] = [];
  readonly fieldDictionaries: (ByteDictionary | null)[];
  /** Per FIELD_CATEGORY field: a direct-mapped cache of short values (packed bytes → code), 256 slots. */
  readonly fieldCacheKeys: (Int32Array | null)[];
  readonly fieldCacheCodes: (Int32Array | null)[];
  private readonly fieldSlots: number[][];

  constructor(
    private readonly specs: readonly ColumnSpec[],
    private readonly slotField: Int32Array,
    wantedFields: number,
    private readonly batchRows: number,
    private readonly source: string,
  ) {
    this.start = new Int32Array(wantedFields);
    this.end = new Int32Array(wantedFields);
    this.flag = new Uint8Array(wantedFields);
    this.dictionaries = specs.map((s, i) => (s.kind === 'category' && slotField[i]! >= 0 ? new ByteDictionary(s.maxDistinct ?? 100_000) : null));
    this.fieldSlots = Array.from({ length: wantedFields }, () => [] as number[]);
    specs.forEach((_, i) => {
      if (slotField[i]! >= 0) this.fieldSlots[slotField[i]!]!.push(i);
    });
    this.fieldKind = Uint8Array.from(this.fieldSlots, (slots) =>
      slots.length !== 1 ? FIELD_GENERIC : specs[slots[0]!]!.kind === 'number' ? FIELD_NUMBER : FIELD_CATEGORY,
    );
    this.fieldDictionaries = this.fieldSlots.map((slots, k) => (this.fieldKind[k] === FIELD_CATEGORY ? this.dictionaries[slots[0]!]! : null));
    this.fieldCacheKeys = this.fieldSlots.map((_, k) => (this.fieldKind[k] === FIELD_CATEGORY ? new Int32Array(256).fill(-1) : null));
    this.fieldCacheCodes = this.fieldSlots.map((_, k) => (this.fieldKind[k] === FIELD_CATEGORY ? new Int32Array(256) : null));
    this.allocate();
  }

  private allocate(): void {
    const n = this.batchRows;
    this.numbers = this.specs.map((s, i) => (s.kind === 'number' && this.slotField[i]! >= 0 ? new Float64Array(n) : null));
    this.codes = this.specs.map((s, i) => (s.kind === 'category' && this.slotField[i]! >= 0 ? new Int32Array(n) : null));
    this.fieldNumbers = this.fieldSlots.map((slots, k) => (this.fieldKind[k] === FIELD_NUMBER ? this.numbers[slots[0]!]! : null));
    this.fieldCodes = this.fieldSlots.map((slots, k) => (this.fieldKind[k] === FIELD_CATEGORY ? this.codes[slots[0]!]! : null));
    this.rows = 0;
  }

  /** The index the row being parsed will take. */
  get row(): number {
    return this.rows;
  }

  /** Closes the row whose fields were written with the field methods. */
  endRow(line: number): void {
    if (this.rows === 0) this.firstLine = line;
    this.rows++;
  }

  /** Parses the number in a span the fast path could not take, or throws naming line and column. */
  numberAt(k: number, buf: Uint8Array, s: number, e: number, line: number): number {
    const v = parseNumberBytes(buf, s, e);
    if (v !== v) throw this.notANumber(buf, s, e, line, this.specs[this.fieldSlots[k]![0]!]!.name);
    return v;
  }

  /** Converts one field (any span flag) into every column that reads it, at the current row. */
  convertField(k: number, buf: Uint8Array, s: number, e: number, flag: number, line: number): void {
    const r = this.rows;
    for (const i of this.fieldSlots[k]!) this.convert(i, r, buf, s, e, flag, line);
  }

  /** The code of a category value, with errors that name the line and column. */
  codeAt(k: number, buf: Uint8Array, s: number, e: number, h: number, line: number): number {
    try {
      return this.fieldDictionaries[k]!.codeHashed(buf, s, e, h);
    } catch (err) {
      throw this.tooMany(err, line, this.specs[this.fieldSlots[k]![0]!]!.name);
    }
  }

  private tooMany(err: unknown, line: number, column: string): unknown {
    if (err instanceof TooManyValuesError) {
      return new DatasetError(this.source, `${err.message}; expected a categorical column (raise maxDistinct if this is intended)`, { line, column });
    }
    return err;
  }

  get full(): boolean {
    return this.rows >= this.batchRows;
  }

  /** Converts the spans recorded in `start`/`end`/`flag` into row values. `line` is where the row starts. */
  commit(buf: Uint8Array, line: number): void {
    const r = this.rows;
    for (let i = 0; i < this.specs.length; i++) {
      const k = this.slotField[i]!;
      if (k >= 0) this.convert(i, r, buf, this.start[k]!, this.end[k]!, this.flag[k]!, line);
    }
    this.endRow(line);
  }

  private convert(i: number, r: number, buf: Uint8Array, s: number, e: number, flag: number, line: number): void {
    const spec = this.specs[i]!;
    if (flag === SPAN_NULL)
      throw new DatasetError(this.source, `null; expected ${spec.kind === 'number' ? 'a number' : 'a value'}`, { line, column: spec.name });
    let b = buf;
    if (flag !== SPAN_PLAIN) {
      e = this.unescape(buf, s, e, flag, line, spec.name);
      s = 0;
      b = this.scratch;
    }
    const values = this.numbers[i];
    if (values) {
      const v = parseNumberBytes(b, s, e);
      if (v !== v) throw this.notANumber(b, s, e, line, spec.name);
      values[r] = v;
      return;
    }
    try {
      this.codes[i]![r] = this.dictionaries[i]!.code(b, s, e);
    } catch (err) {
      throw this.tooMany(err, line, spec.name);
    }
  }

  private notANumber(b: Uint8Array, s: number, e: number, line: number, column: string): DatasetError {
    // The cell is file content: say what it is like, not what it says.
    const text = decodeUtf8(b, s, e);
    return new DatasetError(
      this.source,
      text.trim() === '' ? 'is empty; expected a number' : `a text of ${text.length} character${text.length === 1 ? '' : 's'} is not a number`,
      { line, column },
    );
  }

  /** Writes the unescaped bytes of a span into `scratch`; returns their length. */
  private unescape(buf: Uint8Array, s: number, e: number, flag: number, line: number, column: string): number {
    if (flag === SPAN_CSV_ESCAPED) {
      this.ensureScratch(e - s);
      let o = 0;
      for (let i = s; i < e; i++) {
        const c = buf[i]!;
        this.scratch[o++] = c;
        if (c === 34 && buf[i + 1] === 34) i++;
      }
      return o;
    }
    let text: string;
    try {
      text = JSON.parse(decodeUtf8(buf, s - 1, e + 1)) as string;
    } catch {
      throw new DatasetError(this.source, 'a string with an invalid escape sequence', { line, column });
    }
    this.ensureScratch(text.length * 3);
    return encoder.encodeInto(text, this.scratch).written;
  }

  private ensureScratch(n: number): void {
    if (this.scratch.length < n) this.scratch = new Uint8Array(Math.max(n, this.scratch.length * 2));
  }

  /** The rows collected so far as a batch (or `null` when there are none), and a fresh batch. */
  take(): ColumnBatch | null {
    if (this.rows === 0) return null;
    const rows = this.rows;
    const batch: ColumnBatch = {
      rows,
      firstLine: this.firstLine,
      columns: this.specs.map((spec, i) => {
        const v = this.numbers[i];
        if (v) return { kind: 'number' as const, name: spec.name, values: rows === v.length ? v : v.subarray(0, rows) };
        const c = this.codes[i];
        if (c)
          return { kind: 'category' as const, name: spec.name, codes: rows === c.length ? c : c.subarray(0, rows), dictionary: this.dictionaries[i]!.values };
        return null;
      }),
    };
    this.allocate();
    return batch;
  }
}
