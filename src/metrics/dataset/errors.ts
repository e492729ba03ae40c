/** A dataset that cannot be read as asked: says which file, which line and which column. */
export class DatasetError extends Error {
  readonly source: string;
  readonly line?: number;
  readonly column?: string;
  constructor(source: string, message: string, where: { line?: number; column?: string } = {}) {
    const at = [
      where.line !== undefined ? ` line ${where.line}` : '',
      where.column !== undefined ? `${where.line !== undefined ? ',' : ''} column "${where.column}"` : '',
    ].join('');
    super(at ? `${source}${at}: ${message}` : `${source} ${message}`);
    this.name = 'DatasetError';
    this.source = source;
    if (where.line !== undefined) this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
  }
}
