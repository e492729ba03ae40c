import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { openEvidenceSet } from '../../../src/app/evidence-reader.js';
import type { EvidenceHandle } from '../../../src/core/evidence.js';
import { EvidenceError } from '../../../src/core/errors.js';
import { MemoryStore, drain } from './memory-store.js';

const handle = (store: MemoryStore, uri: string, limits = {}): EvidenceHandle => {
  const h = openEvidenceSet([{ name: 'e', uri, source: 'cli' }], [store], limits).e;
  if (!h) throw new Error('handle missing');
  return h;
};

describe('gzip', () => {
  it('is detected by its magic bytes, whatever the name, and decompressed for every read', async () => {
    // Prepare
    const json = JSON.stringify({ rows: Array.from({ length: 2000 }, (_, i) => ({ i, v: i / 7 })) });
    const store = new MemoryStore(512).put('mem://reports/analysis.json', gzipSync(json));
    const h = handle(store, 'mem://reports/analysis.json');

    // Act
    const parsed = await h.json();
    const text = await h.text();
    const streamed = await drain(h.stream());

    // Assess
    expect(parsed).toEqual(JSON.parse(json));
    expect(text).toBe(json);
    expect(streamed.bytes.toString('utf8')).toBe(json);
  });

  it('applies the size limit to the compressed bytes read', async () => {
    // Prepare
    const zipped = gzipSync(randomBytes(40_000));
    const store = new MemoryStore(1024).put('mem://noisy.bin', zipped);

    // Act
    const read = handle(store, 'mem://noisy.bin', { maxJsonBytes: 8192 }).text();

    // Assess
    await expect(read).rejects.toThrow('mem://noisy.bin: larger than the limit of 8192 bytes (stopped reading after 9216 bytes)');
    expect(zipped.byteLength).toBeGreaterThan(9216);
    expect(store.closed).toBe(1);
  });

  it('closes the artifact when a consumer stops reading a stream early, gzip or not', async () => {
    // Prepare
    const store = new MemoryStore(256)
      .put('mem://plain.csv', 'row\n'.repeat(10_000))
      .put('mem://zipped.csv', gzipSync(Buffer.from(Array.from({ length: 60_000 }, (_, i) => (i * 31) % 256))));

    // Act
    for (const uri of ['mem://plain.csv', 'mem://zipped.csv']) {
      for await (const _chunk of handle(store, uri).stream()) break;
    }

    // Assess
    expect(store.opens).toBe(2);
    expect(store.closed).toBe(2);
    expect(store.chunksRead).toBeLessThan(store.chunksOf('mem://plain.csv') / 2 + store.chunksOf('mem://zipped.csv'));
  });

  it('is not assumed from a .gz suffix', async () => {
    // Prepare
    const store = new MemoryStore().put('mem://plain.json.gz', '{"plain":true}');

    // Act
    const value = await handle(store, 'mem://plain.json.gz').json();

    // Assess
    expect(value).toEqual({ plain: true });
  });

  it('reads concatenated gzip members as one stream', async () => {
    // Prepare
    const store = new MemoryStore(3).put('mem://lines.jsonl', Buffer.concat([gzipSync('{"a":1}\n'), gzipSync('{"a":2}\n')]));

    // Act
    const text = await handle(store, 'mem://lines.jsonl').text();

    // Assess
    expect(text).toBe('{"a":1}\n{"a":2}\n');
  });

  it('reports truncated gzip data as an EvidenceError', async () => {
    // Prepare
    const zipped = gzipSync('{"a":"' + 'q'.repeat(5000) + '"}');
    const store = new MemoryStore(64).put('mem://cut.gz', zipped.subarray(0, zipped.byteLength - 20));

    // Act
    const read = handle(store, 'mem://cut.gz').json();

    // Assess
    await expect(read).rejects.toThrow(EvidenceError);
    await expect(read).rejects.toThrow('mem://cut.gz: is not valid gzip data');
  });

  it('caps the decompressed size of text()/json() against a zip bomb and stops decompressing', async () => {
    // Prepare: 16 MiB of zeros compress to about 16 KiB; 16 members of it make 256 MiB.
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => member));
    const store = new MemoryStore(1024).put('mem://bomb.json', bomb);
    const h = handle(store, 'mem://bomb.json', { maxJsonBytes: 1024 * 1024, maxJsonDecompressedBytes: 1024 * 1024 });

    // Act
    const read = h.json();

    // Assess
    await expect(read).rejects.toThrow(/^mem:\/\/bomb\.json: decompresses to more than the limit of 1048576 bytes/);
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    expect(store.chunksRead).toBeLessThan(store.chunksOf('mem://bomb.json') / 4);
  });

  it('defaults the decompressed cap to four times maxJsonBytes', async () => {
    // Prepare
    const store = new MemoryStore().put('mem://x', gzipSync(Buffer.alloc(5000, 0x20)));

    // Act
    const read = handle(store, 'mem://x', { maxJsonBytes: 1000 }).text();

    // Assess
    await expect(read).rejects.toThrow('decompresses to more than the limit of 4000 bytes');
  });
});

describe('json()', () => {
  it('says where a malformed document goes wrong, as line and column', async () => {
    // Prepare
    const store = new MemoryStore(5).put('mem://bad.json', '{\n  "a": 1,\n  "b": x\n}');

    // Act
    const read = handle(store, 'mem://bad.json').json();

    // Assess
    await expect(read).rejects.toThrow('mem://bad.json: is not valid JSON at line 3, column 8: unexpected letter (expected a value)');
  });

  it('refuses a duplicate key (a bad auc first, a good one last), naming the key, the line and the JSON path', async () => {
    // Prepare
    const store = new MemoryStore(5).put('mem://dup.json', '{"m": {\n  "auc": 0.1,\n  "auc": 0.99\n}}');
    // Act
    const read = handle(store, 'mem://dup.json').json();
    // Assess
    await expect(read).rejects.toThrow(EvidenceError);
    await expect(read).rejects.toThrow(
      'mem://dup.json: has a duplicate key at line 3, column 3: duplicate key "auc" (JSON path /m/auc; first at line 2, column 3)',
    );
  });

  it('never quotes the document in its reasons (a secret in a file stays there)', async () => {
    // Prepare
    const store = new MemoryStore(5).put('mem://env', 'AWS_SECRET_ACCESS_KEY=abc123\0PATH=/usr/bin');
    // Act / Assess
    await expect(handle(store, 'mem://env').json()).rejects.toThrow(
      /^mem:\/\/env: is not valid JSON at line 1, column 1: unexpected letter \(expected a value\)$/,
    );
  });

  it('says where a truncated document ends', async () => {
    // Prepare
    const store = new MemoryStore().put('mem://cut.json', '{"facets": [1, 2');

    // Act
    const read = handle(store, 'mem://cut.json').json();

    // Assess
    await expect(read).rejects.toThrow("is not valid JSON at line 1, column 17: unexpected end of input (expected ',' or ']')");
  });

  it('reports an empty artifact as invalid JSON', async () => {
    // Prepare
    const store = new MemoryStore().put('mem://empty.json', '');

    // Act
    const read = handle(store, 'mem://empty.json').json();

    // Assess
    await expect(read).rejects.toThrow('mem://empty.json: is not valid JSON at line 1, column 1: unexpected end of input');
  });

  it('tolerates bare NaN and Infinity as Python writes them', async () => {
    // Prepare
    const store = new MemoryStore(4).put('mem://q.json', '{"mae": {"value": 1.5, "standard_deviation": NaN}, "hi": Infinity, "lo": -Infinity}');

    // Act
    const value = await handle(store, 'mem://q.json').json();

    // Assess
    expect(value).toEqual({ mae: { value: 1.5, standard_deviation: 'NaN' }, hi: 'Infinity', lo: '-Infinity' });
  });
});

describe('text()', () => {
  it('strips a UTF-8 byte order mark and decodes multi-byte characters split across chunks', async () => {
    // Prepare
    const store = new MemoryStore(1).put('mem://bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"naïve":"日本"}')]));
    const h = handle(store, 'mem://bom.json');

    // Act
    const text = await h.text();
    const value = await h.json();

    // Assess
    expect(text).toBe('{"naïve":"日本"}');
    expect(value).toEqual({ naïve: '日本' });
  });

  it('refuses bytes that are not UTF-8', async () => {
    // Prepare
    const store = new MemoryStore().put('mem://latin1.csv', Buffer.from([0x61, 0xe9, 0x62]));

    // Act
    const read = handle(store, 'mem://latin1.csv').text();

    // Assess
    await expect(read).rejects.toThrow('mem://latin1.csv: is not valid UTF-8 text');
  });
});
