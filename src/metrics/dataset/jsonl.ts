/**
 * JSON Lines: one JSON object per line, parsed from bytes. Only the top-level keys that were asked
 * for are converted; other values (nested objects and arrays included) are skipped in place.
 */
import { BatchBuilder, SPAN_JSON_ESCAPED, SPAN_NULL, SPAN_PLAIN } from './batch-builder.js';
import { decodeUtf8 } from './bytes.js';
import type { RowParser } from './csv.js';
import { DatasetError } from './errors.js';
import { resolveColumns } from './resolve.js';
import type { ColumnBatch, ColumnSpec } from './types.js';

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN = 123;
const CLOSE = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const encoder = new TextEncoder();

const isSpace = (c: number | undefined): boolean => c === SPACE || c === TAB || c === CR || c === LF;

export class JsonlParser implements RowParser {
  private carry: Uint8Array | null = null;
  private line = 1;
  private builder: BatchBuilder | null = null;
  private names: Uint8Array[] = [];
  private seen = new Int32Array(0);
  private dataRows = 0;
  private first = true;

  constructor(
    private readonly specs: readonly ColumnSpec[],
    private readonly batchRows: number,
    private readonly source: string,
    private readonly maxRowBytes: number,
  ) {}

  push(chunk: Uint8Array, out: ColumnBatch[]): void {
    let buf = chunk;
    if (this.carry) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry);
      buf.set(chunk, this.carry.length);
      this.carry = null;
    }
    this.parse(buf, false, out);
  }

  end(out: ColumnBatch[]): void {
    const buf = this.carry ?? new Uint8Array(0);
    this.carry = null;
    this.parse(buf, true, out);
    if (this.dataRows === 0) throw new DatasetError(this.source, 'is empty; expected one JSON object per line');
    const last = this.builder!.take();
    if (last) out.push(last);
  }

  private parse(buf: Uint8Array, final: boolean, out: ColumnBatch[]): void {
    let p = 0;
    const n = buf.length;
    if (this.first) {
      if (n < 3 && !final) return void (this.carry = buf.slice());
      if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) p = 3;
      this.first = false;
    }
    while (p < n) {
      let lineEnd = buf.indexOf(LF, p);
      if (lineEnd < 0) {
        if (!final) break;
        lineEnd = n;
      }
      let q = p;
      while (q < lineEnd && isSpace(buf[q])) q++;
      if (q < lineEnd) {
        if (!this.builder) this.prepare(buf, q, lineEnd);
        this.parseObject(buf, q, lineEnd);
        const b = this.builder!;
        b.commit(buf, this.line);
        this.dataRows++;
        if (b.full) out.push(b.take()!);
      }
      this.line++;
      p = lineEnd + 1;
    }
    if (p < n) {
      if (n - p > this.maxRowBytes) throw new DatasetError(this.source, `a line is longer than ${this.maxRowBytes} bytes`, { line: this.line });
      this.carry = buf.slice(p);
    }
  }

  /** The first row decides which optional columns exist. */
  private prepare(buf: Uint8Array, p: number, end: number): void {
    const keys: string[] = [];
    this.walk(buf, p, end, keys);
    const resolved = resolveColumns(this.specs, keys, this.source, this.line);
    this.names = resolved.wantedField.map((f) => encoder.encode(keys[f]!));
    this.seen = new Int32Array(this.names.length).fill(-1);
    this.builder = new BatchBuilder(this.specs, resolved.slotField, this.names.length, this.batchRows, this.source);
  }

  private parseObject(buf: Uint8Array, p: number, end: number): void {
    const row = this.dataRows;
    this.walk(buf, p, end, null);
    for (let k = 0; k < this.names.length; k++) {
      if (this.seen[k] !== row) {
        throw new DatasetError(this.source, 'missing from this row; expected in every row once the first row has it', {
          line: this.line,
          column: decodeUtf8(this.names[k]!, 0, this.names[k]!.length),
        });
      }
    }
  }

  private keyOrdinal(buf: Uint8Array, ks: number, ke: number, escaped: boolean): number {
    const names = this.names;
    if (escaped) {
      const key = encoder.encode(JSON.parse(decodeUtf8(buf, ks - 1, ke + 1)) as string);
      return this.keyOrdinal(key, 0, key.length, false);
    }
    const len = ke - ks;
    outer: for (let k = 0; k < names.length; k++) {
      const name = names[k]!;
      if (name.length !== len) continue;
      for (let i = 0; i < len; i++) if (name[i] !== buf[ks + i]) continue outer;
      return k;
    }
    return -1;
  }

  private fail(message: string): never {
    throw new DatasetError(this.source, message, { line: this.line });
  }

  /**
   * Walks the top-level members of the object at `buf[p, end)`: with `keys`, collects the key
   * names; without, records the spans of wanted values in the builder.
   */
  private walk(buf: Uint8Array, p: number, end: number, keys: string[] | null): void {
    if (buf[p] !== OPEN) this.fail('expected a JSON object on this line');
    p++;
    for (;;) {
      while (p < end && isSpace(buf[p])) p++;
      if (buf[p] === CLOSE && p < end) {
        p++;
        break;
      }
      if (p >= end || buf[p] !== QUOTE) this.fail('expected a quoted key in the JSON object');
      const ks = p + 1;
      p = this.stringEnd(buf, ks, end);
      let k = -1;
      if (keys) keys.push(this.escaped ? (JSON.parse(decodeUtf8(buf, ks - 1, p + 1)) as string) : decodeUtf8(buf, ks, p));
      else k = this.keyOrdinal(buf, ks, p, this.escaped);
      p++;
      while (p < end && isSpace(buf[p])) p++;
      if (buf[p] !== COLON || p >= end) this.fail('expected ":" after a key');
      p++;
      while (p < end && isSpace(buf[p])) p++;
      const c = buf[p];
      if (p >= end) this.fail('expected a value after ":"');
      if (c === QUOTE) {
        const s = p + 1;
        p = this.stringEnd(buf, s, end);
        if (k >= 0) this.record(k, s, p, this.escaped ? SPAN_JSON_ESCAPED : SPAN_PLAIN);
        p++;
      } else if (c === OPEN || c === OPEN_ARRAY) {
        if (k >= 0) {
          const what = c === OPEN ? 'an object' : 'an array';
          throw new DatasetError(this.source, `is ${what}; expected a number or a string`, {
            line: this.line,
            column: decodeUtf8(this.names[k]!, 0, this.names[k]!.length),
          });
        }
        p = this.skipNested(buf, p, end);
      } else {
        const s = p;
        while (p < end && buf[p] !== COMMA && buf[p] !== CLOSE && !isSpace(buf[p])) p++;
        if (k >= 0) {
          const isNull = p - s === 4 && buf[s] === 110 && buf[s + 1] === 117 && buf[s + 2] === 108 && buf[s + 3] === 108;
          this.record(k, s, p, isNull ? SPAN_NULL : SPAN_PLAIN);
        }
      }
      while (p < end && isSpace(buf[p])) p++;
      if (p < end && buf[p] === COMMA) {
        p++;
        continue;
      }
      if (p < end && buf[p] === CLOSE) {
        p++;
        break;
      }
      this.fail('expected "," or "}" in the JSON object');
    }
    while (p < end && isSpace(buf[p])) p++;
    if (p < end) this.fail('unexpected text after the JSON object; expected one object per line');
  }

  private escaped = false;

  private record(k: number, s: number, e: number, flag: number): void {
    const b = this.builder!;
    b.start[k] = s;
    b.end[k] = e;
    b.flag[k] = flag;
    this.seen[k] = this.dataRows;
  }

  /** The index of the quote closing the string whose body starts at `p`; sets `escaped`. */
  private stringEnd(buf: Uint8Array, p: number, end: number): number {
    let escaped = false;
    while (p < end) {
      const c = buf[p];
      if (c === QUOTE) {
        this.escaped = escaped;
        return p;
      }
      if (c === BACKSLASH) {
        escaped = true;
        p += 2;
      } else p++;
    }
    return this.fail('a string is not closed on this line');
  }

  private skipNested(buf: Uint8Array, p: number, end: number): number {
    let depth = 0;
    while (p < end) {
      const c = buf[p];
      if (c === QUOTE) p = this.stringEnd(buf, p + 1, end);
      else if (c === OPEN || c === OPEN_ARRAY) depth++;
      else if (c === CLOSE || c === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return p + 1;
      }
      p++;
    }
    return this.fail('an object or array is not closed on this line');
  }
}
