/**
 * An in-memory ArtifactStore (`mem://` URIs) that records how much was asked of it, so that tests
 * can see whether the reader was lazy and stopped reading early. Like a store that cannot know an
 * object's size up front, it leaves the size limit to the reader.
 */
import type { ArtifactReadOptions, ArtifactStore } from '../../../src/core/ports.js';
import { EvidenceError } from '../../../src/core/errors.js';

export class MemoryStore implements ArtifactStore {
  readonly schemes = ['mem'] as const;
  opens = 0;
  chunksRead = 0;
  /** Streams that ended or were closed early (a stream that is left dangling never counts). */
  closed = 0;
  lastOptions: ArtifactReadOptions | undefined;
  private readonly objects = new Map<string, Uint8Array>();

  constructor(private readonly chunkBytes = 1024) {}

  put(uri: string, content: string | Uint8Array): this {
    this.objects.set(uri, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    return this;
  }

  /** How many chunks the whole object has. */
  chunksOf(uri: string): number {
    return Math.ceil((this.objects.get(uri)?.byteLength ?? 0) / this.chunkBytes);
  }

  async open(uri: string, options: ArtifactReadOptions): Promise<AsyncIterable<Uint8Array>> {
    this.opens++;
    this.lastOptions = options;
    const bytes = this.objects.get(uri);
    if (!bytes) throw new EvidenceError(uri, 'no such object');
    const chunkBytes = this.chunkBytes;
    const count = () => this.chunksRead++;
    const close = () => this.closed++;
    return (async function* () {
      try {
        for (let i = 0; i < bytes.byteLength; i += chunkBytes) {
          count();
          yield bytes.subarray(i, i + chunkBytes);
        }
      } finally {
        close();
      }
    })();
  }
}

/** Drains an async iterable, keeping what arrived before an error. */
export const drain = async (source: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; chunks: number; error: unknown }> => {
  const parts: Uint8Array[] = [];
  try {
    for await (const c of source) parts.push(c);
    return { bytes: Buffer.concat(parts), chunks: parts.length, error: undefined };
  } catch (error) {
    return { bytes: Buffer.concat(parts), chunks: parts.length, error };
  }
};
