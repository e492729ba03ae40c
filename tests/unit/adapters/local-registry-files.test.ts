/**
 * The local registry's files are untrusted input (issue 9, row 12): a file with a field of the
 * wrong shape, a duplicate key or a FIFO in its place is an InvalidInputError naming the file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalRegistry } from '../../../src/adapters/local/local-registry.js';
import { InvalidInputError } from '../../../src/core/errors.js';

const ARN = 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-xgb/2';
const example = readFileSync('examples/registry/churn-xgb/2.json', 'utf8');

describe('LocalRegistry reading its files', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelgate-registry-'));
    mkdirSync(join(dir, 'churn-xgb'));
    file = join(dir, 'churn-xgb', '2.json');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a well-formed file', async () => {
    writeFileSync(file, example);
    expect((await new LocalRegistry(dir).describe(ARN)).ModelPackageVersion).toBe(2);
  });

  it.each([
    ['Tags of the wrong shape', JSON.stringify({ ...JSON.parse(example), Tags: { team: 'x' } }), `${join('churn-xgb', '2.json')}: at /Tags: must be array`],
    ['a duplicate key', example.replace('{', '{\n  "ModelApprovalStatus": "Approved",'), 'duplicate key "ModelApprovalStatus"'],
    ['a bare NaN', example.replace('"ModelPackageVersion": 2', '"ModelPackageVersion": NaN'), 'bare NaN or Infinity'],
  ])('refuses a file with %s, naming the file', async (_name, text, message) => {
    // Prepare
    writeFileSync(file, text);
    // Act
    const read = new LocalRegistry(dir).describe(ARN);
    // Assess
    await expect(read).rejects.toThrow(InvalidInputError);
    await expect(read).rejects.toThrow(message);
  });

  it('refuses a FIFO in place of a file without blocking', async () => {
    rmSync(file, { force: true });
    expect(spawnSync('mkfifo', [file]).status).toBe(0);
    try {
      await expect(new LocalRegistry(dir).describe(ARN)).rejects.toThrow(`${file}: is not a regular file (a FIFO)`);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
