import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { Ed25519Signer } from '../../../src/adapters/local/ed25519-signer.js';
import { InvalidInputError } from '../../../src/core/errors.js';
import type { ModelPackage } from '../../../src/core/model-package.js';
import { artifactsDigest, attestationOf, canonicalJson, signDecision, verifyDecision } from '../../../src/core/promotion/attestation.js';
import type { DecisionAttestation, SignedDecision } from '../../../src/core/promotion/types.js';
import { testPackage } from '../../support/inline-evidence.js';
import { makeRunRecord } from '../../support/run-record.js';

/** The same value with every object's keys in a different (reversed or rotated) insertion order. */
const reorderKeys = (value: unknown, seed: number): unknown => {
  if (Array.isArray(value)) return value.map((v) => reorderKeys(v, seed + 1));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const shift = entries.length === 0 ? 0 : seed % entries.length;
  const reordered = [...entries.slice(shift), ...entries.slice(0, shift)].reverse();
  // fromEntries defines own properties: a plain `out[k] = v` with k = "__proto__" would set the
  // prototype and drop the key (fast-check found it).
  return Object.fromEntries(reordered.map(([k, v]) => [k, reorderKeys(v, seed + 1)]));
};

const spec = (modelDataUrl: string, extra: Record<string, unknown> = {}) => ({
  Containers: [
    {
      Image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/xgboost:1.7-1',
      ImageDigest: `sha256:${'1a'.repeat(32)}`,
      ModelDataUrl: modelDataUrl,
      Environment: { SAGEMAKER_PROGRAM: 'inference.py', MAX_BATCH: '8' },
      ...extra,
    },
  ],
  SupportedContentTypes: ['text/csv'],
  SupportedResponseMIMETypes: ['text/csv'],
  SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large'],
});

const approvedPackage = (): ModelPackage => testPackage('credit-risk', 2, { InferenceSpecification: spec('s3://models/credit-risk/2/model.tar.gz') });
const approvedRun = () => makeRunRecord({ decision: 'approve', reasons: [] });

const expectedFor = (pkg: ModelPackage) => ({ subjectArn: pkg.ModelPackageArn, artifactsDigest: artifactsDigest(pkg) });

describe('canonicalJson', () => {
  it('sorts keys by code unit and leaves no whitespace', () => {
    // Act
    const text = canonicalJson({ z: 1, A: [true, null, 'x y'], é: { b: 2, a: 1 }, _: 0.1 });
    // Assess
    expect(text).toBe('{"A":[true,null,"x y"],"_":0.1,"z":1,"é":{"a":1,"b":2}}');
  });

  it('writes numbers in their shortest round-trip form', () => {
    // Act
    const text = canonicalJson([1, -0, 1e21, 1.5e-7, 0.1 + 0.2, 100, -3.25]);
    // Assess
    expect(text).toBe('[1,0,1e+21,1.5e-7,0.30000000000000004,100,-3.25]');
  });

  it('leaves out undefined members, as JSON does', () => {
    // Act
    const text = canonicalJson({ a: undefined, b: { c: undefined, d: 'x' } });
    // Assess
    expect(text).toBe('{"b":{"d":"x"}}');
  });

  it('keeps a key named __proto__ as data, as JSON.parse does', () => {
    expect(canonicalJson(JSON.parse('{"b":1,"__proto__":{"x":true},"a":2}'))).toBe('{"__proto__":{"x":true},"a":2,"b":1}');
  });

  it('does not depend on the order keys were inserted in', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
        // Act
        const reordered = canonicalJson(reorderKeys(value, seed));
        // Assess
        expect(reordered).toBe(canonicalJson(value));
      }),
    );
  });

  it('round-trips: parsing the text gives the value back, and canonicalizing again changes nothing', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // Act
        const text = canonicalJson(value);
        // Assess
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(text).not.toMatch(/[\n\r\t]/);
      }),
    );
  });

  it.each([
    ['NaN', { a: { b: Number.NaN } }, '/a/b', 'a finite number'],
    ['Infinity', [1, Number.POSITIVE_INFINITY], '/1', 'a finite number'],
    ['an undefined array item', { list: [1, undefined] }, '/list/1', 'null, a boolean'],
    ['a Date', { at: new Date(0) }, '/at', 'a plain object'],
    ['a bigint', { n: 10n }, '/n', 'null, a boolean'],
  ])('refuses %s, saying where', (_name, value, path, expected) => {
    // Act
    const attempt = () => canonicalJson(value);
    // Assess
    expect(attempt).toThrow(InvalidInputError);
    expect(attempt).toThrow(`canonical JSON at ${path}`);
    expect(attempt).toThrow(expected);
  });

  it('refuses a cycle', () => {
    // Prepare
    const value: Record<string, unknown> = { a: 1 };
    value['self'] = value;
    // Act + Assess
    expect(() => canonicalJson(value)).toThrow('the value contains itself');
  });

  it('accepts the same object twice when it is not its own ancestor', () => {
    // Prepare
    const shared = { x: 1 };
    // Act
    const text = canonicalJson({ a: shared, b: [shared] });
    // Assess
    expect(text).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });
});

describe('artifactsDigest', () => {
  it('is sha256 over the canonical InferenceSpecification', () => {
    // Prepare
    const pkg = approvedPackage();
    const expected = createHash('sha256').update(canonicalJson(pkg.InferenceSpecification)).digest('hex');
    // Act
    const digest = artifactsDigest(pkg);
    // Assess
    expect(digest).toBe(`sha256:${expected}`);
  });

  it('changes when the ModelDataUrl changes', () => {
    // Prepare
    const before = approvedPackage();
    const after = testPackage('credit-risk', 2, { InferenceSpecification: spec('s3://models/credit-risk/2/model-retrained.tar.gz') });
    // Act + Assess
    expect(artifactsDigest(after)).not.toBe(artifactsDigest(before));
  });

  it('changes when the image digest or the environment changes', () => {
    // Prepare
    const base = artifactsDigest(approvedPackage());
    const otherImage = testPackage('credit-risk', 2, {
      InferenceSpecification: spec('s3://models/credit-risk/2/model.tar.gz', { ImageDigest: `sha256:${'2b'.repeat(32)}` }),
    });
    const otherEnv = testPackage('credit-risk', 2, {
      InferenceSpecification: spec('s3://models/credit-risk/2/model.tar.gz', { Environment: { SAGEMAKER_PROGRAM: 'evil.py', MAX_BATCH: '8' } }),
    });
    // Act + Assess
    expect(artifactsDigest(otherImage)).not.toBe(base);
    expect(artifactsDigest(otherEnv)).not.toBe(base);
  });

  it('does not change when only key order or other package fields differ', () => {
    // Prepare
    const pkg = approvedPackage();
    const same = testPackage('credit-risk', 2, {
      InferenceSpecification: reorderKeys(pkg.InferenceSpecification, 3),
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: 'approved by modelgate',
    });
    // Act + Assess
    expect(artifactsDigest(same)).toBe(artifactsDigest(pkg));
  });

  it('digests null for a package without an InferenceSpecification', () => {
    // Act
    const digest = artifactsDigest(testPackage());
    // Assess
    expect(digest).toBe('sha256:74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b');
  });
});

describe('attestationOf', () => {
  it('takes the run id, subject, decision, policy digest, finish time and service version from the run', () => {
    // Prepare
    const run = approvedRun();
    const pkg = approvedPackage();
    // Act
    const attestation = attestationOf(run, pkg);
    // Assess
    expect(attestation).toEqual({
      runId: run.runId,
      subjectArn: pkg.ModelPackageArn,
      decision: 'approve',
      policyDigest: run.policy!.digest,
      artifactsDigest: artifactsDigest(pkg),
      decidedAt: run.finishedAt,
      serviceVersion: run.serviceVersion,
    });
  });

  it('records a null policy digest when no policy governed the run', () => {
    // Act
    const attestation = attestationOf(makeRunRecord({ policy: null, decision: 'needs_review' }), approvedPackage());
    // Assess
    expect(attestation.policyDigest).toBeNull();
  });

  it('refuses a package the run did not evaluate', () => {
    // Act + Assess
    expect(() => attestationOf(approvedRun(), testPackage('credit-risk', 3))).toThrow(/is about .*credit-risk\/2, not .*credit-risk\/3/);
  });
});

describe('signDecision and verifyDecision', () => {
  const signer = Ed25519Signer.inMemory();
  const otherSigner = Ed25519Signer.inMemory();

  it('signs with the signer key and algorithm, and the signature verifies', async () => {
    // Prepare
    const pkg = approvedPackage();
    const attestation = attestationOf(approvedRun(), pkg);
    // Act
    const signed = await signDecision(signer, attestation);
    const verdict = await verifyDecision(signer, signed, expectedFor(pkg));
    // Assess
    expect(signed).toEqual({ attestation, algorithm: 'Ed25519', keyId: signer.keyId, signature: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
    expect(verdict).toEqual({ ok: true });
  });

  it('still verifies after a JSON round trip through storage (keys in another order)', async () => {
    // Prepare
    const pkg = approvedPackage();
    const signed = await signDecision(signer, attestationOf(approvedRun(), pkg));
    const stored = reorderKeys(JSON.parse(JSON.stringify(signed)), 5) as SignedDecision;
    // Act
    const verdict = await verifyDecision(signer, stored, expectedFor(pkg));
    // Assess
    expect(verdict).toEqual({ ok: true });
  });

  it('refuses a forged signature', async () => {
    // Prepare
    const pkg = approvedPackage();
    const signed = await signDecision(signer, attestationOf(approvedRun(), pkg));
    const forged = { ...signed, signature: Buffer.alloc(64, 7).toString('base64') };
    // Act
    const verdict = await verifyDecision(signer, forged, expectedFor(pkg));
    // Assess
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(/^the signature does not verify with key ed25519:/) });
  });

  it('refuses a signature by another key, whether it names that key or ours', async () => {
    // Prepare
    const pkg = approvedPackage();
    const byOther = await signDecision(otherSigner, attestationOf(approvedRun(), pkg));
    const posingAsOurs = { ...byOther, keyId: signer.keyId };
    // Act
    const verdicts = [await verifyDecision(signer, byOther, expectedFor(pkg)), await verifyDecision(signer, posingAsOurs, expectedFor(pkg))];
    // Assess
    expect(verdicts).toEqual([
      { ok: false, reason: expect.stringContaining(`with key ${otherSigner.keyId}`) },
      { ok: false, reason: expect.stringContaining(`with key ${signer.keyId}`) },
    ]);
  });

  it('refuses an attestation in which any one field was altered after signing', async () => {
    // Prepare
    const pkg = approvedPackage();
    const signed = await signDecision(signer, attestationOf(makeRunRecord({ decision: 'reject' }), pkg));
    const alterations: Array<Partial<DecisionAttestation>> = [
      { decision: 'approve' },
      { runId: 'run-0000000000someother' },
      { policyDigest: `sha256:${'cd'.repeat(32)}` },
      { policyDigest: null },
      { decidedAt: '2030-01-01T00:00:00.000Z' },
      { serviceVersion: 'modelgate@9.9.9' },
    ];
    // Act
    const verdicts = await Promise.all(
      alterations.map((change) => verifyDecision(signer, { ...signed, attestation: { ...signed.attestation, ...change } }, expectedFor(pkg))),
    );
    // Assess
    for (const verdict of verdicts) expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(/^the signature does not verify/) });
  });

  it('refuses a validly signed decision that is not an approval', async () => {
    // Prepare
    const pkg = approvedPackage();
    const run = makeRunRecord({ decision: 'reject' });
    const signed = await signDecision(signer, attestationOf(run, pkg));
    // Act
    const verdict = await verifyDecision(signer, signed, expectedFor(pkg));
    // Assess
    expect(verdict).toEqual({ ok: false, reason: `run ${run.runId} decided reject, not approve` });
  });

  it('refuses a decision about another model package', async () => {
    // Prepare
    const pkg = approvedPackage();
    const signed = await signDecision(signer, attestationOf(approvedRun(), pkg));
    const other = testPackage('credit-risk', 3, { InferenceSpecification: pkg.InferenceSpecification });
    // Act
    const verdict = await verifyDecision(signer, signed, expectedFor(other));
    // Assess
    expect(verdict).toEqual({ ok: false, reason: `the decision is about ${pkg.ModelPackageArn}, not ${other.ModelPackageArn}` });
  });

  it('refuses a package whose artifacts changed after approval', async () => {
    // Prepare
    const pkg = approvedPackage();
    const signed = await signDecision(signer, attestationOf(approvedRun(), pkg));
    const swapped = testPackage('credit-risk', 2, { InferenceSpecification: spec('s3://attacker/model.tar.gz') });
    // Act
    const verdict = await verifyDecision(signer, signed, expectedFor(swapped));
    // Assess
    expect(verdict).toEqual({
      ok: false,
      reason: expect.stringMatching(/^the artifacts changed after the decision: approved sha256:[0-9a-f]{64}, now sha256:[0-9a-f]{64}$/),
    });
  });

  it('refuses a missing or malformed signed decision with a reason', async () => {
    // Prepare
    const pkg = approvedPackage();
    const signed = await signDecision(signer, attestationOf(approvedRun(), pkg));
    const cases: Array<[unknown, string]> = [
      [undefined, 'the run carries no signed decision'],
      [null, 'the run carries no signed decision'],
      [{ ...signed, signature: '' }, 'the signed decision has no signature'],
      [{ ...signed, signature: 'not base64!' }, 'the signature is not base64'],
      [{ ...signed, keyId: undefined }, 'the signed decision has no keyId'],
      [{ ...signed, attestation: undefined }, 'the signed decision has no attestation'],
      [{ ...signed, attestation: { ...signed.attestation, approvedBy: 'mallory' } }, 'the attestation has the fields approvedBy, artifactsDigest'],
    ];
    // Act
    const verdicts = await Promise.all(cases.map(([value]) => verifyDecision(signer, value as SignedDecision, expectedFor(pkg))));
    // Assess
    verdicts.forEach((verdict, i) => expect(verdict).toEqual({ ok: false, reason: expect.stringContaining(cases[i]![1]) }));
  });
});
