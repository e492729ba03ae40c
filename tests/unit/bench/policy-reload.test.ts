/**
 * bench/evaluate found that parsing and validating the policy files on every evaluation cost more
 * than the evaluation itself, so FilePolicySource now re-parses a file only when its bytes change.
 * These tests hold the cache to the source's promise: every load reads the files, an edit is seen
 * at once (valid or not), and the digest is always that of the bytes just read.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilePolicySource } from '../../../src/adapters/local/policy-files.js';
import { PolicyError } from '../../../src/core/errors.js';
import { policyDigest } from '../../../src/core/policy/parse.js';
import { ROOT } from '../../support/cli.js';

describe('FilePolicySource re-parses only what changed', () => {
  let dir: string;
  let file: string;
  const original = readFileSync(join(ROOT, 'policies', 'churn.yaml'), 'utf8');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mg-policy-reload-'));
    file = join(dir, 'churn.yaml');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns the same parse while the bytes are unchanged', async () => {
    // Prepare
    writeFileSync(file, original);
    const source = new FilePolicySource(dir);
    // Act
    const [first] = await source.load();
    const [second] = await source.load();
    // Assess
    expect(second).toBe(first);
    expect(second?.digest).toBe(policyDigest(Buffer.from(original)));
  });

  it('sees an edit at once, in a directory and as a single file', async () => {
    for (const path of [() => dir, () => file]) {
      // Prepare
      writeFileSync(file, original);
      const source = new FilePolicySource(path());
      const [before] = await source.load();
      const edited = original.replace('version: 1', 'version: 2');
      // Act
      writeFileSync(file, edited);
      const [after] = await source.load();
      // Assess
      expect(before?.doc.metadata.version).toBe(1);
      expect(after?.doc.metadata.version).toBe(2);
      expect(after?.digest).toBe(policyDigest(Buffer.from(edited)));
    }
  });

  it('an edit that breaks the file fails the load; reverting it loads again', async () => {
    // Prepare
    writeFileSync(file, original);
    const source = new FilePolicySource(dir);
    await source.load();
    // Act
    writeFileSync(file, original.replace('apiVersion: modelgate/v1', 'apiVersion: modelgate/v1\nunexpected: 1'));
    const broken = source.load();
    // Assess
    await expect(broken).rejects.toThrow(PolicyError);
    await expect(broken).rejects.toThrow(/unexpected/);
    writeFileSync(file, original);
    expect((await source.load())[0]?.digest).toBe(policyDigest(Buffer.from(original)));
  });
});
