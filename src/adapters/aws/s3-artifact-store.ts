/**
 * Artifacts in Amazon S3 (or any S3-compatible server), read with streaming GetObject.
 *
 * `s3://bucket/key`: the key is everything after the first `/` after the bucket, taken verbatim —
 * SageMaker's `S3Uri` values are not percent-encoded, so spaces, unicode and `%` in a key are
 * ordinary characters here. The bucket is in whatever account the URI names; the caller's role
 * needs `s3:GetObject` there (and `kms:Decrypt` on an SSE-KMS key): see docs CROSS-ACCOUNT.md.
 */
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { ArtifactReadOptions, ArtifactStore } from '../../core/ports.js';
import { EvidenceError } from '../../core/errors.js';
import { awsErrorCode, awsErrorMessage, awsHttpStatus, isTransientAwsError } from './aws-call-error.js';

export interface S3ArtifactStoreOptions {
  /** A client built once at module scope, e.g. with `createS3Client()`. */
  client: S3Client;
}

export interface S3Location {
  bucket: string;
  key: string;
}

// Bucket names: 3–63 characters today; legacy us-east-1 buckets may have upper case and `_`.
const BUCKET = /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,253}[a-zA-Z0-9]$/;
const EXPECTED = 's3://<bucket>/<key>';

/**
 * Splits `s3://bucket/key`.
 *
 * @throws EvidenceError for another scheme, a missing or invalid bucket, or a URI naming a bucket
 *   or a prefix instead of an object.
 */
export const parseS3Uri = (uri: string): S3Location => {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/is.exec(uri);
  if (!m) throw new EvidenceError(uri, `not an S3 URI (expected ${EXPECTED})`);
  const bucket = m[1] ?? '';
  const key = m[2] ?? '';
  if (!BUCKET.test(bucket)) {
    throw new EvidenceError(uri, `${bucket === '' ? 'no bucket name' : `"${bucket}" is not a valid bucket name`} (expected ${EXPECTED})`);
  }
  if (key === '') throw new EvidenceError(uri, `names a bucket, not an object (expected ${EXPECTED})`);
  if (key.endsWith('/')) {
    throw new EvidenceError(uri, `names a prefix, not an object: point at the file itself, e.g. ${uri}analysis.json`);
  }
  return { bucket, key };
};

const hintFor = (code: string, status: number | undefined, loc: S3Location): string | null => {
  switch (code) {
    case 'NoSuchKey':
    case 'NotFound':
      return `no such key "${loc.key}" in bucket "${loc.bucket}" (keys are case-sensitive and taken verbatim, not percent-decoded)`;
    case 'NoSuchBucket':
      return `no such bucket "${loc.bucket}" (check the name; the bucket may have been deleted)`;
    case 'AccessDenied':
    case 'Forbidden':
    case 'AllAccessDisabled':
    case 'KMS.AccessDeniedException':
      return (
        `access denied to s3://${loc.bucket}/${loc.key}: the bucket policy or the object's KMS key may not allow ` +
        'this principal (see docs CROSS-ACCOUNT.md); S3 also answers AccessDenied for a missing key when the caller lacks s3:ListBucket'
      );
    case 'InvalidObjectState':
      return 'the object is archived (Glacier / Deep Archive): restore it before evaluating';
    default:
      return status === 403 ? hintFor('AccessDenied', status, loc) : status === 404 ? hintFor('NoSuchKey', status, loc) : null;
  }
};

/**
 * Reads `s3://` URIs with an injected client.
 *
 * @example
 * const store = new S3ArtifactStore({ client: createS3Client() });
 * for await (const chunk of await store.open('s3://bucket/reports/analysis.json', { maxBytes: 1 << 25 })) { ... }
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly schemes = ['s3'] as const;
  private readonly client: S3Client;

  constructor(options: S3ArtifactStoreOptions) {
    this.client = options.client;
  }

  async open(uri: string, options: ArtifactReadOptions): Promise<AsyncIterable<Uint8Array>> {
    const loc = parseS3Uri(uri);
    let out: GetObjectCommandOutput;
    try {
      out = await this.client.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key }), options.signal ? { abortSignal: options.signal } : {});
    } catch (err) {
      if (options.signal?.aborted) throw new EvidenceError(uri, 'read aborted', { cause: err });
      // Throttling, 5xx, dropped connections: the invocation fails and the platform retries it.
      if (isTransientAwsError(err)) throw err;
      const code = awsErrorCode(err);
      const status = awsHttpStatus(err);
      const hint = hintFor(code, status, loc);
      throw new EvidenceError(uri, hint ?? `GetObject failed: ${code}${status !== undefined ? ` (HTTP ${status})` : ''}: ${awsErrorMessage(err)}`, {
        cause: err,
      });
    }
    const body = out.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
    if (out.ContentLength !== undefined && out.ContentLength > options.maxBytes) {
      // Close the connection without reading the body.
      body?.destroy?.();
      throw new EvidenceError(uri, `larger than the limit of ${options.maxBytes} bytes (the object is ${out.ContentLength} bytes)`);
    }
    if (!body || typeof body[Symbol.asyncIterator] !== 'function') {
      body?.destroy?.();
      throw new EvidenceError(uri, 'GetObject returned no readable body (expected a Node.js stream)');
    }
    return body;
  }
}
