/**
 * Turns evidence references into the lazy, bounded, verified handles a check reads. Nothing is
 * read (and no store is contacted) until a check calls `stream()`, `text()` or `json()`; each call
 * opens the artifact afresh, so a handle can be read any number of times.
 *
 * Problems with one reference (an unknown scheme, a malformed digest) surface when that evidence is
 * read, not when the set is opened: they fail the checks that need the evidence, not the whole run.
 */
import type { ArtifactStore } from '../core/ports.js';
import type { EvidenceHandle, EvidenceRef, EvidenceSet } from '../core/evidence.js';
import type { ContentDigest } from '../core/digest.js';
import { DIGEST_FORMAT, parseContentDigest } from '../core/digest.js';
import { EvidenceError, InvalidInputError } from '../core/errors.js';
import { parseStrictJson, StrictJsonError } from '../core/strict-json.js';
import { collect, guardRaw, gunzip, holdLast, sniffGzip, throwIfAborted } from './evidence/byte-streams.js';

const MiB = 1024 * 1024;

/** How much evidence reading may cost. */
export interface EvidenceLimits {
  /** Bytes read from the store (compressed, as stored) for `text()` and `json()`. Default 32 MiB. */
  maxJsonBytes: number;
  /**
   * Bytes after decompression for `text()` and `json()`: the zip-bomb cap, since a few MiB of gzip
   * can expand to gigabytes. Default 4 × `maxJsonBytes` (128 MiB).
   */
  maxJsonDecompressedBytes: number;
  /** Bytes read from the store (compressed, as stored) for `stream()`. Default 20 GiB. */
  maxStreamBytes: number;
  /** Aborts every read in progress or to come (e.g. the check's timeout). */
  signal?: AbortSignal;
}

export const DEFAULT_EVIDENCE_LIMITS: Readonly<Omit<EvidenceLimits, 'maxJsonDecompressedBytes' | 'signal'>> = {
  maxJsonBytes: 32 * MiB,
  maxStreamBytes: 20 * 1024 * MiB,
};

const resolveLimits = (given: Partial<EvidenceLimits>): EvidenceLimits => {
  const maxJsonBytes = given.maxJsonBytes ?? DEFAULT_EVIDENCE_LIMITS.maxJsonBytes;
  const limits: EvidenceLimits = {
    maxJsonBytes,
    maxJsonDecompressedBytes: given.maxJsonDecompressedBytes ?? 4 * maxJsonBytes,
    maxStreamBytes: given.maxStreamBytes ?? DEFAULT_EVIDENCE_LIMITS.maxStreamBytes,
    ...(given.signal ? { signal: given.signal } : {}),
  };
  for (const key of ['maxJsonBytes', 'maxJsonDecompressedBytes', 'maxStreamBytes'] as const) {
    const v = limits[key];
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new InvalidInputError(`${String(v)} is not a valid byte count`, `evidence limits.${key}`, 'a non-negative integer');
    }
  }
  return limits;
};

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/** Indexes the stores by scheme; two stores claiming one scheme is a wiring mistake. */
const storesByScheme = (stores: readonly ArtifactStore[]): Map<string, ArtifactStore> => {
  const byScheme = new Map<string, ArtifactStore>();
  for (const store of stores) {
    for (const scheme of store.schemes) {
      const key = scheme.toLowerCase();
      if (byScheme.has(key)) throw new Error(`two artifact stores serve the scheme "${key}:"; give each scheme one store`);
      byScheme.set(key, store);
    }
  }
  return byScheme;
};

/** A problem with a reference, found when the set is opened and thrown when the evidence is read. */
interface Deferred {
  readonly message: string;
  readonly cause?: unknown;
}

/**
 * The store for `uri`, or why there is none. The stores are the allow-list of schemes: the
 * composition decides it (deployed: `s3:` only; local: `file:` and `s3:`), and a URI with any other
 * scheme is refused here, saying which schemes this deployment accepts.
 */
const storeFor = (uri: string, byScheme: Map<string, ArtifactStore>): ArtifactStore | Deferred => {
  const supported = [...byScheme.keys()].map((s) => `${s}://`).join(', ') || '(no artifact store configured)';
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (!scheme) return { message: `not a URI with a scheme (supported: ${supported})` };
  return byScheme.get(scheme) ?? { message: `unsupported scheme "${scheme}:" (supported: ${supported}; this deployment reads evidence from no other scheme)` };
};

/** The parsed digest, `undefined` when the reference has none, or why it is unusable. */
const digestOf = (ref: EvidenceRef): { digest?: ContentDigest } | Deferred => {
  if (ref.digest === undefined) return {};
  try {
    return { digest: parseContentDigest(ref.digest, `evidence "${ref.name}" digest`) };
  } catch (err) {
    return { message: `digest ${JSON.stringify(ref.digest)} of evidence "${ref.name}" is malformed (expected ${DIGEST_FORMAT})`, cause: err };
  }
};

const isDeferred = (v: object): v is Deferred => 'message' in v;

class LazyEvidenceHandle implements EvidenceHandle {
  constructor(
    readonly ref: EvidenceRef,
    private readonly store: ArtifactStore | Deferred,
    private readonly digest: { digest?: ContentDigest } | Deferred,
    private readonly limits: EvidenceLimits,
  ) {}

  /** Opens the artifact and returns its decompressed bytes, guarded and verified. */
  private async open(maxBytes: number): Promise<{ gzip: boolean; bytes: AsyncIterable<Uint8Array> }> {
    const { uri } = this.ref;
    if (isDeferred(this.store)) throw new EvidenceError(uri, this.store.message);
    if (isDeferred(this.digest)) throw new EvidenceError(uri, this.digest.message, { cause: this.digest.cause });
    const store = this.store;
    const digest = this.digest.digest;
    const { signal } = this.limits;
    throwIfAborted(uri, signal);
    const raw = await store.open(uri, { maxBytes, ...(signal ? { signal } : {}) });
    const guarded = guardRaw(raw, { uri, maxBytes, ...(digest ? { digest } : {}), ...(signal ? { signal } : {}) });
    const sniffed = await sniffGzip(guarded);
    return { gzip: sniffed.gzip, bytes: sniffed.gzip ? gunzip(sniffed.bytes, uri) : sniffed.bytes };
  }

  /**
   * The decompressed bytes. The size limit fails the stream as soon as it is crossed; a digest
   * mismatch fails it at the end, and the last chunk is held back until the digest has been
   * checked. A consumer that acts on chunks as they arrive must therefore treat its work as void
   * when the iteration throws; the engine discards the result of a check whose stream failed.
   */
  stream(): AsyncIterable<Uint8Array> {
    const open = () => this.open(this.limits.maxStreamBytes);
    return {
      [Symbol.asyncIterator]: () => {
        // Each iteration opens the artifact again: the iterable itself is reusable.
        async function* run(): AsyncGenerator<Uint8Array> {
          const { bytes } = await open();
          yield* holdLast(bytes);
        }
        return run();
      },
    };
  }

  async text(): Promise<string> {
    const { uri } = this.ref;
    const { maxJsonBytes, maxJsonDecompressedBytes } = this.limits;
    const { gzip, bytes } = await this.open(maxJsonBytes);
    const buffer = await collect(bytes, maxJsonDecompressedBytes, (total) =>
      gzip
        ? new EvidenceError(uri, `decompresses to more than the limit of ${maxJsonDecompressedBytes} bytes (stopped after ${total} bytes)`)
        : new EvidenceError(uri, `larger than the limit of ${maxJsonDecompressedBytes} bytes (stopped reading after ${total} bytes)`),
    );
    try {
      // TextDecoder drops a leading BOM; `fatal` turns invalid UTF-8 into an error, not U+FFFD.
      return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    } catch (err) {
      throw new EvidenceError(uri, 'is not valid UTF-8 text', { cause: err });
    }
  }

  async json(): Promise<unknown> {
    const text = await this.text();
    try {
      // Duplicate keys are refused (a bad `auc` first and a good one last must not pass); bare
      // NaN/Infinity, as Python writes them, are read as the strings "NaN" etc.
      return parseStrictJson(text, this.ref.uri);
    } catch (err) {
      // The reason gives a line and column, never the content: a secret must not reach a run's reasons.
      if (err instanceof StrictJsonError) throw new EvidenceError(this.ref.uri, err.detail, { cause: err });
      throw err;
    }
  }
}

/**
 * Opens a set of evidence for reading. Reads nothing: every handle is lazy.
 *
 * @param refs the references (a later one replaces an earlier one of the same name)
 * @param stores the artifact stores; the URI's scheme picks the store
 * @param limits size limits and an abort signal; see {@link EvidenceLimits} for the defaults
 * @example
 * const evidence = openEvidenceSet(evidenceRefsOf(pkg), [new S3ArtifactStore({ client }), new FileArtifactStore()]);
 * const stats = await evidence['model-quality-statistics']?.json();
 */
export const openEvidenceSet = (refs: readonly EvidenceRef[], stores: readonly ArtifactStore[], limits: Partial<EvidenceLimits> = {}): EvidenceSet => {
  const resolved = resolveLimits(limits);
  const byScheme = storesByScheme(stores);
  // fromEntries defines own properties, so a name like "__proto__" stays an ordinary key.
  const handles = Object.fromEntries(refs.map((ref) => [ref.name, new LazyEvidenceHandle(ref, storeFor(ref.uri, byScheme), digestOf(ref), resolved)]));
  return Object.freeze(handles);
};
