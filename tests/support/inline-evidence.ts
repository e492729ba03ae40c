/**
 * In-memory evidence for tests and check fixtures: the same EvidenceHandle contract the engine
 * hands a check, backed by a string or an object instead of an artifact store.
 */
import { gzipSync } from 'node:zlib';
import type { EvidenceHandle, EvidenceSet } from '../../src/core/evidence.js';
import type { CheckContext, CheckInput, CheckSubject } from '../../src/core/check.js';
import type { ModelPackage } from '../../src/core/model-package.js';
import { EvidenceError } from '../../src/core/errors.js';
import { parseStrictJson, StrictJsonError } from '../../src/core/strict-json.js';

/** Parses as the evidence reader does (src/app/evidence-reader.ts json()), with its errors. */
const readJson = (text: string, uri: string): unknown => {
  try {
    return parseStrictJson(text, uri);
  } catch (err) {
    if (err instanceof StrictJsonError) throw new EvidenceError(uri, err.detail, { cause: err });
    throw err;
  }
};

/** An EvidenceHandle over `content` (an object is serialised as JSON). */
export const inlineEvidence = (name: string, content: string | object, chunkSize = 64 * 1024): EvidenceHandle => {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  const bytes = Buffer.from(text, 'utf8');
  return {
    ref: { name, uri: `inline://${name}`, source: 'cli' },
    async *stream() {
      for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
    },
    text: async () => text,
    json: async () => readJson(text, `inline://${name}`),
  };
};

/** Gzipped bytes of `text`, for tests of compressed evidence. */
export const gzipped = (text: string): Buffer => gzipSync(Buffer.from(text, 'utf8'));

/** An EvidenceSet from `{ name: content }`. */
export const evidenceSet = (items: Record<string, string | object>): EvidenceSet =>
  Object.fromEntries(Object.entries(items).map(([k, v]) => [k, inlineEvidence(k, v)]));

export const testPackage = (group = 'credit-risk', version = 2, extra: Partial<ModelPackage> = {}): ModelPackage => ({
  ModelPackageArn: `arn:aws:sagemaker:eu-west-1:111111111111:model-package/${group}/${version}`,
  ModelPackageGroupName: group,
  ModelPackageVersion: version,
  ModelApprovalStatus: 'PendingManualApproval',
  ...extra,
});

export const checkSubject = (evidence: Record<string, string | object>, pkg: ModelPackage = testPackage()): CheckSubject => ({
  subject: {
    kind: 'sagemaker-model-package',
    arn: pkg.ModelPackageArn,
    group: pkg.ModelPackageGroupName,
    version: String(pkg.ModelPackageVersion),
    account: '111111111111',
    region: 'eu-west-1',
  },
  modelPackage: pkg,
  evidence: evidenceSet(evidence),
});

/** A CheckInput: the candidate's evidence and, optionally, the champion's. */
export const checkInput = (evidence: Record<string, string | object>, champion: Record<string, string | object> | null = null): CheckInput => ({
  ...checkSubject(evidence),
  champion: champion ? checkSubject(champion, testPackage('credit-risk', 1, { ModelApprovalStatus: 'Approved' })) : null,
});

/** A CheckContext with a silent logger and a signal that never aborts. */
export const testContext = (signal: AbortSignal = new AbortController().signal): CheckContext => ({
  logger: { debug: () => undefined, info: () => undefined, warn: () => undefined },
  signal,
  now: () => new Date('2026-11-22T00:00:00Z'),
});
