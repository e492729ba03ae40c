/**
 * Policies from the file system: one file, or every `*.yaml` / `*.yml` directly inside a directory
 * (sorted by name, so the order and therefore every message is the same on every machine).
 * The bytes are read once and hashed as read: the digest recorded with a decision is the digest of
 * exactly what was reviewed.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, PolicyError } from '../../core/errors.js';
import { parsePolicy } from '../../core/policy/parse.js';
import type { LoadedPolicy } from '../../core/policy/types.js';
import type { PolicySource } from '../../core/ports.js';

const EXPECTED = 'a policy file (.yaml/.yml) or a directory of them';

const statOf = async (path: string) => {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InvalidInputError('no such file or directory', path, EXPECTED, { cause: err });
    throw err;
  }
};

/**
 * Reads and validates one policy file.
 *
 * @throws InvalidInputError when the file does not exist; PolicyError when it does not validate
 */
export const loadPolicyFile = async (path: string): Promise<LoadedPolicy> => {
  await statOf(path);
  return parsePolicy(await readFile(path), path);
};

/** The `*.yaml` / `*.yml` files directly inside `dir`, sorted by name. */
export const policyFilesIn = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => join(dir, name));

/**
 * A PolicySource over a file or a directory. Every file is read on every `load()`; callers that
 * want a cache (a warm Lambda) keep the result.
 *
 * @example
 * ```ts
 * const policies = await new FilePolicySource('policies').load();
 * ```
 */
export class FilePolicySource implements PolicySource {
  constructor(private readonly path: string) {}

  /**
   * @throws InvalidInputError when the path does not exist; PolicyError listing the problems of
   *   every invalid file (so one pass shows them all)
   */
  async load(): Promise<LoadedPolicy[]> {
    const info = await statOf(this.path);
    if (!info.isDirectory()) return [await loadPolicyFile(this.path)];
    const loaded: LoadedPolicy[] = [];
    const failures: PolicyError[] = [];
    for (const file of await policyFilesIn(this.path)) {
      try {
        loaded.push(parsePolicy(await readFile(file), file));
      } catch (err) {
        if (!(err instanceof PolicyError)) throw err;
        failures.push(err);
      }
    }
    if (failures.length === 1) throw failures[0]!;
    if (failures.length > 1) throw new PolicyError(this.path, failures.flatMap((f) => f.problems));
    return loaded;
  }
}
