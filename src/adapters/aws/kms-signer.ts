/**
 * The deployed decision signer: an AWS KMS asymmetric key (key spec ECC_NIST_P256, key usage
 * SIGN_VERIFY), signing algorithm ECDSA_SHA_256. The private key never leaves KMS; the evaluate
 * function's role has kms:Sign, the promote function's role kms:Verify (docs/promotion-signing.md).
 *
 * Messages are sent as MessageType DIGEST: modelgate hashes the canonical attestation with SHA-256
 * and KMS signs the 32-byte digest. That is the same ECDSA_SHA_256 signature KMS would produce for
 * the RAW message (so `openssl dgst -sha256 -verify` with the key's public key checks it), without
 * RAW's 4096-byte limit on the message and without sending the attestation to KMS.
 */
import { createHash } from 'node:crypto';
import { KMSClient, SignCommand, VerifyCommand, type KMSClientConfig } from '@aws-sdk/client-kms';
import { InvalidInputError } from '../../core/errors.js';
import type { Signer } from '../../core/promotion/types.js';
import { AwsCallError, awsErrorCode } from './aws-call-error.js';
import { retrySettingsFromEnv, type ClientFactoryOptions } from './clients.js';

export const ECDSA_SHA_256 = 'ECDSA_SHA_256';

/** A key ARN, not an alias: an alias can be re-pointed at another key, a key ARN cannot. */
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[A-Za-z0-9-]+$/;

/**
 * What KMS Verify answers when the signature cannot be checked with that key: a bad signature
 * (KMSInvalidSignatureException), a key that does not exist (NotFoundException) or that is not a
 * signing key (InvalidKeyUsageException). None of them can be a valid decision signature.
 */
const NOT_VALID = new Set(['KMSInvalidSignatureException', 'NotFoundException', 'InvalidKeyUsageException']);

/** A KMS client with modelgate's retry settings (`AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`). */
export const createKmsClient = (options: ClientFactoryOptions<KMSClientConfig> = {}): KMSClient =>
  new KMSClient({ ...retrySettingsFromEnv(options.env ?? process.env), ...options.config });

export interface KmsSignerOptions {
  client: KMSClient;
  /** The signing key's ARN (`arn:aws:kms:<region>:<account>:key/<id>`). */
  keyId: string;
  /**
   * Key ARNs of earlier (rotated-out) signing keys whose decisions still verify. A signature by
   * any other key is refused without asking KMS: the promote role's kms:Verify permission on a key
   * in another account must never make that key's signatures trusted.
   */
  trustedKeyIds?: string[];
}

const requireKeyArn = (value: string, where: string): string => {
  if (!KEY_ARN.test(value)) {
    throw new InvalidInputError(`"${value}" is not a KMS key ARN`, where, 'arn:aws:kms:<region>:<account>:key/<key id> (not an alias)');
  }
  return value;
};

const sha256 = (message: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(message).digest());

/**
 * Signs decision records with an AWS KMS asymmetric key and verifies them with the KMS Verify API.
 *
 * @example
 * ```ts
 * const signer = new KmsSigner({ client: createKmsClient(), keyId: process.env.MODELGATE_SIGNING_KEY_ARN! });
 * const signed = await signDecision(signer, attestation);
 * ```
 */
export class KmsSigner implements Signer {
  readonly keyId: string;
  readonly algorithm = ECDSA_SHA_256;
  readonly #client: KMSClient;
  readonly #trusted: Set<string>;

  constructor(options: KmsSignerOptions) {
    this.#client = options.client;
    this.keyId = requireKeyArn(options.keyId, 'KmsSigner keyId');
    this.#trusted = new Set([this.keyId, ...(options.trustedKeyIds ?? []).map((k, i) => requireKeyArn(k, `KmsSigner trustedKeyIds[${i}]`))]);
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    let out;
    try {
      out = await this.#client.send(new SignCommand({ KeyId: this.keyId, Message: sha256(message), MessageType: 'DIGEST', SigningAlgorithm: ECDSA_SHA_256 }));
    } catch (err) {
      throw new AwsCallError('KMS', 'Sign', this.keyId, err);
    }
    if (!out.Signature || out.Signature.byteLength === 0) {
      throw new Error(`KMS Sign on ${this.keyId} returned no signature (expected a DER-encoded ECDSA signature)`);
    }
    // KMS answers with the key ARN it used; anything else means the request reached another key.
    if (out.KeyId !== undefined && out.KeyId !== this.keyId) {
      throw new Error(`KMS Sign on ${this.keyId} was answered by key ${out.KeyId} (expected the same key ARN)`);
    }
    return new Uint8Array(out.Signature);
  }

  async verify(message: Uint8Array, signature: Uint8Array, keyId: string, algorithm: string): Promise<boolean> {
    if (algorithm !== ECDSA_SHA_256 || !this.#trusted.has(keyId) || signature.byteLength === 0) return false;
    try {
      const out = await this.#client.send(
        new VerifyCommand({ KeyId: keyId, Message: sha256(message), MessageType: 'DIGEST', Signature: signature, SigningAlgorithm: ECDSA_SHA_256 }),
      );
      return out.SignatureValid === true;
    } catch (err) {
      if (NOT_VALID.has(awsErrorCode(err))) return false;
      // Throttling and KMS faults are transient (retryable); access denied or a disabled key are
      // not, and must reach a person rather than read as "forged".
      throw new AwsCallError('KMS', 'Verify', keyId, err);
    }
  }
}
