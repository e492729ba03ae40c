/**
 * Two models' predictions read side by side: row i of one file next to row i of the other,
 * whatever batch sizes the two readers produce.
 */
import type { ModelBatch } from './predictions-reader.js';

/** Rows `[start, end)` of a batch, as views (no copy). */
export const sliceBatch = (b: ModelBatch, start: number, end: number): ModelBatch => {
  if (start === 0 && end === b.rows) return b;
  const view = (a: Float64Array) => a.subarray(start, end);
  return {
    rows: end - start,
    label: view(b.label),
    key: view(b.key),
    ...(b.score ? { score: view(b.score) } : {}),
    ...(b.prediction ? { prediction: view(b.prediction) } : {}),
  };
};

/** The same rows of both files; `firstRow` is the 0-based index of their first row. */
export interface AlignedRows {
  firstRow: number;
  candidate: ModelBatch;
  champion: ModelBatch;
}

/** Thrown when one file ends before the other. */
export class RowCountMismatch extends Error {
  constructor(
    /** The file that still has rows. */
    readonly longer: 'candidate' | 'champion',
    /** Rows in the shorter file = the 0-based index of the longer file's first extra row. */
    readonly shorterRows: number,
  ) {
    super(`the ${longer === 'candidate' ? 'champion' : 'candidate'} file ends after ${shorterRows} rows, the ${longer} file goes on`);
    this.name = 'RowCountMismatch';
  }
}

interface Cursor {
  it: AsyncIterator<ModelBatch>;
  batch: ModelBatch | null;
  offset: number;
  done: boolean;
}

const fill = async (c: Cursor): Promise<void> => {
  while (!c.done && (c.batch === null || c.offset >= c.batch.rows)) {
    const next = await c.it.next();
    if (next.done) {
      c.done = true;
      c.batch = null;
    } else {
      c.batch = next.value;
      c.offset = 0;
    }
  }
};

/**
 * Zips two batch streams by row. Ends when both end; throws {@link RowCountMismatch} when one
 * ends first. Both iterators are closed on every exit, so neither file is left open.
 */
export async function* lockstep(candidate: AsyncIterable<ModelBatch>, champion: AsyncIterable<ModelBatch>): AsyncGenerator<AlignedRows> {
  const a: Cursor = { it: candidate[Symbol.asyncIterator](), batch: null, offset: 0, done: false };
  const b: Cursor = { it: champion[Symbol.asyncIterator](), batch: null, offset: 0, done: false };
  let row = 0;
  try {
    for (;;) {
      await fill(a);
      await fill(b);
      if (a.done && b.done) return;
      if (a.done || b.done) throw new RowCountMismatch(a.done ? 'champion' : 'candidate', row);
      const n = Math.min(a.batch!.rows - a.offset, b.batch!.rows - b.offset);
      yield {
        firstRow: row,
        candidate: sliceBatch(a.batch!, a.offset, a.offset + n),
        champion: sliceBatch(b.batch!, b.offset, b.offset + n),
      };
      a.offset += n;
      b.offset += n;
      row += n;
    }
  } finally {
    if (!a.done) await a.it.return?.();
    if (!b.done) await b.it.return?.();
  }
}
