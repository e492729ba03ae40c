/**
 * Artifacts on the local file system, for the embedded stack, the CLI and tests.
 *
 * URI forms (percent escapes such as `%20` are decoded in all of them, as in any `file:` URL):
 * - `file:///abs/path` (also `file://localhost/abs/path` and `file:/abs/path`): an absolute path;
 * - `file:relative/path` and `file://./relative/path` (or `file://../path`): a path relative to the
 *   store's `baseDir` (default: the process's working directory), so that a policy or a
 *   `--evidence name=file:reports/q.json` argument works from the repository root.
 *
 * Confinement: a URI may only name a file under one of the store's `roots` (default: `baseDir`),
 * judged twice — on the path as written, and on its real path once every symbolic link is
 * resolved — so neither `..` nor a link leads out (`file:/proc/self/environ` is refused). Only
 * regular files are read (a FIFO or a device is refused before it is opened), bounded in bytes
 * (bounded-file.ts). Errors name the path, never the file's contents.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactReadOptions, ArtifactStore } from '../../core/ports.js';
import { EvidenceError } from '../../core/errors.js';
import { fileErrorOf, openBoundedFile, type FileReadError } from './bounded-file.js';

export interface FileArtifactStoreOptions {
  /** Where relative `file:` URIs are resolved. Default: `process.cwd()` at construction. */
  baseDir?: string;
  /**
   * The directories evidence may be read from (subdirectories included). Default: `[baseDir]`.
   * The local composition adds the project root and MODELGATE_EVIDENCE_ROOTS (docs/evidence.md).
   */
  roots?: readonly string[];
  /** Directories never read even when inside a root (the state directory with its keys). */
  denied?: readonly string[];
  /** Read size per chunk. Default 64 KiB. */
  chunkBytes?: number;
}

/** Whether `path` is `root` or inside it (both absolute and normalised). */
const isWithin = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

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
  /** The allowed roots, absolute. */
  readonly roots: readonly string[];
  private readonly denied: readonly string[];
  private readonly chunkBytes: number;
  /** The roots' real paths, resolved once (a root that does not exist allows nothing). */
  private realRoots: Promise<{ roots: string[]; denied: string[] }> | undefined;

  constructor(options: FileArtifactStoreOptions = {}) {
    this.baseDir = resolve(options.baseDir ?? process.cwd());
    this.roots = [...new Set((options.roots ?? [this.baseDir]).map((r) => resolve(this.baseDir, r)))];
    this.denied = (options.denied ?? []).map((d) => resolve(this.baseDir, d));
    this.chunkBytes = options.chunkBytes ?? 64 * 1024;
  }

  /** Whether `path` (absolute) may be read: inside a root, not inside a denied directory. */
  private allowed(path: string, roots: readonly string[], denied: readonly string[]): boolean {
    return roots.some((root) => isWithin(root, path)) && !denied.some((d) => isWithin(d, path));
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
    // As written first, so that nothing about a path outside the roots (not even whether it exists) is told.
    if (!this.allowed(path, this.roots, this.denied)) throw this.outside(uri, path);
    let real: string;
    try {
      real = await realpath(path);
    } catch (err) {
      throw this.readError(uri, path, fileErrorOf(path, err));
    }
    const { roots, denied } = await (this.realRoots ??= this.resolveRoots());
    if (!this.allowed(real, roots, denied)) throw this.outside(uri, path);
    let handle;
    try {
      // `real` is confined to the roots already: no stat before the open (one round trip less per read).
      ({ handle } = await openBoundedFile(real, options.maxBytes, { statFirst: false }));
    } catch (err) {
      throw this.readError(uri, path, fileErrorOf(path, err));
    }
    // `end` is inclusive: reading at most maxBytes + 1 bytes lets the reader see a file that grew
    // past the limit after the stat, without reading the rest of it. The stream closes the handle.
    return handle.createReadStream({
      start: 0,
      end: options.maxBytes,
      highWaterMark: this.chunkBytes,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  private async resolveRoots(): Promise<{ roots: string[]; denied: string[] }> {
    const real = async (dirs: readonly string[]) => (await Promise.all(dirs.map((d) => realpath(d).catch(() => null)))).filter((d): d is string => d !== null);
    // A denied directory that does not exist yet is kept as written: it may be created later.
    return { roots: await real(this.roots), denied: [...this.denied, ...(await real(this.denied))] };
  }

  private outside(uri: string, path: string): EvidenceError {
    return new EvidenceError(
      uri,
      `${path} is outside the allowed evidence roots (${this.roots.join(', ')}); add its directory to MODELGATE_EVIDENCE_ROOTS to read it`,
    );
  }

  private readError(uri: string, path: string, err: FileReadError): EvidenceError {
    switch (err.problem) {
      case 'not-found':
        return new EvidenceError(uri, `no such file: ${path}${this.relativeHint(uri)}`, { cause: err });
      case 'denied':
        return new EvidenceError(uri, `permission denied reading ${path}`, { cause: err });
      case 'too-large':
        return new EvidenceError(uri, err.reason, { cause: err });
      default:
        return new EvidenceError(uri, `${path} ${err.reason}`, { cause: err });
    }
  }

  private relativeHint(uri: string): string {
    return /^file:(?!\/)|^file:\/\/\.{1,2}\//i.test(uri) ? ` (relative URIs resolve against ${this.baseDir})` : '';
  }
}
