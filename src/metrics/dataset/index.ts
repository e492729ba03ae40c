/** The streaming predictions-dataset reader (CSV and JSON Lines). See docs/metrics/datasets.md. */
export { readColumns, formatFromName, DEFAULT_BATCH_ROWS } from './read-columns.js';
export { countRowsAndFields, type FloorCount } from './floor.js';
export { DatasetError } from './errors.js';
export type { BatchColumn, CategoryColumn, ColumnBatch, ColumnSpec, DatasetFormat, NumberColumn, ReadColumnsOptions } from './types.js';
