/**
 * The floor: the least work any reader of the same bytes must do — walk them once and find row
 * and field boundaries — with no conversion and no computing. Benchmarks measure the real readers
 * against it.
 */
import type { DatasetFormat } from './types.js';

export interface FloorCount {
  /** Data rows (non-blank records, header excluded for CSV). */
  rows: number;
  /** Field separators seen plus one per row: the number of fields split. */
  fields: number;
  bytes: number;
}

/**
 * Counts rows and fields of a CSV (quote-aware) or JSON Lines (string-aware, top-level commas)
 * stream without converting anything.
 */
export const countRowsAndFields = async (source: AsyncIterable<Uint8Array>, format: Exclude<DatasetFormat, 'auto'>): Promise<FloorCount> => {
  let records = 0;
  let fields = 0;
  let bytes = 0;
  let inString = false;
  let escape = false;
  let depth = 0;
  let rowHasData = false;
  const csv = format === 'csv';
  for await (const buf of source) {
    const n = buf.length;
    bytes += n;
    for (let i = 0; i < n; i++) {
      const c = buf[i]!;
      if (csv) {
        if (c === 34) inString = !inString;
        else if (!inString) {
          if (c === 44) fields++;
          else if (c === 10) {
            if (rowHasData) {
              records++;
              fields++;
            }
            rowHasData = false;
            continue;
          }
        }
        if (c !== 13) rowHasData = true;
      } else {
        if (inString) {
          if (escape) escape = false;
          else if (c === 92) escape = true;
          else if (c === 34) inString = false;
        } else if (c === 34) inString = true;
        else if (c === 123 || c === 91) depth++;
        else if (c === 125 || c === 93) depth--;
        else if (c === 44 && depth === 1) fields++;
        else if (c === 10) {
          if (rowHasData) {
            records++;
            fields++;
          }
          rowHasData = false;
          continue;
        }
        if (c !== 13 && c !== 32) rowHasData = true;
      }
    }
  }
  if (rowHasData) {
    records++;
    fields++;
  }
  // A CSV's first record is its header.
  const rows = csv ? Math.max(0, records - 1) : records;
  return { rows, fields, bytes };
};
