/**
 * RFC 4180 CSV, parsed from bytes in one pass: a header row, `,` separators, `"` quoting with `""`
 * for a quote, LF or CRLF line ends (a quoted field may span lines). Only the requested fields are
 * converted; the others are skipped byte by byte without building strings.
 */
import { BatchBuilder, FIELD_CATEGORY, FIELD_NUMBER, SPAN_CSV_ESCAPED, SPAN_PLAIN } from './batch-builder.js';
import { POW10_EXACT, decodeUtf8, hashBytes } from './bytes.js';
import { DatasetError } from './errors.js';
import { resolveColumns } from './resolve.js';
import type { ColumnBatch, ColumnSpec } from './types.js';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
/** parseRow's answer when the buffer ends before the row does. */
const INCOMPLETE = -1;

export interface RowParser {
  /** Parses the complete rows of `chunk`, appending full batches to `out`. */
  push(chunk: Uint8Array, out: ColumnBatch[]): void;
  /** Parses what is left at end of input and appends the last batch. */
  end(out: ColumnBatch[]): void;
}

export class CsvParser implements RowParser {
  private carry: Uint8Array | null = null;
  /** The line on which the next unparsed byte lies. */
  private line = 1;
  private header: string[] | null = null;
  private fieldWanted: Int32Array = new Int32Array(0);
  private builder: BatchBuilder | null = null;
  private dataRows = 0;
  private first = true;
  /** LF bytes consumed by the last parseRow (quoted newlines and the terminator). */
  private rowLines = 0;

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
    if (!this.header) throw new DatasetError(this.source, 'is empty; expected a CSV header row and data rows');
    if (this.dataRows === 0) throw new DatasetError(this.source, 'has a header row but no data rows');
    const last = this.builder!.take();
    if (last) out.push(last);
  }

  private parse(buf: Uint8Array, final: boolean, out: ColumnBatch[]): void {
    let p = 0;
    const n = buf.length;
    if (this.first) {
      // Wait for three bytes to tell a UTF-8 byte-order mark from data.
      if (n < 3 && !final) return void (this.carry = buf.slice());
      if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) p = 3;
      this.first = false;
    }
    while (p < n) {
      const c = buf[p];
      // Blank lines carry no row.
      if (c === LF) {
        p++;
        this.line++;
        continue;
      }
      if (c === CR && p + 1 < n && buf[p + 1] === LF) {
        p += 2;
        this.line++;
        continue;
      }
      if (c === CR && p + 1 >= n && !final) break;
      if (!this.header) {
        const next = this.parseHeader(buf, p, final);
        if (next === INCOMPLETE) break;
        this.line += this.rowLines;
        p = next;
        continue;
      }
      const next = this.parseRow(buf, p, final);
      if (next === INCOMPLETE) break;
      const b = this.builder!;
      b.endRow(this.line);
      this.dataRows++;
      if (b.full) out.push(b.take()!);
      this.line += this.rowLines;
      p = next;
    }
    if (p < n) {
      if (n - p > this.maxRowBytes) {
        throw new DatasetError(this.source, `a row is longer than ${this.maxRowBytes} bytes (an unterminated quote?)`, { line: this.line });
      }
      this.carry = buf.slice(p);
    }
  }

  /** Reads the header record; returns where it ends (or INCOMPLETE). */
  private parseHeader(buf: Uint8Array, p: number, final: boolean): number {
    const fields: string[] = [];
    const lines = this.line;
    const next = splitRecord(buf, p, final, fields, this.source, lines, (l) => (this.rowLines = l));
    if (next === INCOMPLETE) return INCOMPLETE;
    this.header = fields.map((f) => f.trim());
    const resolved = resolveColumns(this.specs, this.header, this.source, this.line);
    this.fieldWanted = resolved.fieldWanted;
    this.builder = new BatchBuilder(this.specs, resolved.slotField, resolved.wantedField.length, this.batchRows, this.source);
    return next;
  }

  /**
   * Parses the row starting at `p`, converting wanted fields as it scans them: numbers are
   * accumulated digit by digit and categories hashed byte by byte, so a plain field's bytes are
   * read once. Quoted fields and unusual numbers take the general path. Returns the index after
   * the row's line end, or INCOMPLETE (the row is then parsed again from its start, with more bytes).
   */
  private parseRow(buf: Uint8Array, p: number, final: boolean): number {
    const n = buf.length;
    const wanted = this.fieldWanted;
    const width = wanted.length;
    const b = this.builder!;
    const kinds = b.fieldKind;
    const nums = b.fieldNumbers;
    const cats = b.fieldCodes;
    const r = b.row;
    let lines = 0;
    let f = 0;
    for (;;) {
      const k = f < width ? wanted[f]! : -1;
      let s = p;
      let e: number;
      if (p < n && buf[p] === QUOTE) {
        let fl = SPAN_PLAIN;
        p++;
        s = p;
        for (;;) {
          if (p >= n) {
            if (!final) return INCOMPLETE;
            throw new DatasetError(this.source, 'a quoted field is not closed before the end of the file', { line: this.line, column: this.columnName(f) });
          }
          const c = buf[p]!;
          if (c === QUOTE) {
            if (p + 1 >= n && !final) return INCOMPLETE;
            if (buf[p + 1] === QUOTE) {
              fl = SPAN_CSV_ESCAPED;
              p += 2;
              continue;
            }
            break;
          }
          if (c === LF) lines++;
          p++;
        }
        e = p;
        p++;
        if (p < n && buf[p] === CR) {
          if (p + 1 >= n) {
            if (!final) return INCOMPLETE;
            p++;
          } else if (buf[p + 1] === LF) p++;
        }
        if (p < n && buf[p] !== COMMA && buf[p] !== LF) {
          throw new DatasetError(this.source, `unexpected ${JSON.stringify(String.fromCharCode(buf[p]!))} after a closing quote; expected "," or a line end`, {
            line: this.line + lines,
            column: this.columnName(f),
          });
        }
        if (k >= 0) b.convertField(k, buf, s, e, fl, this.line + lines);
      } else if (k < 0) {
        while (p < n) {
          const c = buf[p];
          if (c === COMMA || c === LF) break;
          p++;
        }
        if (p >= n && !final) return INCOMPLETE;
      } else {
        const kind = kinds[k];
        if (kind === FIELD_NUMBER) {
          let neg = false;
          let mant = 0;
          let digits = 0;
          let frac = 0;
          let dot = false;
          if (p < n && buf[p] === 45 /* - */) {
            neg = true;
            p++;
          }
          for (; p < n; p++) {
            const d = buf[p]! - 48;
            if (d >= 0 && d <= 9) {
              mant = mant * 10 + d;
              digits++;
              if (dot) frac++;
            } else if (d === -2 /* . */ && !dot) dot = true;
            else break;
          }
          let simple = true;
          if (p < n && buf[p] !== COMMA && buf[p] !== LF) {
            simple = false;
            while (p < n && buf[p] !== COMMA && buf[p] !== LF) p++;
          }
          if (p >= n && !final) return INCOMPLETE;
          e = p;
          if (e > s && buf[e - 1] === CR && (p >= n || buf[p] === LF)) e--;
          if (simple && digits > 0 && digits <= 15) {
            // Exact mantissa, one correctly rounded division: equal to Number(text).
            const v = frac === 0 ? mant : mant / POW10_EXACT[frac]!;
            nums[k]![r] = neg ? -v : v;
          } else {
            nums[k]![r] = b.numberAt(k, buf, s, e, this.line + lines);
          }
        } else if (kind === FIELD_CATEGORY) {
          // The last bytes packed into an int: for values of ≤ 3 bytes (labels, flags, short
          // codes) a direct-mapped cache answers without touching the dictionary.
          let key = 0;
          while (p < n) {
            const c = buf[p]!;
            if (c === COMMA || c === LF) break;
            key = (key << 8) | c;
            p++;
          }
          if (p >= n && !final) return INCOMPLETE;
          e = p;
          if (e > s && buf[e - 1] === CR && (p >= n || buf[p] === LF)) {
            e--;
            key >>>= 8;
          }
          const len = e - s;
          if (len <= 3) {
            const packed = (len << 24) | key;
            const slot = Math.imul(packed, 0x9e3779b1) >>> 24;
            const cacheKeys = b.fieldCacheKeys[k]!;
            if (cacheKeys[slot] === packed) cats[k]![r] = b.fieldCacheCodes[k]![slot]!;
            else {
              const code = b.codeAt(k, buf, s, e, hashBytes(buf, s, e), this.line + lines);
              cacheKeys[slot] = packed;
              b.fieldCacheCodes[k]![slot] = code;
              cats[k]![r] = code;
            }
          } else {
            cats[k]![r] = b.codeAt(k, buf, s, e, hashBytes(buf, s, e), this.line + lines);
          }
        } else {
          while (p < n) {
            const c = buf[p];
            if (c === COMMA || c === LF) break;
            p++;
          }
          if (p >= n && !final) return INCOMPLETE;
          e = p;
          if (e > s && buf[e - 1] === CR && (p >= n || buf[p] === LF)) e--;
          b.convertField(k, buf, s, e, SPAN_PLAIN, this.line + lines);
        }
      }
      f++;
      if (p >= n) break;
      if (buf[p] === COMMA) {
        p++;
        continue;
      }
      p++;
      lines++;
      break;
    }
    if (f !== width) {
      throw new DatasetError(this.source, `the row has ${f} field${f === 1 ? '' : 's'}; expected ${width} as in the header`, { line: this.line });
    }
    this.rowLines = lines;
    return p;
  }

  private columnName(f: number): string {
    return this.header?.[f] ?? `#${f + 1}`;
  }
}

/**
 * Splits one record into strings (the slow, allocating path: the header, and the floor reader's
 * tests). Returns the index after the record, or INCOMPLETE.
 */
export const splitRecord = (
  buf: Uint8Array,
  p: number,
  final: boolean,
  fields: string[],
  source: string,
  line: number,
  setLines: (lines: number) => void,
): number => {
  const n = buf.length;
  let lines = 0;
  for (;;) {
    if (p < n && buf[p] === QUOTE) {
      let text = '';
      let s = ++p;
      for (;;) {
        if (p >= n) {
          if (!final) return INCOMPLETE;
          throw new DatasetError(source, 'a quoted field is not closed before the end of the file', { line });
        }
        if (buf[p] === QUOTE) {
          if (p + 1 >= n && !final) return INCOMPLETE;
          if (buf[p + 1] !== QUOTE) break;
          text += decodeUtf8(buf, s, p + 1);
          p += 2;
          s = p;
          continue;
        }
        if (buf[p] === LF) lines++;
        p++;
      }
      fields.push(text + decodeUtf8(buf, s, p));
      p++;
      if (p < n && buf[p] === CR) {
        if (p + 1 >= n) {
          if (!final) return INCOMPLETE;
          p++;
        } else if (buf[p + 1] === LF) p++;
      }
      if (p < n && buf[p] !== COMMA && buf[p] !== LF) {
        throw new DatasetError(source, `unexpected ${JSON.stringify(String.fromCharCode(buf[p]!))} after a closing quote; expected "," or a line end`, {
          line: line + lines,
        });
      }
    } else {
      const s = p;
      while (p < n && buf[p] !== COMMA && buf[p] !== LF) p++;
      if (p >= n && !final) return INCOMPLETE;
      let e = p;
      if (e > s && buf[e - 1] === CR && (p >= n || buf[p] === LF)) e--;
      fields.push(decodeUtf8(buf, s, e));
    }
    if (p >= n) break;
    if (buf[p] === COMMA) {
      p++;
      continue;
    }
    p++;
    lines++;
    break;
  }
  setLines(lines);
  return p;
};
