/**
 * The S3 client modelgate uses. Create it once at module scope (Lambda reuses it across
 * invocations) and inject it into the adapters that need it.
 */
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { S3Client } from '@aws-sdk/client-s3';

/**
 * An S3 client that computes and validates flexible checksums only when an operation requires
 * them. With the SDK's default (`WHEN_SUPPORTED`) a streamed PutObject is sent aws-chunked, which
 * s3rver (the local S3) stores verbatim, framing included; on AWS the setting changes nothing that
 * modelgate relies on (it verifies evidence against `ContentDigest` itself). Endpoint, region and
 * credentials are left to the SDK's usual resolution, so `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`
 * point it at a local server; anything in `config` wins.
 *
 * @example
 * const s3 = createS3Client();
 * const artifacts = new S3ArtifactStore({ client: s3 });
 */
export const createS3Client = (config: S3ClientConfig = {}): S3Client =>
  new S3Client({
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...config,
  });
