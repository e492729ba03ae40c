/**
 * Reading what the user points the CLI at: a DescribeModelPackage JSON file or an ARN, and
 * `--evidence name=uri` pairs. Every problem is a UsageError/InvalidInputError saying what and where.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { EvidenceRef } from '../core/evidence.js';
import { InvalidInputError } from '../core/errors.js';
import type { ModelPackage } from '../core/model-package.js';
import type { ModelRegistry } from '../core/ports.js';
import { parseModelPackageArn } from '../core/subject.js';
import { UsageError } from './io.js';

const EXPECTED = 'a DescribeModelPackage response (aws sagemaker describe-model-package output)';

/** Validates the fields the gate relies on; the rest of the response is kept as is. */
export const asModelPackage = (value: unknown, where: string): ModelPackage => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError('is not a JSON object', where, EXPECTED);
  }
  const v = value as Record<string, unknown>;
  for (const [key, type] of [['ModelPackageArn', 'string'], ['ModelPackageGroupName', 'string'], ['ModelPackageVersion', 'number']] as const) {
    if (v[key] === undefined) throw new InvalidInputError(`missing required key "${key}"`, where, EXPECTED);
    if (typeof v[key] !== type) throw new InvalidInputError(`"${key}" must be a ${type} (got ${JSON.stringify(v[key])})`, `${where} at /${key}`);
  }
  if (!Number.isInteger(v['ModelPackageVersion']) || (v['ModelPackageVersion'] as number) < 1) {
    throw new InvalidInputError(`"ModelPackageVersion" must be an integer >= 1 (got ${String(v['ModelPackageVersion'])})`, `${where} at /ModelPackageVersion`);
  }
  if (v['ModelMetrics'] !== undefined && (typeof v['ModelMetrics'] !== 'object' || v['ModelMetrics'] === null)) {
    throw new InvalidInputError('"ModelMetrics" must be an object', `${where} at /ModelMetrics`);
  }
  return v as ModelPackage;
};

/** A file path or a model package ARN (described through the registry). */
export const loadModelPackage = async (ref: string, cwd: string, registry: ModelRegistry): Promise<ModelPackage> => {
  if (ref.startsWith('arn:')) {
    if (!parseModelPackageArn(ref)) {
      throw new InvalidInputError(`"${ref}" is not a versioned model package ARN`, '--model-package', 'arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>');
    }
    return registry.describe(ref);
  }
  const path = resolve(cwd, ref);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidInputError(code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (err as Error).message})`, ref, `a JSON file (${EXPECTED}) or a model package ARN`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError(`is not valid JSON: ${(err as Error).message}`, ref, EXPECTED);
  }
  // `aws sagemaker describe-model-package` prints the response itself; accept a { ModelPackage: ... } wrapper too.
  const inner = typeof json === 'object' && json !== null && 'ModelPackage' in json && !('ModelPackageArn' in json) ? (json as { ModelPackage: unknown }).ModelPackage : json;
  return asModelPackage(inner, ref);
};

const EVIDENCE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** `--evidence name=uri` pairs. */
export const parseEvidenceArgs = (pairs: string[], usage: string): EvidenceRef[] =>
  pairs.map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--evidence "${pair}" must be name=uri`, usage);
    const name = pair.slice(0, eq);
    const uri = pair.slice(eq + 1);
    if (!EVIDENCE_NAME.test(name)) throw new UsageError(`--evidence name "${name}" must be lower-case letters, digits, '.', '_' or '-'`, usage);
    if (!/^(file|s3):/.test(uri)) throw new UsageError(`--evidence ${name}: "${uri}" must be a file: or s3:// URI`, usage);
    return { name, uri, source: 'cli' as const };
  });
