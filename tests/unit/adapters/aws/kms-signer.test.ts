/**
 * KmsSigner at the SDK boundary. The fake KMS answers with the shapes of the KMS API reference
 * (Sign: KeyId, Signature as DER bytes, SigningAlgorithm; Verify: KeyId, SignatureValid,
 * SigningAlgorithm, or KMSInvalidSignatureException for a bad signature) and holds a real P-256
 * key, so signatures are real ECDSA_SHA_256 signatures that a hosting-account owner could check
 * with the public key alone.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  DisabledException,
  KMSClient,
  KMSInternalException,
  KMSInvalidSignatureException,
  KMSServiceException,
  NotFoundException,
  SignCommand,
  VerifyCommand,
  type SignCommandInput,
  type VerifyCommandInput,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCallError } from '../../../../src/adapters/aws/aws-call-error.js';
import { ECDSA_SHA_256, KmsSigner, createKmsClient } from '../../../../src/adapters/aws/kms-signer.js';
import { InvalidInputError } from '../../../../src/core/errors.js';
import { artifactsDigest, attestationOf, canonicalJson, signDecision, verifyDecision } from '../../../../src/core/promotion/attestation.js';
import { testPackage } from '../../../support/inline-evidence.js';
import { makeRunRecord } from '../../../support/run-record.js';

const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OLD_KEY = 'arn:aws:kms:eu-west-1:111111111111:key/0987dcba-09fe-87dc-65ba-ab0987654321';
const FOREIGN_KEY = 'arn:aws:kms:eu-west-1:999999999999:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

const kms = mockClient(KMSClient);
const keyPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/**
 * The fake KMS signs digests. Node cannot ECDSA-sign a bare digest, so the fake looks the message
 * up by its digest and signs the message with SHA-256: the very signature KMS makes for DIGEST.
 */
const known = new Map<string, Uint8Array>();
const message = (text: string): Uint8Array => {
  const bytes = new TextEncoder().encode(text);
  known.set(hex(sha256(bytes)), bytes);
  return bytes;
};

const fakeSign = (input: SignCommandInput) => {
  const original = known.get(hex(input.Message!));
  if (input.MessageType !== 'DIGEST' || !original) throw new Error(`fake KMS: unexpected Sign input ${JSON.stringify(input)}`);
  return { KeyId: input.KeyId, Signature: new Uint8Array(sign('sha256', original, keyPair.privateKey)), SigningAlgorithm: input.SigningAlgorithm };
};

const fakeVerify = (input: VerifyCommandInput) => {
  const original = known.get(hex(input.Message!));
  if (input.KeyId === KEY && input.MessageType === 'DIGEST' && original && verify('sha256', original, keyPair.publicKey, input.Signature!)) {
    return { KeyId: input.KeyId, SignatureValid: true, SigningAlgorithm: input.SigningAlgorithm };
  }
  throw new KMSInvalidSignatureException({ $metadata: { httpStatusCode: 400 }, message: 'Signature verification failed' });
};

const signer = (trustedKeyIds: string[] = []) => new KmsSigner({ client: new KMSClient({ region: 'eu-west-1' }), keyId: KEY, trustedKeyIds });

const serviceError = (name: string, status: number, fault: 'client' | 'server') =>
  new KMSServiceException({ name, $fault: fault, $metadata: { httpStatusCode: status }, message: `${name} from KMS` });

beforeEach(() => {
  kms.reset();
  kms.on(SignCommand).callsFake(fakeSign);
  kms.on(VerifyCommand).callsFake(fakeVerify);
});

describe('KmsSigner.sign', () => {
  it('asks KMS to sign the SHA-256 digest with ECDSA_SHA_256 and returns a signature the public key verifies', async () => {
    // Prepare
    const m = message('{"decision":"approve"}');
    // Act
    const signature = await signer().sign(m);
    // Assess
    const input = kms.commandCalls(SignCommand)[0]!.args[0].input;
    expect(input).toEqual({ KeyId: KEY, Message: new Uint8Array(sha256(m)), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' });
    expect(input.Message!.byteLength).toBe(32);
    expect(verify('sha256', m, keyPair.publicKey, signature)).toBe(true);
  });

  it('signs messages above the 4096-byte RAW limit (only the digest is sent)', async () => {
    // Prepare
    const m = message(`{"pad":"${'x'.repeat(10_000)}"}`);
    // Act
    const signature = await signer().sign(m);
    // Assess
    expect(verify('sha256', m, keyPair.publicKey, signature)).toBe(true);
  });

  it('rethrows a transient KMS failure as a retryable AwsCallError with its cause', async () => {
    // Prepare
    const cause = new KMSInternalException({ $metadata: { httpStatusCode: 500 }, message: 'internal error' });
    kms.on(SignCommand).rejects(cause);
    // Act
    const error = await signer()
      .sign(message('x'))
      .catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ operation: 'Sign', resource: KEY, code: 'KMSInternalException', retryable: true, cause });
  });

  it('rethrows a disabled key as a non-retryable AwsCallError', async () => {
    // Prepare
    kms.on(SignCommand).rejects(new DisabledException({ $metadata: { httpStatusCode: 400 }, message: `${KEY} is disabled.` }));
    // Act
    const error = await signer()
      .sign(message('x'))
      .catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ name: 'AwsCallError', code: 'DisabledException', retryable: false });
    expect((error as Error).message).toContain(`KMS Sign on ${KEY} failed: DisabledException`);
  });

  it('refuses an answer without a signature or from another key', async () => {
    // Prepare
    kms
      .on(SignCommand)
      .resolvesOnce({ KeyId: KEY, SigningAlgorithm: 'ECDSA_SHA_256' })
      .resolvesOnce({ KeyId: OLD_KEY, Signature: new Uint8Array([48, 1]), SigningAlgorithm: 'ECDSA_SHA_256' });
    // Act
    const errors = [
      await signer()
        .sign(message('x'))
        .catch((e: unknown) => e),
      await signer()
        .sign(message('x'))
        .catch((e: unknown) => e),
    ];
    // Assess
    expect((errors[0] as Error).message).toMatch(/returned no signature/);
    expect((errors[1] as Error).message).toMatch(`was answered by key ${OLD_KEY}`);
  });
});

describe('KmsSigner.verify', () => {
  it('is true when KMS Verify says SignatureValid, asking about the digest', async () => {
    // Prepare
    const s = signer();
    const m = message('{"decision":"approve","runId":"run-1"}');
    const signature = await s.sign(m);
    // Act
    const valid = await s.verify(m, signature, KEY, ECDSA_SHA_256);
    // Assess
    expect(valid).toBe(true);
    expect(kms.commandCalls(VerifyCommand)[0]!.args[0].input).toEqual({
      KeyId: KEY,
      Message: new Uint8Array(sha256(m)),
      MessageType: 'DIGEST',
      Signature: signature,
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
  });

  it('is false when KMS answers KMSInvalidSignatureException (altered message or forged signature)', async () => {
    // Prepare
    const s = signer();
    const signature = await s.sign(message('{"decision":"reject"}'));
    // Act
    const altered = await s.verify(message('{"decision":"approve"}'), signature, KEY, ECDSA_SHA_256);
    const forged = await s.verify(message('{"decision":"reject"}'), new Uint8Array(70).fill(3), KEY, ECDSA_SHA_256);
    // Assess
    expect([altered, forged]).toEqual([false, false]);
  });

  it('is false, without asking KMS, for a key it does not trust or another algorithm', async () => {
    // Prepare
    const s = signer();
    const m = message('y');
    const signature = await s.sign(m);
    // Act
    const results = [
      await s.verify(m, signature, FOREIGN_KEY, ECDSA_SHA_256),
      await s.verify(m, signature, KEY, 'Ed25519'),
      await s.verify(m, new Uint8Array(), KEY, ECDSA_SHA_256),
    ];
    // Assess
    expect(results).toEqual([false, false, false]);
    expect(kms.commandCalls(VerifyCommand)).toHaveLength(0);
  });

  it('asks KMS about a rotated-out key it was told to trust', async () => {
    // Prepare
    kms.on(VerifyCommand).resolves({ KeyId: OLD_KEY, SignatureValid: true, SigningAlgorithm: 'ECDSA_SHA_256' });
    // Act
    const valid = await signer([OLD_KEY]).verify(message('z'), new Uint8Array([48, 69]), OLD_KEY, ECDSA_SHA_256);
    // Assess
    expect(valid).toBe(true);
    expect(kms.commandCalls(VerifyCommand)[0]!.args[0].input.KeyId).toBe(OLD_KEY);
  });

  it('is false for a key KMS does not know (deleted) and a key that is not a signing key', async () => {
    // Prepare
    kms
      .on(VerifyCommand)
      .rejectsOnce(new NotFoundException({ $metadata: { httpStatusCode: 400 }, message: `Key '${KEY}' does not exist` }))
      .rejectsOnce(serviceError('InvalidKeyUsageException', 400, 'client'));
    // Act
    const results = [
      await signer().verify(message('q'), new Uint8Array([1]), KEY, ECDSA_SHA_256),
      await signer().verify(message('q'), new Uint8Array([1]), KEY, ECDSA_SHA_256),
    ];
    // Assess
    expect(results).toEqual([false, false]);
  });

  it.each([
    ['ThrottlingException', 400, 'client', true],
    ['KeyUnavailableException', 500, 'server', true],
    ['AccessDeniedException', 400, 'client', false],
  ] as const)('rethrows %s (HTTP %i, %s fault) as an AwsCallError with its cause', async (name, status, fault, retryable) => {
    // Prepare
    const cause = serviceError(name, status, fault);
    kms.on(VerifyCommand).rejects(cause);
    // Act
    const error = await signer()
      .verify(message('w'), new Uint8Array([1]), KEY, ECDSA_SHA_256)
      .catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ operation: 'Verify', code: name, retryable, cause });
  });
});

describe('KmsSigner with signed decisions', () => {
  it('a decision it signed verifies; the same decision with its runId altered does not', async () => {
    // Prepare
    const s = signer();
    const pkg = testPackage('credit-risk', 2, { InferenceSpecification: { Containers: [{ Image: 'img', ModelDataUrl: 's3://m/model.tar.gz' }] } });
    const attestation = attestationOf(makeRunRecord({ decision: 'approve', reasons: [] }), pkg);
    message(canonicalJson(attestation));
    const signed = await signDecision(s, attestation);
    const altered = { ...signed, attestation: { ...signed.attestation, runId: 'run-other' } };
    message(canonicalJson(altered.attestation));
    const expected = { subjectArn: pkg.ModelPackageArn, artifactsDigest: artifactsDigest(pkg) };
    // Act
    const verdicts = [await verifyDecision(s, signed, expected), await verifyDecision(s, altered, expected)];
    // Assess
    expect(signed).toMatchObject({ algorithm: 'ECDSA_SHA_256', keyId: KEY });
    expect(verdicts).toEqual([{ ok: true }, { ok: false, reason: expect.stringMatching(/^the signature does not verify with key arn:aws:kms:/) }]);
  });
});

describe('KmsSigner configuration', () => {
  it('refuses an alias or a malformed trusted key', () => {
    // Prepare
    const client = createKmsClient({ env: {}, config: { region: 'eu-west-1' } });
    // Act + Assess
    expect(() => new KmsSigner({ client, keyId: 'arn:aws:kms:eu-west-1:111111111111:alias/modelgate-decisions' })).toThrow(InvalidInputError);
    expect(() => new KmsSigner({ client, keyId: KEY, trustedKeyIds: ['alias/old'] })).toThrow(
      /KmsSigner trustedKeyIds\[0\]: "alias\/old" is not a KMS key ARN/,
    );
  });
});
