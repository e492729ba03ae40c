/**
 * Policies from the file system: one file, or every `*.yaml` / `*.yml` directly inside a directory
 * (sorted by name, so the order and therefore every message is the same on every machine).
 * The bytes are read once and hashed as read: the digest recorded with a decision is the digest of
 * exactly what was reviewed. Every file is read through bounded-file.ts: a regular file of at most
 * FILE_LIMITS.policyBytes (1 MiB), so `--policy /dev/zero` or a FIFO is refused before it is read.
 */
import type { BigIntStats } from 'node:fs';
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

/** What identifies a file's content without reading it: inode, size and both timestamps (ns). */
const fileKey = (st: BigIntStats): string => `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;

/**
 * How long after its last change a file's stat is trusted to stand for its bytes. A write within
 * the file system's timestamp granularity can leave mtime and ctime unchanged (git's "racy"
 * entries); a file changed this recently is read again every time, as if nothing were cached.
 */
const RACY_MS = 2_000;

/**
 * A PolicySource over a file or a directory. An edit is seen at the next `load()`. A file is
 * parsed and validated again only when its bytes (sha256) change — that work, not the read, was
 * most of an evaluation's cost (bench/evaluate) — and is not even read again while its stat
 * (inode, size, mtime and ctime in ns) is unchanged and older than {@link RACY_MS}: a stat is one
 * round trip, a bounded read five. The policies returned are shared between loads: treat them as
 * read-only.
 *
 * @example
 * ```ts
 * const policies = await new FilePolicySource('policies').load();
 * ```
 */
export class FilePolicySource implements PolicySource {
  /** The last successful parse of each file, with the digest of the bytes it was parsed from. */
  readonly #parsed = new Map<string, LoadedPolicy>();
  /** The stat key of the bytes each cached parse came from, when it may stand for them. */
  readonly #settled = new Map<string, string>();

  constructor(private readonly path: string) {}

  #parse(bytes: Buffer, file: string): LoadedPolicy {
    const known = this.#parsed.get(file);
    if (known && known.digest === policyDigest(bytes)) return known;
    const policy = parsePolicy(bytes, file);
    this.#parsed.set(file, policy);
    return policy;
  }

  /** The file's policy: from the cache when its stat says the bytes are those parsed, else read. */
  async #load(file: string): Promise<LoadedPolicy> {
    const before = await stat(file, { bigint: true }).catch(() => undefined);
    const key = before?.isFile() ? fileKey(before) : undefined;
    const cached = this.#parsed.get(file);
    if (key !== undefined && cached && this.#settled.get(file) === key) return cached;
    this.#settled.delete(file);
    const policy = this.#parse(await readPolicyBytes(file), file);
    // Trusted next time only if the file had not changed for a while when it was read, and not since.
    if (key !== undefined && Date.now() - Number(before!.mtimeMs) > RACY_MS && Date.now() - Number(before!.ctimeMs) > RACY_MS) {
      const after = await stat(file, { bigint: true }).catch(() => undefined);
      if (after?.isFile() && fileKey(after) === key) this.#settled.set(file, key);
    }
    return policy;
  }

  /**
   * @throws InvalidInputError when the path does not exist; PolicyError listing the problems of
   *   every invalid file (so one pass shows them all)
   */
  async load(): Promise<LoadedPolicy[]> {
    const info = await statOf(this.path);
    if (!info.isDirectory()) return [await this.#load(this.path)];
    const loaded: LoadedPolicy[] = [];
    const failures: PolicyError[] = [];
    for (const file of await policyFilesIn(this.path)) {
      try {
        loaded.push(await this.#load(file));
      } catch (err) {
        if (!(err instanceof PolicyError)) throw err;
        failures.push(err);
      }
    }
    if (failures.length === 1) throw failures[0]!;
    if (failures.length > 1)
      throw new PolicyError(
        this.path,
        failures.flatMap((f) => f.problems),
      );
    return loaded;
  }
}
