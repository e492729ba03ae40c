/**
 * Reading what the user points the CLI at: a DescribeModelPackage JSON file or an ARN, and
 * `--evidence name=uri` pairs. Every problem is a UsageError/InvalidInputError saying what and where;
 * none quotes the file's contents.
 */
import { resolve } from 'node:path';
import type { EvidenceRef } from '../core/evidence.js';
import { InvalidInputError } from '../core/errors.js';
import { MODEL_PACKAGE_EXPECTED, validateModelPackage, type ModelPackage } from '../core/model-package.js';
import type { ModelRegistry } from '../core/ports.js';
import { parseStrictJson } from '../core/strict-json.js';
import { parseModelPackageArn } from '../core/subject.js';
import { FILE_LIMITS, FileReadError, readBoundedText } from '../adapters/local/bounded-file.js';
import { UsageError } from './io.js';

/**
 * Validates the fields the gate relies on (schemas/model-package.schema.json); the rest of the
 * response is kept as is.
 *
 * @throws InvalidInputError naming `where` and each field of the wrong shape
 */
export const asModelPackage = (value: unknown, where: string): ModelPackage => validateModelPackage(value, where);

/**
 * Reads a DescribeModelPackage JSON file: a regular file of at most FILE_LIMITS.modelPackageBytes,
 * strict JSON (no duplicate key, no bare NaN), the shape of the fields the gate reads.
 * `aws sagemaker describe-model-package` prints the response itself; a `{ "ModelPackage": … }`
 * wrapper is accepted too.
 *
 * @param path - the file to read
 * @param where - how to name it in messages (as the user wrote it)
 * @throws InvalidInputError naming the file (and the line/column or the field)
 */
export const readModelPackageFile = async (path: string, where: string = path): Promise<ModelPackage> => {
  let text: string;
  try {
    text = await readBoundedText(path, { maxBytes: FILE_LIMITS.modelPackageBytes });
  } catch (err) {
    if (err instanceof FileReadError) {
      // Named as the user wrote it, not as resolved.
      throw new InvalidInputError(err.reason, where, `a JSON file (${MODEL_PACKAGE_EXPECTED}) or a model package ARN`, { cause: err });
    }
    throw err;
  }
  const json = parseStrictJson(text, where, { nonFinite: 'reject' });
  const inner =
    typeof json === 'object' && json !== null && Object.hasOwn(json, 'ModelPackage') && !Object.hasOwn(json, 'ModelPackageArn')
      ? (json as { ModelPackage: unknown }).ModelPackage
      : json;
  return validateModelPackage(inner, where);
};

/** A file path or a model package ARN (described through the registry). */
export const loadModelPackage = async (ref: string, cwd: string, registry: ModelRegistry): Promise<ModelPackage> => {
  if (ref.startsWith('arn:')) {
    if (!parseModelPackageArn(ref)) {
      throw new InvalidInputError(
        `"${ref}" is not a versioned model package ARN`,
        '--model-package',
        'arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>',
      );
    }
    return registry.describe(ref);
  }
  return readModelPackageFile(resolve(cwd, ref), ref);
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
