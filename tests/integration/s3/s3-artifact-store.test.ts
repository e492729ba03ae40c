/**
 * The S3 artifact store and the evidence reader against a real S3-compatible server (s3rver,
 * in-process on 127.0.0.1, a dynamic port, a temporary directory).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3ArtifactStore } from '../../../src/adapters/aws/s3-artifact-store.js';
import { createS3Client } from '../../../src/adapters/aws/s3-client.js';
import { openEvidenceSet } from '../../../src/app/evidence-reader.js';
import type { EvidenceRef } from '../../../src/core/evidence.js';
import { EvidenceError } from '../../../src/core/errors.js';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

// s3rver is CommonJS without type declarations.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

const BUCKET = 'modelgate-evidence';
const sha256 = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('S3ArtifactStore against s3rver', () => {
  let dir: string;
  let server: S3rverInstance;
  let endpoint: string;
  let client: S3Client;
  let store: S3ArtifactStore;
  const large = randomBytes(20 * 1024 * 1024);

  const put = (key: string, body: Uint8Array | string) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  const ref = (name: string, key: string, digest?: string): EvidenceRef => ({
    name,
    uri: `s3://${BUCKET}/${key}`,
    source: 'ModelMetrics',
    ...(digest ? { digest } : {}),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modelgate-s3rver-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
    const address = await server.run();
    endpoint = `http://127.0.0.1:${address.port}`;
    client = createS3Client({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    store = new S3ArtifactStore({ client });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await put('large/predictions.bin', large);
    await put('reports/quality statistics.json', '{"regression_metrics":{"mae":{"value":1.21,"standard_deviation":NaN}}}');
    await put('reports/日本語/ü 100%.json', '{"unicode":true}');
    await put('reports/100%25.json', '{"literal":"%25"}');
    await put('reports/bias.json', gzipSync('{"post_training_bias_metrics":{}}'));
  });

  afterAll(async () => {
    client?.destroy();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams a 20 MiB object through the reader and verifies its digest', async () => {
    // Prepare
    const evidence = openEvidenceSet([ref('predictions', 'large/predictions.bin', sha256(large))], [store]);
    const hash = createHash('sha256');
    let bytes = 0;
    let chunks = 0;

    // Act
    for await (const chunk of evidence.predictions?.stream() ?? []) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      chunks++;
    }

    // Assess
    expect(bytes).toBe(large.byteLength);
    expect(`sha256:${hash.digest('hex')}`).toBe(sha256(large));
    expect(chunks).toBeGreaterThan(1);
  });

  it('fails the stream of a 20 MiB object whose digest does not match', async () => {
    // Prepare
    const evidence = openEvidenceSet([ref('predictions', 'large/predictions.bin', sha256('other'))], [store]);
    let bytes = 0;

    // Act
    let error: unknown;
    try {
      for await (const chunk of evidence.predictions?.stream() ?? []) bytes += chunk.byteLength;
    } catch (err) {
      error = err;
    }

    // Assess
    expect(error).toBeInstanceOf(EvidenceError);
    expect(String(error)).toContain(`digest mismatch: expected ${sha256('other')}, got ${sha256(large)}`);
    expect(bytes).toBeLessThan(large.byteLength);
  });

  it('refuses an object over the limit from its ContentLength', async () => {
    // Prepare
    const evidence = openEvidenceSet([ref('predictions', 'large/predictions.bin')], [store], { maxStreamBytes: 1024 * 1024 });
    let bytes = 0;

    // Act
    let error: unknown;
    try {
      for await (const chunk of evidence.predictions?.stream() ?? []) bytes += chunk.byteLength;
    } catch (err) {
      error = err;
    }

    // Assess
    expect(String(error)).toContain(`larger than the limit of 1048576 bytes (the object is ${large.byteLength} bytes)`);
    expect(bytes).toBe(0);
  });

  it('reads keys with spaces, unicode and % verbatim, tolerant JSON and gzip included', async () => {
    // Prepare
    const evidence = openEvidenceSet(
      [
        ref('quality', 'reports/quality statistics.json'),
        ref('unicode', 'reports/日本語/ü 100%.json'),
        ref('percent', 'reports/100%25.json'),
        ref('bias', 'reports/bias.json'),
      ],
      [store],
    );

    // Act
    const values = await Promise.all(['quality', 'unicode', 'percent', 'bias'].map((n) => evidence[n]?.json()));

    // Assess
    expect(values).toEqual([
      { regression_metrics: { mae: { value: 1.21, standard_deviation: 'NaN' } } },
      { unicode: true },
      { literal: '%25' },
      { post_training_bias_metrics: {} },
    ]);
  });

  it('says "no such key" for a missing key and "no such bucket" for a missing bucket', async () => {
    // Act
    const missingKey = await store.open(`s3://${BUCKET}/reports/missing.json`, { maxBytes: 100 }).catch((err: unknown) => err);
    const missingBucket = await store.open('s3://no-such-bucket-here/reports/q.json', { maxBytes: 100 }).catch((err: unknown) => err);

    // Assess
    expect(missingKey).toBeInstanceOf(EvidenceError);
    expect(String(missingKey)).toContain(`s3://${BUCKET}/reports/missing.json: no such key "reports/missing.json" in bucket "${BUCKET}"`);
    expect(missingBucket).toBeInstanceOf(EvidenceError);
    expect(String(missingBucket)).toContain('s3://no-such-bucket-here/reports/q.json: no such bucket "no-such-bucket-here"');
  });

  it('finds the server through AWS_ENDPOINT_URL_S3 when no endpoint is configured', async () => {
    // Prepare
    const saved = process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL_S3 = endpoint;
    const envClient = createS3Client({ region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });

    // Act
    let text: string | undefined;
    try {
      text = await openEvidenceSet([ref('u', 'reports/日本語/ü 100%.json')], [new S3ArtifactStore({ client: envClient })]).u?.text();
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
      else process.env.AWS_ENDPOINT_URL_S3 = saved;
      envClient.destroy();
    }

    // Assess
    expect(text).toBe('{"unicode":true}');
  });
});
