import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { openEvidenceSet } from '../../../src/app/evidence-reader.js';
import type { EvidenceRef } from '../../../src/core/evidence.js';
import { EvidenceError, InvalidInputError } from '../../../src/core/errors.js';
import { MemoryStore, drain } from './memory-store.js';

const ref = (name: string, uri: string, digest?: string): EvidenceRef => ({
  name,
  uri,
  source: 'cli',
  ...(digest ? { digest } : {}),
});
const sha256 = (bytes: string | Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const payload = (bytes: number): string => JSON.stringify({ pad: 'x'.repeat(Math.max(0, bytes - 10)) });

describe('openEvidenceSet: laziness and re-reading', () => {
  it('reads nothing until a check asks, then opens the artifact on every read', async () => {
    // Prepare
    const store = new MemoryStore().put('mem://q.json', '{"a":1}');
    const evidence = openEvidenceSet([ref('quality', 'mem://q.json')], [store]);

    // Act
    const before = store.opens;
    const first = await evidence.quality?.json();
    const second = await evidence.quality?.text();
    const streamed = evidence.quality ? await drain(evidence.quality.stream()) : undefined;

    // Assess
    expect(before).toBe(0);
    expect(first).toEqual({ a: 1 });
    expect(second).toBe('{"a":1}');
    expect(streamed?.bytes.toString('utf8')).toBe('{"a":1}');
    expect(store.opens).toBe(3);
  });

  it('lets the same stream() iterable be iterated twice', async () => {
    // Prepare
    const store = new MemoryStore(4).put('mem://d.csv', 'a,b\n1,2\n3,4\n');
    const stream = openEvidenceSet([ref('data', 'mem://d.csv')], [store]).data?.stream();

    // Act
    const one = stream ? await drain(stream) : undefined;
    const two = stream ? await drain(stream) : undefined;

    // Assess
    expect(one?.bytes.toString()).toBe('a,b\n1,2\n3,4\n');
    expect(two?.bytes.toString()).toBe('a,b\n1,2\n3,4\n');
    expect(store.opens).toBe(2);
  });

  it('keys the set by evidence name, a later reference replacing an earlier one', async () => {
    // Prepare
    const store = new MemoryStore().put('mem://old', '1').put('mem://new', '2');

    // Act
    const evidence = openEvidenceSet([ref('x', 'mem://old'), ref('x', 'mem://new'), ref('__proto__', 'mem://old')], [store]);

    // Assess
    expect(Object.keys(evidence).sort()).toEqual(['__proto__', 'x']);
    expect(await evidence.x?.json()).toBe(2);
    expect(Object.isFrozen(evidence)).toBe(true);
  });
});

describe('openEvidenceSet: URIs and stores', () => {
  it('names the URI and the supported schemes for an unknown scheme, when the evidence is read', async () => {
    // Prepare
    const store = new MemoryStore();
    const evidence = openEvidenceSet([ref('bias', 'gs://bucket/analysis.json'), ref('rel', 'reports/q.json')], [store]);

    // Act
    const unknown = evidence.bias?.json();
    const noScheme = evidence.rel?.text();

    // Assess
    await expect(unknown).rejects.toThrow(EvidenceError);
    await expect(unknown).rejects.toThrow(
      'gs://bucket/analysis.json: unsupported scheme "gs:" (supported: mem://; this deployment reads evidence from no other scheme)',
    );
    await expect(noScheme).rejects.toThrow('reports/q.json: not a URI with a scheme (supported: mem://)');
    expect(store.opens).toBe(0);
  });

  it('matches schemes case-insensitively', async () => {
    // Prepare
    const store = new MemoryStore().put('MEM://x', '"ok"');

    // Act
    const value = await openEvidenceSet([ref('x', 'MEM://x')], [store]).x?.json();

    // Assess
    expect(value).toBe('ok');
  });

  it('refuses two stores for one scheme', () => {
    // Act / Assess
    expect(() => openEvidenceSet([], [new MemoryStore(), new MemoryStore()])).toThrow('two artifact stores serve the scheme "mem:"');
  });

  it('refuses a limit that is not a byte count', () => {
    // Act / Assess
    expect(() => openEvidenceSet([], [], { maxJsonBytes: -1 })).toThrow(InvalidInputError);
    expect(() => openEvidenceSet([], [], { maxStreamBytes: 1.5 })).toThrow('evidence limits.maxStreamBytes');
  });

  it('passes errors of the store through unchanged (a transient failure stays retryable)', async () => {
    // Prepare
    const transient = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const store = { schemes: ['flaky'], open: async () => Promise.reject(transient) };

    // Act
    const read = openEvidenceSet([ref('x', 'flaky://x')], [store]).x?.text();

    // Assess
    await expect(read).rejects.toBe(transient);
  });
});

describe('openEvidenceSet: digest verification', () => {
  it('accepts matching content, whatever the case of the digest', async () => {
    // Prepare
    const content = '{"regression_metrics":{"mae":{"value":1.2}}}';
    const upper = sha256(content).replace('sha256', 'SHA256').toUpperCase();
    const store = new MemoryStore(8).put('mem://q', content);

    // Act
    const value = await openEvidenceSet([ref('q', 'mem://q', upper)], [store]).q?.json();

    // Assess
    expect(value).toEqual({ regression_metrics: { mae: { value: 1.2 } } });
  });

  it('fails json() with the expected and the actual digest on a mismatch', async () => {
    // Prepare
    const store = new MemoryStore().put('mem://q', '{"a":2}');
    const expected = sha256('{"a":1}');

    // Act
    const read = openEvidenceSet([ref('q', 'mem://q', expected)], [store]).q?.json();

    // Assess
    await expect(read).rejects.toThrow(`mem://q: digest mismatch: expected ${expected}, got ${sha256('{"a":2}')}`);
  });

  it('fails stream() at the end and never hands out the last chunk of unverified data', async () => {
    // Prepare
    const content = 'y'.repeat(10 * 1024);
    const store = new MemoryStore(1024).put('mem://big', content);
    const evidence = openEvidenceSet([ref('big', 'mem://big', sha256('something else'))], [store]);

    // Act
    const result = evidence.big ? await drain(evidence.big.stream()) : undefined;

    // Assess
    expect(result?.error).toBeInstanceOf(EvidenceError);
    expect(String(result?.error)).toContain('digest mismatch');
    expect(store.chunksRead).toBe(10);
    expect(result?.bytes.byteLength).toBe(9 * 1024);
  });

  it('treats a malformed digest as an error, without reading the artifact', async () => {
    // Prepare
    const store = new MemoryStore().put('mem://q', '{}');
    const evidence = openEvidenceSet([ref('q', 'mem://q', 'md5:abc')], [store]);

    // Act
    const read = evidence.q?.json();

    // Assess
    await expect(read).rejects.toThrow('mem://q: digest "md5:abc" of evidence "q" is malformed (expected sha256:<64 hex digits>)');
    expect(store.opens).toBe(0);
  });

  it('verifies the digest of the stored (compressed) bytes of a gzip artifact', async () => {
    // Prepare
    const zipped = gzipSync('{"ok":true}');
    const store = new MemoryStore(4).put('mem://good', zipped).put('mem://bad', zipped);
    const evidence = openEvidenceSet([ref('good', 'mem://good', sha256(zipped)), ref('bad', 'mem://bad', sha256('{"ok":true}'))], [store]);

    // Act
    const good = await evidence.good?.json();
    const bad = evidence.bad ? await drain(evidence.bad.stream()) : undefined;

    // Assess
    expect(good).toEqual({ ok: true });
    expect(String(bad?.error)).toContain(`digest mismatch: expected ${sha256('{"ok":true}')}, got ${sha256(zipped)}`);
  });
});

describe('openEvidenceSet: size limits', () => {
  it('stops json() as soon as the limit is crossed, without reading the rest', async () => {
    // Prepare
    const store = new MemoryStore(1024).put('mem://big', payload(100 * 1024));
    const evidence = openEvidenceSet([ref('big', 'mem://big')], [store], { maxJsonBytes: 4096 });

    // Act
    const read = evidence.big?.json();

    // Assess
    await expect(read).rejects.toThrow('mem://big: larger than the limit of 4096 bytes (stopped reading after 5120 bytes)');
    expect(store.lastOptions?.maxBytes).toBe(4096);
    expect(store.chunksRead).toBe(5);
    expect(store.chunksOf('mem://big')).toBe(100);
  });

  it('fails stream() mid-stream when the limit is crossed', async () => {
    // Prepare
    const store = new MemoryStore(1024).put('mem://big', payload(100 * 1024));
    const evidence = openEvidenceSet([ref('big', 'mem://big')], [store], { maxJsonBytes: 1, maxStreamBytes: 3000 });

    // Act
    const result = evidence.big ? await drain(evidence.big.stream()) : undefined;

    // Assess
    expect(String(result?.error)).toContain('larger than the limit of 3000 bytes');
    expect(result?.bytes.byteLength).toBeLessThanOrEqual(3000);
    expect(store.chunksRead).toBe(3);
  });

  it('allows an artifact of exactly the limit', async () => {
    // Prepare
    const content = payload(4096);
    const store = new MemoryStore(1000).put('mem://edge', content);

    // Act
    const text = await openEvidenceSet([ref('e', 'mem://edge')], [store], { maxJsonBytes: Buffer.byteLength(content) }).e?.text();

    // Assess
    expect(text).toBe(content);
  });
});

describe('openEvidenceSet: aborting', () => {
  it('does not open anything once the signal has fired', async () => {
    // Prepare
    const store = new MemoryStore().put('mem://q', '{}');
    const controller = new AbortController();
    controller.abort(new Error('check timed out'));

    // Act
    const read = openEvidenceSet([ref('q', 'mem://q')], [store], { signal: controller.signal }).q?.json();

    // Assess
    await expect(read).rejects.toThrow('mem://q: read aborted');
    expect(store.opens).toBe(0);
  });

  it('stops a stream in progress at the next chunk and hands the signal to the store', async () => {
    // Prepare
    const store = new MemoryStore(10).put('mem://d', 'z'.repeat(1000));
    const controller = new AbortController();
    const stream = openEvidenceSet([ref('d', 'mem://d')], [store], { signal: controller.signal }).d?.stream();
    let seen = 0;

    // Act
    let error: unknown;
    try {
      for await (const _chunk of stream ?? []) {
        seen++;
        if (seen === 2) controller.abort();
      }
    } catch (err) {
      error = err;
    }

    // Assess
    expect(String(error)).toContain('read aborted');
    expect(seen).toBe(2);
    expect(store.lastOptions?.signal).toBe(controller.signal);
  });
});
