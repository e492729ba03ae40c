/**
 * The one way the CLI and the embedded stack read an input file (policies, model package files,
 * the local registry, `file:` evidence): regular files only, bounded in bytes and in time.
 *
 * - The path is `stat`ed before it is opened, so a FIFO, a device (`/dev/zero`), a socket or a
 *   directory is refused without being opened: opening a FIFO for reading blocks until a writer
 *   comes, and a blocked open holds a libuv thread that keeps the process from ever exiting.
 * - It is then opened with `O_NONBLOCK` (a path swapped for a FIFO between the stat and the open
 *   cannot block either) and the open descriptor is `fstat`ed again: what is checked is what is read.
 * - Reading stops one byte past `maxBytes` whatever the file's stated size (`/proc` files say 0).
 * - `readBoundedFile` gives up after `timeoutMs` (a hung network file system) and closes the
 *   descriptor whatever happens, so no handle is left to keep the process alive.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { InvalidInputError } from '../../core/errors.js';

const MiB = 1024 * 1024;

/** The limits of each kind of input file (docs/evidence.md and the security page list them). */
export const FILE_LIMITS = {
  /** A policy file. */
  policyBytes: 1 * MiB,
  /** A DescribeModelPackage JSON file given to the CLI, or a file of the local registry. */
  modelPackageBytes: 8 * MiB,
  /** How long reading one whole input file may take. */
  readTimeoutMs: 10_000,
} as const;

export type FileReadProblem = 'not-found' | 'not-regular' | 'too-large' | 'timeout' | 'denied' | 'io' | 'not-utf8';

/**
 * An input file that could not be read within the rules. An InvalidInputError (bad input: CLI exit
 * 64, HTTP 400); `reason` is the message without the path, for callers that wrap it (evidence).
 */
export class FileReadError extends InvalidInputError {
  readonly path: string;
  readonly problem: FileReadProblem;
  readonly reason: string;
  constructor(path: string, problem: FileReadProblem, reason: string, options?: { cause?: unknown }) {
    super(reason, path, undefined, options);
    this.name = 'FileReadError';
    this.path = path;
    this.problem = problem;
    this.reason = reason;
  }
}

export interface BoundedReadOptions {
  /** Bytes; one more is an error naming the path and the limit. */
  maxBytes: number;
  /** Default FILE_LIMITS.readTimeoutMs. */
  timeoutMs?: number;
}

/** What a non-regular file is, for messages. */
const kindOf = (st: Stats): string => {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
};

const tooLarge = (path: string, maxBytes: number, detail: string): FileReadError =>
  new FileReadError(path, 'too-large', `larger than the limit of ${maxBytes} bytes (${detail})`);

const checkStats = (path: string, st: Stats, maxBytes: number): void => {
  if (!st.isFile()) {
    throw new FileReadError(path, 'not-regular', `is not a regular file (${kindOf(st)}); expected a regular file`);
  }
  if (st.size > maxBytes) throw tooLarge(path, maxBytes, `the file is ${st.size} bytes`);
};

/** Maps an fs error to a FileReadError naming the path (never quoting anything read). */
export const fileErrorOf = (path: string, err: unknown): FileReadError => {
  if (err instanceof FileReadError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new FileReadError(path, 'not-found', 'no such file', { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new FileReadError(path, 'denied', 'permission denied', { cause: err });
    case 'EISDIR':
      return new FileReadError(path, 'not-regular', 'is not a regular file (a directory); expected a regular file', { cause: err });
    default:
      return new FileReadError(path, 'io', `cannot be read (${typeof code === 'string' ? code : 'I/O error'})`, { cause: err });
  }
};

/**
 * Checks that `path` is a regular file of at most `maxBytes` and opens it without blocking.
 * The caller owns the handle (a read stream created from it closes it at its end).
 *
 * @throws FileReadError naming the path: missing, not a regular file, too large, unreadable
 */
export const openBoundedFile = async (path: string, maxBytes: number, opts: { statFirst?: boolean } = {}): Promise<{ handle: FileHandle; size: number }> => {
  // The stat before the open keeps a device or FIFO from being opened at all; a caller that has
  // already confined `path` (a realpath inside allowed roots) may skip it: the open below does not
  // block and the fstat after it refuses anything but a regular file either way.
  if (opts.statFirst !== false) {
    try {
      checkStats(path, await stat(path), maxBytes);
    } catch (err) {
      throw fileErrorOf(path, err);
    }
  }
  let handle: FileHandle;
  try {
    // O_NONBLOCK: a path swapped for a FIFO after the stat opens at once instead of waiting for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch (err) {
    throw fileErrorOf(path, err);
  }
  try {
    const st = await handle.stat();
    checkStats(path, st, maxBytes);
    return { handle, size: st.size };
  } catch (err) {
    await handle.close();
    throw fileErrorOf(path, err);
  }
};

const readAll = async (path: string, handle: FileHandle, size: number, maxBytes: number): Promise<Buffer> => {
  // Read up to maxBytes + 1: the extra byte shows a file larger than it said (or than /proc's 0).
  const parts: Buffer[] = [];
  let total = 0;
  for (;;) {
    const want = Math.min(Math.max(size - total, 64 * 1024), maxBytes + 1 - total);
    if (want <= 0) break;
    const buffer = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(buffer, 0, want, null);
    if (bytesRead === 0) break;
    parts.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
    // A file that said its size and gave exactly that in one read within the limit is whole: a
    // further read only to meet EOF costs a round trip per file. Files that report no size
    // (/proc's 0) or give less keep reading, up to the limit plus one byte.
    if (size > 0 && total === size && bytesRead < want && total <= maxBytes) break;
  }
  if (total > maxBytes) throw tooLarge(path, maxBytes, `stopped reading after ${total} bytes`);
  return Buffer.concat(parts, total);
};

/**
 * Reads a whole input file, bounded in bytes and in time.
 *
 * @param path - the file (symbolic links are followed; the target must be a regular file)
 * @param opts - `maxBytes` (required) and `timeoutMs` (default 10 s)
 * @throws FileReadError naming the path and, for a limit, the limit
 * @example
 * ```ts
 * const bytes = await readBoundedFile('policies/churn.yaml', { maxBytes: FILE_LIMITS.policyBytes });
 * ```
 */
export const readBoundedFile = async (path: string, opts: BoundedReadOptions): Promise<Buffer> => {
  const { maxBytes } = opts;
  const timeoutMs = opts.timeoutMs ?? FILE_LIMITS.readTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FileReadError(path, 'timeout', `could not be read within ${timeoutMs} ms`)), timeoutMs);
    // The timer alone must not keep the process alive.
    timer.unref();
  });
  const work = (async () => {
    const { handle, size } = await openBoundedFile(path, maxBytes);
    try {
      return await readAll(path, handle, size, maxBytes);
    } catch (err) {
      throw fileErrorOf(path, err);
    } finally {
      await handle.close();
    }
  })();
  // A read abandoned by the timeout still closes its handle when it ends; swallow its late error.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a whole input file as UTF-8 text (a leading BOM dropped), bounded as `readBoundedFile`.
 *
 * @throws FileReadError naming the path, also when the bytes are not valid UTF-8
 */
export const readBoundedText = async (path: string, opts: BoundedReadOptions): Promise<string> => {
  const bytes = await readBoundedFile(path, opts);
  try {
    return utf8.decode(bytes);
  } catch (err) {
    throw new FileReadError(path, 'not-utf8', 'is not valid UTF-8 text', { cause: err });
  }
};
