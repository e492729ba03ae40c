/**
 * The streaming entry point: bytes in (already decompressed by the evidence layer), batches of the
 * requested columns out. One pass, memory bounded by one chunk, one row and one batch.
 */
import { CsvParser, type RowParser } from './csv.js';
import { DatasetError } from './errors.js';
import { JsonlParser } from './jsonl.js';
import type { ColumnBatch, DatasetFormat, ReadColumnsOptions } from './types.js';

/** Rows per batch unless asked otherwise: large enough to amortise, small enough to stay in cache. */
export const DEFAULT_BATCH_ROWS = 65_536;
const DEFAULT_MAX_ROW_BYTES = 16 * 1024 * 1024;

/** The format a file name suggests (`.csv`, `.jsonl`, `.ndjson`, `.json`, optionally `.gz`), else `auto`. */
export const formatFromName = (name: string): DatasetFormat => {
  const base = name
    .toLowerCase()
    .replace(/[?#].*$/, '')
    .replace(/\.gz$/, '');
  if (base.endsWith('.csv')) return 'csv';
  if (base.endsWith('.jsonl') || base.endsWith('.ndjson') || base.endsWith('.json')) return 'jsonl';
  return 'auto';
};

/** `jsonl` when the first byte that is not a BOM or white space is `{`, else `csv`; `null` when all bytes so far are blank. */
const sniff = (chunks: Uint8Array[]): 'csv' | 'jsonl' | null => {
  let offset = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++, offset++) {
      const c = chunk[i]!;
      if (offset < 3 && (c === 0xef || c === 0xbb || c === 0xbf)) continue;
      if (c === 32 || c === 9 || c === 10 || c === 13) continue;
      return c === 123 ? 'jsonl' : 'csv';
    }
  }
  return null;
};

const abortError = (signal: AbortSignal): unknown => signal.reason ?? new Error('the read was aborted');

/**
 * Reads the requested columns of a CSV or JSON Lines dataset as batches of typed arrays.
 *
 * @example
 * ```ts
 * for await (const batch of readColumns(evidence.stream(), {
 *   sourceName: 'predictions.csv',
 *   columns: [{ name: 'label', kind: 'category' }, { name: 'score', kind: 'number' }],
 * })) {
 *   const labels = batch.columns[0] as CategoryColumn;
 *   const scores = batch.columns[1] as NumberColumn;
 *   for (let i = 0; i < batch.rows; i++) use(labels.dictionary[labels.codes[i]!], scores.values[i]);
 * }
 * ```
 * @throws DatasetError naming the file, line and column of the first problem; a missing column
 * names the columns found; an empty file or a header without rows is an error.
 */
export async function* readColumns(source: AsyncIterable<Uint8Array>, options: ReadColumnsOptions): AsyncGenerator<ColumnBatch> {
  const name = options.sourceName ?? 'dataset';
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const maxRowBytes = options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new RangeError(`batchRows must be a positive integer, got ${batchRows}`);
  const signal = options.signal;
  let format = options.format ?? 'auto';
  let parser: RowParser | null = null;
  const pending: Uint8Array[] = [];
  const out: ColumnBatch[] = [];
  const create = (f: 'csv' | 'jsonl'): RowParser =>
    f === 'csv' ? new CsvParser(options.columns, batchRows, name, maxRowBytes) : new JsonlParser(options.columns, batchRows, name, maxRowBytes);

  for await (const chunk of source) {
    if (signal?.aborted) throw abortError(signal);
    if (!parser) {
      pending.push(chunk);
      if (format === 'auto') {
        const sniffed = sniff(pending);
        if (!sniffed) continue;
        format = sniffed;
      }
      parser = create(format);
      for (const c of pending.splice(0)) parser.push(c, out);
    } else {
      parser.push(chunk, out);
    }
    for (const batch of out.splice(0)) {
      yield batch;
      if (signal?.aborted) throw abortError(signal);
    }
  }
  if (!parser) {
    if (format === 'auto') throw new DatasetError(name, 'is empty; expected CSV with a header row, or JSON Lines');
    parser = create(format);
    for (const c of pending.splice(0)) parser.push(c, out);
  }
  parser.end(out);
  for (const batch of out.splice(0)) yield batch;
}
