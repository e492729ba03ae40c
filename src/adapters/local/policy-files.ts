/**
 * Policies from the file system: one file, or every `*.yaml` / `*.yml` directly inside a directory
 * (sorted by name, so the order and therefore every message is the same on every machine).
 * The bytes are read once and hashed as read: the digest recorded with a decision is the digest of
 * exactly what was reviewed. Every file is read through bounded-file.ts: a regular file of at most
 * FILE_LIMITS.policyBytes (1 MiB), so `--policy /dev/zero` or a FIFO is refused before it is read.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, PolicyError } from '../../core/errors.js';
import { FILE_LIMITS, readBoundedFile } from './bounded-file.js';
import { parsePolicy, policyDigest } from '../../core/policy/parse.js';
import type { LoadedPolicy } from '../../core/policy/types.js';
import type { PolicySource } from '../../core/ports.js';

const EXPECTED = 'a policy file (.yaml/.yml) or a directory of them';

/** A policy file's bytes, bounded; InvalidInputError naming the path when it cannot be read. */
const readPolicyBytes = (path: string): Promise<Buffer> => readBoundedFile(path, { maxBytes: FILE_LIMITS.policyBytes });

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
  return parsePolicy(await readPolicyBytes(path), path);
};

/** The `*.yaml` / `*.yml` files directly inside `dir`, sorted by name. */
export const policyFilesIn = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => join(dir, name));

/**
 * A PolicySource over a file or a directory. Every file is read on every `load()`, so an edit is
 * seen at once; a file whose bytes (sha256) are unchanged since the last `load()` is not parsed and
 * validated again — that work, not the read, was most of an evaluation's cost (bench/evaluate).
 * The policies returned are shared between loads: treat them as read-only.
 *
 * @example
 * ```ts
 * const policies = await new FilePolicySource('policies').load();
 * ```
 */
export class FilePolicySource implements PolicySource {
  /** The last successful parse of each file, with the digest of the bytes it was parsed from. */
  readonly #parsed = new Map<string, LoadedPolicy>();

  constructor(private readonly path: string) {}

  #parse(bytes: Buffer, file: string): LoadedPolicy {
    const known = this.#parsed.get(file);
    if (known && known.digest === policyDigest(bytes)) return known;
    const policy = parsePolicy(bytes, file);
    this.#parsed.set(file, policy);
    return policy;
  }

  /**
   * @throws InvalidInputError when the path does not exist; PolicyError listing the problems of
   *   every invalid file (so one pass shows them all)
   */
  async load(): Promise<LoadedPolicy[]> {
    const info = await statOf(this.path);
    if (!info.isDirectory()) return [this.#parse(await readPolicyBytes(this.path), this.path)];
    const loaded: LoadedPolicy[] = [];
    const failures: PolicyError[] = [];
    for (const file of await policyFilesIn(this.path)) {
      try {
        loaded.push(this.#parse(await readPolicyBytes(file), file));
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
