/**
 * The shapes of the streaming dataset reader: what a caller asks for (columns by name and kind)
 * and what it receives (batches of typed arrays holding just those columns).
 */

/** `auto` looks at the first non-blank byte: `{` means JSON Lines, anything else CSV. */
export type DatasetFormat = 'csv' | 'jsonl' | 'auto';

/**
 * A column to read. `number` columns arrive as `Float64Array` (a value that is not a finite number
 * is an error naming the line and column); `category` columns arrive dictionary-encoded.
 */
export interface ColumnSpec {
  name: string;
  kind: 'number' | 'category';
  /**
   * An optional column may be absent from the dataset (decided by the header, or by the first
   * JSON Lines row); its batch column is then `null`. Once present it is required in every row.
   */
  optional?: boolean;
  /** `category` only: more distinct values than this is an error (keeps memory bounded). Default 100,000. */
  maxDistinct?: number;
}

export interface NumberColumn {
  kind: 'number';
  name: string;
  /** One value per row of the batch. */
  values: Float64Array;
}

export interface CategoryColumn {
  kind: 'category';
  name: string;
  /** One code per row: an index into `dictionary`. */
  codes: Int32Array;
  /**
   * The distinct values seen so far, in order of first appearance. Shared by every batch of one
   * read and only ever appended to, so a code keeps its meaning across batches.
   */
  dictionary: readonly string[];
}

export type BatchColumn = NumberColumn | CategoryColumn;

/** Up to `batchRows` rows of the requested columns. Arrays belong to the caller (never reused). */
export interface ColumnBatch {
  rows: number;
  /** The (1-based, physical) line on which the batch's first row starts. */
  firstLine: number;
  /** One entry per requested ColumnSpec, in the same order; `null` for an absent optional column. */
  columns: (BatchColumn | null)[];
}

export interface ReadColumnsOptions {
  columns: ColumnSpec[];
  format?: DatasetFormat;
  /** Rows per batch; default 65,536. */
  batchRows?: number;
  /** How errors name the file: `predictions.csv`. Default `dataset`. */
  sourceName?: string;
  /** Checked between chunks: an aborted signal stops the read with its reason. */
  signal?: AbortSignal;
  /** A row (CSV record or JSON line) longer than this is an error. Default 16 MiB. */
  maxRowBytes?: number;
}
