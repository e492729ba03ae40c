import { mkdtemp, mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FilePolicySource, loadPolicyFile } from '../../../src/adapters/local/policy-files.js';
import { InvalidInputError, PolicyError } from '../../../src/core/errors.js';
import { policyDigest } from '../../../src/core/policy/parse.js';

const doc = (name: string, group: string): string =>
  `apiVersion: modelgate/v1\nkind: Policy\nmetadata: { name: ${name}, version: 1, owner: t@example.com }\nmatch: { modelPackageGroups: ["${group}"] }\nchecks:\n  - use: model-quality\n`;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-policies-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const dir = async (name: string, files: Record<string, string>): Promise<string> => {
  const d = join(root, name);
  await mkdir(d, { recursive: true });
  for (const [f, text] of Object.entries(files)) await writeFile(join(d, f), text);
  return d;
};

describe('FilePolicySource', () => {
  it('loads every .yaml and .yml file of a directory, sorted by name, and nothing else', async () => {
    // Prepare
    const d = await dir('mixed', { 'b.yml': doc('b', 'b-*'), 'a.yaml': doc('a', 'a-*'), 'README.md': '# not a policy', 'c.yaml.bak': 'junk: [' });
    await mkdir(join(d, 'nested.yaml'));
    // Act
    const loaded = await new FilePolicySource(d).load();
    // Assess
    expect(loaded.map((p) => [p.doc.metadata.name, p.file])).toEqual([
      ['a', join(d, 'a.yaml')],
      ['b', join(d, 'b.yml')],
    ]);
  });

  it('loads a single file, with the digest of its bytes', async () => {
    // Prepare
    const d = await dir('single', { 'p.yaml': doc('p', 'p-*') });
    const file = join(d, 'p.yaml');
    // Act
    const loaded = await new FilePolicySource(file).load();
    // Assess
    expect(loaded).toHaveLength(1);
    expect(loaded[0]!.digest).toBe(policyDigest(await readFile(file)));
  });

  it('returns [] for an empty directory', async () => {
    expect(await new FilePolicySource(await dir('empty', {})).load()).toEqual([]);
  });

  it('refuses a missing path, naming it', async () => {
    // Prepare
    const missing = join(root, 'nope');
    // Act
    const act = new FilePolicySource(missing).load();
    // Assess
    await expect(act).rejects.toThrow(InvalidInputError);
    await expect(new FilePolicySource(missing).load()).rejects.toThrow(
      `${missing}: no such file or directory (expected a policy file (.yaml/.yml) or a directory of them)`,
    );
  });

  it('reports the problems of every invalid file at once', async () => {
    // Prepare
    const d = await dir('bad', { 'a.yaml': doc('a', 'a-*').replace('version: 1', 'version: 0'), 'b.yaml': 'kind: [', 'c.yaml': doc('c', 'c-*') });
    // Act
    const err = await new FilePolicySource(d).load().catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as PolicyError).file).toBe(d);
    expect((err as PolicyError).problems).toEqual([
      `${join(d, 'a.yaml')} at /metadata/version: must be >= 1`,
      expect.stringMatching(new RegExp(`^${join(d, 'b.yaml').replace(/[.]/g, '\\.')}:1:\\d+: `)),
    ]);
  });

  it('rethrows the PolicyError of a single invalid file as it is', async () => {
    // Prepare
    const d = await dir('one-bad', { 'a.yaml': doc('a', 'a-*').replace('kind: Policy', 'kind: Policies'), 'b.yaml': doc('b', 'b-*') });
    // Act
    const err = await new FilePolicySource(d).load().catch((e: unknown) => e);
    // Assess
    expect((err as PolicyError).file).toBe(join(d, 'a.yaml'));
    expect((err as PolicyError).problems).toEqual([`${join(d, 'a.yaml')} at /kind: must be "Policy"`]);
  });
});

describe('FilePolicySource: an edit is always seen', () => {
  it('sees a same-size edit whose mtime was set back, once the file had settled (ctime moves)', async () => {
    // Prepare: a file that changed more than 2 s ago, loaded once so that its stat is trusted
    const d = await dir('settled', { 'a.yaml': doc('aaaa', 'g-1') });
    const file = join(d, 'a.yaml');
    const old = new Date(Date.now() - 60_000);
    await utimes(file, old, old);
    await new Promise((r) => setTimeout(r, 2_100)); // past the racy window for ctime too
    const source = new FilePolicySource(d);
    expect((await source.load())[0]!.doc.metadata.name).toBe('aaaa');
    expect((await source.load())[0]!.doc.metadata.name).toBe('aaaa');
    // Act: the same number of bytes, mtime restored as a careful tool would
    await writeFile(file, doc('bbbb', 'g-1'));
    await utimes(file, old, old);
    // Assess
    const [policy] = await source.load();
    expect(policy!.doc.metadata.name).toBe('bbbb');
    expect(policy!.digest).toBe(policyDigest(await readFile(file)));
  });

  it('sees an edit made right after a load (inside the racy window)', async () => {
    const d = await dir('racy', { 'a.yaml': doc('cccc', 'g-2') });
    const source = new FilePolicySource(d);
    expect((await source.load())[0]!.doc.metadata.name).toBe('cccc');
    await writeFile(join(d, 'a.yaml'), doc('dddd', 'g-2'));
    expect((await source.load())[0]!.doc.metadata.name).toBe('dddd');
  });
});

describe('loadPolicyFile', () => {
  it('loads the reference policy of the repository', async () => {
    // Act
    const p = await loadPolicyFile('policies/credit-risk.yaml');
    // Assess
    expect(p.doc.metadata.name).toBe('credit-risk');
    expect(p.file).toBe('policies/credit-risk.yaml');
  });

  it('refuses a missing file, naming it', async () => {
    await expect(loadPolicyFile(join(root, 'missing.yaml'))).rejects.toThrow(`${join(root, 'missing.yaml')}: no such file or directory`);
  });
});
