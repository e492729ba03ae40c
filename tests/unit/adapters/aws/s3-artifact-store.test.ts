import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3ArtifactStore, parseS3Uri } from '../../../../src/adapters/aws/s3-artifact-store.js';
import { createS3Client } from '../../../../src/adapters/aws/s3-client.js';
import { EvidenceError } from '../../../../src/core/errors.js';

const s3Error = (name: string, status: number, message = name): S3ServiceException =>
  new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, requestId: 'req-1' }, message });

/** A body that counts how often it was asked for data. */
const countingBody = (content: string): { body: Readable; reads: () => number } => {
  let reads = 0;
  let sent = false;
  const body = new Readable({
    read() {
      reads++;
      this.push(sent ? null : Buffer.from(content));
      sent = true;
    },
  });
  return { body, reads: () => reads };
};

const asBody = (r: Readable): GetObjectCommandOutput['Body'] => r as unknown as GetObjectCommandOutput['Body'];

describe('S3ArtifactStore (SDK mocked)', () => {
  const s3 = mockClient(S3Client);
  const store = new S3ArtifactStore({ client: new S3Client({ region: 'eu-west-1' }) });

  beforeEach(() => {
    s3.reset();
  });

  it('streams the body of GetObject for bucket and verbatim key', async () => {
    // Prepare
    const { body } = countingBody('{"a":1}');
    s3.on(GetObjectCommand, { Bucket: 'reports-111', Key: 'runs/run 1/ü%20.json' }).resolves({ ContentLength: 7, Body: asBody(body) });

    // Act
    const parts: Uint8Array[] = [];
    for await (const c of await store.open('s3://reports-111/runs/run 1/ü%20.json', { maxBytes: 100 })) parts.push(c);

    // Assess
    expect(Buffer.concat(parts).toString()).toBe('{"a":1}');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });

  it('refuses an object whose ContentLength is over the limit without reading its body', async () => {
    // Prepare
    const { body, reads } = countingBody('x'.repeat(1000));
    s3.on(GetObjectCommand).resolves({ ContentLength: 1000, Body: asBody(body) });

    // Act
    const open = store.open('s3://reports-111/big.json', { maxBytes: 999 });

    // Assess
    await expect(open).rejects.toThrow('s3://reports-111/big.json: larger than the limit of 999 bytes (the object is 1000 bytes)');
    expect(reads()).toBe(0);
    expect(body.destroyed).toBe(true);
  });

  it('turns AccessDenied into an EvidenceError with a hint about bucket policy, KMS and CROSS-ACCOUNT.md', async () => {
    // Prepare
    const denied = s3Error('AccessDenied', 403, 'Access Denied');
    s3.on(GetObjectCommand).rejects(denied);

    // Act
    const open = store.open('s3://research-222/clarify/analysis.json', { maxBytes: 100 });

    // Assess
    await expect(open).rejects.toThrow(EvidenceError);
    await expect(open).rejects.toThrow(
      's3://research-222/clarify/analysis.json: access denied to s3://research-222/clarify/analysis.json: ' +
        "the bucket policy or the object's KMS key may not allow this principal (see docs CROSS-ACCOUNT.md)",
    );
    await expect(open).rejects.toMatchObject({ cause: denied });
  });

  it.each([
    ['NoSuchKey', 404, 'no such key "k.json" in bucket "reports-111"'],
    ['NoSuchBucket', 404, 'no such bucket "reports-111"'],
    ['InvalidObjectState', 403, 'the object is archived'],
    ['InvalidRequest', 400, 'GetObject failed: InvalidRequest (HTTP 400): bad request'],
  ])('turns %s into an EvidenceError that says what went wrong', async (name, status, message) => {
    // Prepare
    s3.on(GetObjectCommand).rejects(s3Error(name, status, name === 'InvalidRequest' ? 'bad request' : name));

    // Act
    const open = store.open('s3://reports-111/k.json', { maxBytes: 100 });

    // Assess
    await expect(open).rejects.toThrow(EvidenceError);
    await expect(open).rejects.toThrow(message);
  });

  it.each([
    ['SlowDown', 503],
    ['ThrottlingException', 400],
    ['InternalError', 500],
  ])('rethrows %s as it is, so that the platform retries', async (name, status) => {
    // Prepare
    const transient = s3Error(name, status);
    s3.on(GetObjectCommand).rejects(transient);

    // Act
    const open = store.open('s3://reports-111/k.json', { maxBytes: 100 });

    // Assess
    await expect(open).rejects.toBe(transient);
  });

  it('reports an aborted request as an aborted read', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));

    // Act
    const open = store.open('s3://reports-111/k.json', { maxBytes: 100, signal: controller.signal });

    // Assess
    await expect(open).rejects.toThrow('s3://reports-111/k.json: read aborted');
  });

  it('refuses a response without a stream body', async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ ContentLength: 2 });

    // Act
    const open = store.open('s3://reports-111/k.json', { maxBytes: 100 });

    // Assess
    await expect(open).rejects.toThrow('GetObject returned no readable body');
  });
});

describe('parseS3Uri', () => {
  it.each([
    ['s3://bucket-1/a b/c.json', 'bucket-1', 'a b/c.json'],
    ['s3://bucket-1/日本/ü.json', 'bucket-1', '日本/ü.json'],
    ['s3://bucket-1/100%25/x%', 'bucket-1', '100%25/x%'],
    ['s3://my.bucket/k//double', 'my.bucket', 'k//double'],
  ])('splits %s verbatim', (uri, bucket, key) => {
    // Act / Assess
    expect(parseS3Uri(uri)).toEqual({ bucket, key });
  });

  it.each([
    ['https://bucket-1.s3.amazonaws.com/k', 'not an S3 URI'],
    ['s3://', 'no bucket name'],
    ['s3:///key.json', 'no bucket name'],
    ['s3://ab/key.json', '"ab" is not a valid bucket name'],
    ['s3://bad bucket/key.json', '"bad bucket" is not a valid bucket name'],
    ['s3://bucket-1', 'names a bucket, not an object'],
    ['s3://bucket-1/', 'names a bucket, not an object'],
    ['s3://bucket-1/clarify/output/', 'names a prefix, not an object: point at the file itself, e.g. s3://bucket-1/clarify/output/analysis.json'],
  ])('refuses %s clearly', (uri, message) => {
    // Act / Assess
    expect(() => parseS3Uri(uri)).toThrow(EvidenceError);
    expect(() => parseS3Uri(uri)).toThrow(`${uri}: ${message}`);
  });
});

describe('createS3Client', () => {
  it('computes and validates checksums only when required, and lets the caller override anything', async () => {
    // Act
    const client = createS3Client({ region: 'eu-west-1' });
    const overridden = createS3Client({ region: 'eu-west-1', responseChecksumValidation: 'WHEN_SUPPORTED' });

    // Assess
    expect(await client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await client.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    expect(await overridden.config.responseChecksumValidation()).toBe('WHEN_SUPPORTED');
    expect(await client.config.region()).toBe('eu-west-1');
  });
});
