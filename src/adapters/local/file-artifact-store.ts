/**
 * Artifacts on the local file system, for the embedded stack, the CLI and tests.
 *
 * URI forms (percent escapes such as `%20` are decoded in all of them, as in any `file:` URL):
 * - `file:///abs/path` (also `file://localhost/abs/path` and `file:/abs/path`): an absolute path;
 * - `file:relative/path` and `file://./relative/path` (or `file://../path`): a path relative to the
 *   store's `baseDir` (default: the process's working directory), so that a policy or a
 *   `--evidence name=file:reports/q.json` argument works from the repository root.
 * Relative paths may leave `baseDir` with `..`: the store is a convenience for someone who can
 * already read the files, not a security boundary.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactReadOptions, ArtifactStore } from '../../core/ports.js';
import { EvidenceError } from '../../core/errors.js';

export interface FileArtifactStoreOptions {
  /** Where relative `file:` URIs are resolved. Default: `process.cwd()` at construction. */
  baseDir?: string;
  /** Read size per chunk. Default 64 KiB. */
  chunkBytes?: number;
}

const EXPECTED_FORMS = 'file:///absolute/path, file:relative/path or file://./relative/path';

const decode = (uri: string, encoded: string): string => {
  try {
    return decodeURIComponent(encoded);
  } catch (err) {
    throw new EvidenceError(uri, `malformed percent escape in the path (write a literal "%" as %25)`, { cause: err });
  }
};

/**
 * Reads `file:` URIs with `fs` streams.
 *
 * @example
 * const store = new FileArtifactStore({ baseDir: '/work/repo' });
 * const bytes = await store.open('file:examples/reports/quality.json', { maxBytes: 1 << 20 });
 */
export class FileArtifactStore implements ArtifactStore {
  readonly schemes = ['file'] as const;
  readonly baseDir: string;
  private readonly chunkBytes: number;

  constructor(options: FileArtifactStoreOptions = {}) {
    this.baseDir = resolve(options.baseDir ?? process.cwd());
    this.chunkBytes = options.chunkBytes ?? 64 * 1024;
  }

  /** The absolute path a `file:` URI names. Throws EvidenceError for another scheme or a host. */
  pathOf(uri: string): string {
    const m = /^file:(.*)$/is.exec(uri);
    const rest = m?.[1];
    if (rest === undefined || rest === '') {
      throw new EvidenceError(uri, `not a file URI (expected ${EXPECTED_FORMS})`);
    }
    if (rest.startsWith('//')) {
      const afterSlashes = rest.slice(2);
      // `file://./x` and `file://../x` are not URLs with a host but relative paths (a common shorthand).
      if (afterSlashes.startsWith('./') || afterSlashes.startsWith('../')) {
        return resolve(this.baseDir, decode(uri, afterSlashes));
      }
      try {
        return fileURLToPath(new URL(uri));
      } catch (err) {
        throw new EvidenceError(uri, `cannot be read as a local path: ${(err as Error).message} (expected ${EXPECTED_FORMS})`, { cause: err });
      }
    }
    const path = decode(uri, rest);
    return isAbsolute(path) ? resolve(path) : resolve(this.baseDir, path);
  }

  async open(uri: string, options: ArtifactReadOptions): Promise<AsyncIterable<Uint8Array>> {
    const path = this.pathOf(uri);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      throw this.openError(uri, path, err);
    }
    try {
      // stat the open descriptor, not the path: what is checked is what is read.
      const st = await handle.stat();
      if (st.isDirectory()) throw new EvidenceError(uri, `${path} is a directory (expected a file)`);
      if (!st.isFile()) throw new EvidenceError(uri, `${path} is not a regular file`);
      if (st.size > options.maxBytes) {
        throw new EvidenceError(uri, `larger than the limit of ${options.maxBytes} bytes (the file is ${st.size} bytes)`);
      }
    } catch (err) {
      await handle.close();
      throw err instanceof EvidenceError ? err : new EvidenceError(uri, `cannot stat ${path}: ${(err as Error).message}`, { cause: err });
    }
    // `end` is inclusive: reading at most maxBytes + 1 bytes lets the reader see a file that grew
    // past the limit after the stat, without reading the rest of it.
    return handle.createReadStream({
      start: 0,
      end: options.maxBytes,
      highWaterMark: this.chunkBytes,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  private openError(uri: string, path: string, err: unknown): EvidenceError {
    const code = (err as { code?: unknown }).code;
    switch (code) {
      case 'ENOENT':
        return new EvidenceError(uri, `no such file: ${path}${this.relativeHint(uri)}`, { cause: err });
      case 'EACCES':
      case 'EPERM':
        return new EvidenceError(uri, `permission denied reading ${path}`, { cause: err });
      case 'EISDIR':
        return new EvidenceError(uri, `${path} is a directory (expected a file)`, { cause: err });
      default:
        return new EvidenceError(uri, `cannot open ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  private relativeHint(uri: string): string {
    return /^file:(?!\/)|^file:\/\/\.{1,2}\//i.test(uri) ? ` (relative URIs resolve against ${this.baseDir})` : '';
  }
}
