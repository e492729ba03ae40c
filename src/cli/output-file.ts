/**
 * Files the CLI writes at a path the user names (`evaluate --report`). The target is checked before
 * any work is done, so that a typo in a path is a usage error (exit 64) naming the path rather than
 * an unexpected error after the run was already recorded.
 */
import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from './io.js';

const statOrNull = async (path: string) => {
  try {
    return await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    // ENOTDIR: a component of the path is a regular file.
    if (code === 'ENOTDIR') return 'not-a-directory' as const;
    throw err;
  }
};

/**
 * Resolves `value` against `cwd` and makes sure a file can be written there: the directory exists
 * and is writable, and the path is absent, a regular file, or a character device (`/dev/null`,
 * `/dev/stdout` on a terminal). A directory, a FIFO or a socket is refused: writing to a FIFO
 * blocks until a reader comes, and the CLI must exit.
 *
 * @param option - the option as the user typed it (`--report`), for the message
 * @returns the absolute path
 * @throws UsageError naming the option and the path
 */
export const checkOutputPath = async (option: string, value: string, cwd: string, usage?: string): Promise<string> => {
  const path = resolve(cwd, value);
  const refuse = (why: string) => new UsageError(`${option} ${path}: ${why}`, usage);
  if (value === '') throw refuse('is empty (expected a file path)');
  const target = await statOrNull(path);
  if (target === 'not-a-directory') throw refuse('a component of the path is not a directory');
  if (target !== null) {
    if (target.isDirectory()) throw refuse('is a directory (expected a file path)');
    if (!target.isFile() && !target.isCharacterDevice()) throw refuse('is not a regular file (a FIFO, socket or block device is never written)');
    try {
      await access(path, constants.W_OK);
    } catch {
      throw refuse('is not writable');
    }
    return path;
  }
  const dir = dirname(path);
  const parent = await statOrNull(dir);
  if (parent === null) throw refuse(`directory does not exist: ${dir} (create it first)`);
  if (parent === 'not-a-directory' || !parent.isDirectory()) throw refuse(`${dir} is not a directory`);
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw refuse(`directory is not writable: ${dir}`);
  }
  return path;
};

/**
 * Writes `content` to a path checked by {@link checkOutputPath}. A failure now (the disk filled, the
 * directory went away) is still a usage error naming the path, with the system's reason and `note`.
 */
export const writeOutputFile = async (option: string, path: string, content: string, note?: string): Promise<void> => {
  try {
    await writeFile(path, content);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UsageError(`${option} ${path}: could not be written (${code})${note ? `; ${note}` : ''}`);
  }
};
