/**
 * Signed decision records. A run's decision is signed when the run is written; promotion verifies
 * the signature, and that the decision approved exactly this model package with exactly these
 * artifacts, before it deploys anything. What is signed is `canonicalJson(attestation)` as UTF-8:
 * a byte-for-byte reproducible form, so any verifier (another language, `openssl`, the KMS Verify
 * API) can recompute the message from the stored record. See docs/promotion-signing.md.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../errors.js';
import type { ModelPackage } from '../model-package.js';
import type { RunRecord } from '../run.js';
import type { DecisionAttestation, SignedDecision, Signer } from './types.js';

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

const canonical = (value: unknown, path: string, ancestors: Set<object>): string => {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new InvalidInputError(`${String(value)} has no JSON form`, `canonical JSON at ${path || '/'}`, 'a finite number');
      }
      // ECMAScript's shortest round-trip form (as RFC 8785 prescribes); -0 becomes 0.
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new InvalidInputError(
        `a ${typeof value} has no JSON form`,
        `canonical JSON at ${path || '/'}`,
        'null, a boolean, a finite number, a string, an array or a plain object',
      );
  }
  if (ancestors.has(value)) {
    throw new InvalidInputError('the value contains itself', `canonical JSON at ${path || '/'}`, 'a tree without cycles');
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      // An undefined array item would silently become `null` in JSON.stringify: refuse it instead.
      return `[${value.map((item: unknown, i) => canonical(item, `${path}/${i}`, ancestors)).join(',')}]`;
    }
    if (!isPlainObject(value)) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new InvalidInputError(
        `a ${kind} has no canonical JSON form`,
        `canonical JSON at ${path || '/'}`,
        'a plain object (convert dates and buffers to strings first)',
      );
    }
    const record = value as Record<string, unknown>;
    // Keys compare by UTF-16 code units (the default sort), as in RFC 8785. Undefined members are
    // absent, as in JSON.stringify: an SDK object with `Foo: undefined` digests like one without Foo.
    const members = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(record[key], `${path}/${key}`, ancestors)}`);
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
};

/**
 * The canonical JSON text of a value: object keys sorted by UTF-16 code units, no whitespace,
 * numbers in ECMAScript's shortest round-trip form, strings escaped as `JSON.stringify` does
 * (RFC 8785 / JCS for the values modelgate signs). Object members that are `undefined` are left
 * out; anything else without a JSON form (NaN, ±Infinity, undefined array items, functions,
 * bigints, class instances such as Date, cycles) is an InvalidInputError rather than a silent
 * conversion, because two signers must never disagree about the bytes.
 *
 * @example
 * ```ts
 * canonicalJson({ b: [1, 2.5], a: 'x' }); // '{"a":"x","b":[1,2.5]}'
 * ```
 */
export const canonicalJson = (value: unknown): string => canonical(value, '', new Set());

/** `sha256:` + the lowercase hex SHA-256 of a text's UTF-8 bytes. */
export const sha256Digest = (text: string): string => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

/**
 * The digest of what would be deployed: `sha256:` + hex SHA-256 of the canonical JSON of the
 * package's `InferenceSpecification` as a whole (containers' Image, ImageDigest, ModelDataUrl,
 * ModelDataSource, Environment, supported types and instance types — whatever is present). A
 * package without an InferenceSpecification digests `null` (`sha256:74234e98…`), so it still has
 * a digest, and gaining a specification later changes it. `AdditionalInferenceSpecifications`
 * are not covered.
 */
export const artifactsDigest = (pkg: ModelPackage): string => sha256Digest(canonicalJson(pkg.InferenceSpecification ?? null));

/** The attestation of a run about a model package: exactly the fields the signature covers. */
export const attestationOf = (run: RunRecord, pkg: ModelPackage): DecisionAttestation => {
  if (run.subject.arn !== pkg.ModelPackageArn) {
    throw new InvalidInputError(
      `run ${run.runId} is about ${run.subject.arn}, not ${pkg.ModelPackageArn}`,
      'attestationOf',
      'the model package the run evaluated',
    );
  }
  return {
    runId: run.runId,
    subjectArn: run.subject.arn,
    decision: run.decision,
    policyDigest: run.policy?.digest ?? null,
    artifactsDigest: artifactsDigest(pkg),
    decidedAt: run.finishedAt,
    serviceVersion: run.serviceVersion,
  };
};

/** The bytes a decision signature covers. */
export const attestationMessage = (attestation: DecisionAttestation): Uint8Array => new TextEncoder().encode(canonicalJson(attestation));

/**
 * Signs an attestation with the signer's key.
 *
 * @example
 * ```ts
 * const signed = await signDecision(services.signer, attestationOf(run, pkg));
 * await ledger.putRun({ ...run, attestation: signed });
 * ```
 */
export const signDecision = async (signer: Signer, attestation: DecisionAttestation): Promise<SignedDecision> => {
  const signature = await signer.sign(attestationMessage(attestation));
  return { attestation, algorithm: signer.algorithm, keyId: signer.keyId, signature: Buffer.from(signature).toString('base64') };
};

export type VerifyResult = { ok: true } | { ok: false; reason: string };

const ATTESTATION_KEYS = ['artifactsDigest', 'decidedAt', 'decision', 'policyDigest', 'runId', 'serviceVersion', 'subjectArn'];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Why a stored signed decision is malformed (it comes from the ledger: trust nothing), or null. */
const shapeProblem = (signed: unknown): string | null => {
  if (typeof signed !== 'object' || signed === null) return 'the run carries no signed decision';
  const s = signed as Record<string, unknown>;
  for (const key of ['algorithm', 'keyId', 'signature'] as const) {
    if (typeof s[key] !== 'string' || s[key] === '') return `the signed decision has no ${key}`;
  }
  if (!BASE64.test(s['signature'] as string)) return 'the signature is not base64';
  const attestation = s['attestation'];
  if (typeof attestation !== 'object' || attestation === null || Array.isArray(attestation)) return 'the signed decision has no attestation';
  const keys = Object.keys(attestation).sort();
  if (keys.join(',') !== ATTESTATION_KEYS.join(',')) {
    return `the attestation has the fields ${keys.join(', ') || '(none)'} (expected ${ATTESTATION_KEYS.join(', ')})`;
  }
  return null;
};

/**
 * Whether a signed decision lets promotion deploy a model package: the signature over
 * `canonicalJson(attestation)` verifies with a key the signer trusts, the attestation names the
 * expected model package ARN and artifacts digest (a package whose InferenceSpecification changed
 * after approval fails), and its decision is `approve`. Overrides are not attestations: a human
 * override is the promotion use case's business. Throws only when the signer does (a transient
 * failure of the key service); everything else is `{ ok: false, reason }`.
 *
 * @example
 * ```ts
 * const verdict = await verifyDecision(signer, run.attestation, { subjectArn: pkg.ModelPackageArn, artifactsDigest: artifactsDigest(pkg) });
 * if (!verdict.ok) throw new RefusedError(`promotion refused: ${verdict.reason}`);
 * ```
 */
export const verifyDecision = async (
  signer: Signer,
  signed: SignedDecision | null | undefined,
  expected: { subjectArn: string; artifactsDigest: string },
): Promise<VerifyResult> => {
  const problem = shapeProblem(signed);
  if (problem !== null || !signed) return { ok: false, reason: problem ?? 'the run carries no signed decision' };
  let message: Uint8Array;
  try {
    message = attestationMessage(signed.attestation);
  } catch (err) {
    return { ok: false, reason: `the attestation has no canonical form: ${(err as Error).message}` };
  }
  const signature = new Uint8Array(Buffer.from(signed.signature, 'base64'));
  const valid = await signer.verify(message, signature, signed.keyId, signed.algorithm);
  if (!valid) {
    return {
      ok: false,
      reason: `the signature does not verify with key ${signed.keyId} (${signed.algorithm}): forged, altered, or signed by a key this deployment does not trust`,
    };
  }
  const a = signed.attestation;
  if (a.subjectArn !== expected.subjectArn) {
    return { ok: false, reason: `the decision is about ${a.subjectArn}, not ${expected.subjectArn}` };
  }
  if (a.artifactsDigest !== expected.artifactsDigest) {
    return { ok: false, reason: `the artifacts changed after the decision: approved ${a.artifactsDigest}, now ${expected.artifactsDigest}` };
  }
  if (a.decision !== 'approve') {
    return { ok: false, reason: `run ${a.runId} decided ${a.decision}, not approve` };
  }
  return { ok: true };
};
