/**
 * The stages an artifact's bytes pass through on their way to a check: a size guard and digest
 * verification on the raw bytes, gzip detection by magic bytes, decompression, and a hold-back of
 * the last chunk so that a consumer never sees the complete data before it has been verified.
 * Each stage is an async generator; breaking out of the outermost one closes the whole chain down
 * to the store's stream, so a rejected artifact is never read to the end.
 */
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ContentDigest } from '../../core/digest.js';
import { createDigestVerifier, formatContentDigest } from '../../core/digest.js';
import { EvidenceError } from '../../core/errors.js';

/** Throws an EvidenceError if `signal` has fired; the abort reason becomes the cause. */
export const throwIfAborted = (uri: string, signal: AbortSignal | undefined): void => {
  if (signal?.aborted) throw new EvidenceError(uri, 'read aborted', { cause: signal.reason });
};

export interface GuardOptions {
  uri: string;
  maxBytes: number;
  digest?: ContentDigest;
  signal?: AbortSignal;
}

/**
 * Passes the raw bytes through, failing as soon as more than `maxBytes` have arrived and, at the
 * end, when they do not hash to `digest`. Stores check sizes up front where they can; this is the
 * guard that holds when they cannot (or when a file grows while it is read).
 */
export async function* guardRaw(source: AsyncIterable<Uint8Array>, o: GuardOptions): AsyncGenerator<Uint8Array> {
  const verifier = o.digest ? createDigestVerifier(o.digest) : null;
  let total = 0;
  try {
    for await (const chunk of source) {
      throwIfAborted(o.uri, o.signal);
      total += chunk.byteLength;
      if (total > o.maxBytes) {
        throw new EvidenceError(o.uri, `larger than the limit of ${o.maxBytes} bytes (stopped reading after ${total} bytes)`);
      }
      verifier?.update(chunk);
      yield chunk;
    }
  } catch (err) {
    // A stream destroyed by the abort signal throws its own AbortError: say why it stopped.
    if (o.signal?.aborted && !(err instanceof EvidenceError)) throw new EvidenceError(o.uri, 'read aborted', { cause: err });
    throw err;
  }
  if (verifier && o.digest) {
    const { matches, actual } = verifier.finish();
    if (!matches) {
      throw new EvidenceError(
        o.uri,
        `digest mismatch: expected ${formatContentDigest(o.digest)}, got ${formatContentDigest(actual)} ` +
          '(the artifact changed after it was registered, or its ContentDigest is wrong)',
      );
    }
  }
}

/**
 * Looks at the first two bytes without losing them. Returns whether they are the gzip magic
 * (`1f 8b`) and an iterable of all the bytes, the peeked ones included.
 */
export const sniffGzip = async (source: AsyncIterable<Uint8Array>): Promise<{ gzip: boolean; bytes: AsyncIterable<Uint8Array> }> => {
  const it = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < 2) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    head.push(r.value);
    size += r.value.byteLength;
  }
  const byteAt = (n: number): number | undefined => {
    for (const c of head) {
      if (n < c.byteLength) return c[n];
      n -= c.byteLength;
    }
    return undefined;
  };
  async function* all(): AsyncGenerator<Uint8Array> {
    try {
      yield* head;
      while (!done) {
        const r = await it.next();
        if (r.done) {
          done = true;
          return;
        }
        yield r.value;
      }
    } finally {
      // Stopped early (an error downstream, a consumer that broke out): close the source.
      if (!done) {
        done = true;
        await it.return?.();
      }
    }
  }
  return { gzip: byteAt(0) === 0x1f && byteAt(1) === 0x8b, bytes: all() };
};

// Duck-typed rather than `instanceof Error`: errors from Node's internals may come from another realm.
const isZlibError = (err: unknown): err is { code: string; message: string } => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
};

/** Decompresses a gzip byte stream (several concatenated members included). */
export async function* gunzip(source: AsyncIterable<Uint8Array>, uri: string): AsyncGenerator<Uint8Array> {
  // pipeline() destroys every stage with the first error, so an error of the source (size, digest)
  // reaches the consumer as itself, and closing the output closes the source.
  const out = pipeline(Readable.from(source, { objectMode: false }), createGunzip(), () => undefined);
  try {
    for await (const chunk of out) yield chunk as Uint8Array;
  } catch (err) {
    if (isZlibError(err)) throw new EvidenceError(uri, `is not valid gzip data (${err.message})`, { cause: err });
    throw err;
  } finally {
    out.destroy();
  }
}

/** Yields every chunk one step late: the last chunk only once the source has ended cleanly. */
export async function* holdLast(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let held: Uint8Array | undefined;
  for await (const chunk of source) {
    if (held) yield held;
    held = chunk;
  }
  if (held) yield held;
}

/**
 * Concatenates a stream into one buffer, failing with `onTooLarge(total)` as soon as it exceeds
 * `maxBytes` (the rest is not read).
 */
export const collect = async (source: AsyncIterable<Uint8Array>, maxBytes: number, onTooLarge: (total: number) => Error): Promise<Buffer> => {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > maxBytes) throw onTooLarge(total);
    parts.push(chunk);
  }
  return Buffer.concat(parts, total);
};
