import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FileArtifactStore } from '../../../src/adapters/local/file-artifact-store.js';
import { openEvidenceSet } from '../../../src/app/evidence-reader.js';
import { EvidenceError } from '../../../src/core/errors.js';

const readAll = async (source: AsyncIterable<Uint8Array>): Promise<string> => {
  const parts: Uint8Array[] = [];
  for await (const c of source) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
};

const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('FileArtifactStore', () => {
  let dir: string;
  const big = 'b'.repeat(30);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelgate-files-'));
    mkdirSync(join(dir, 'reports', 'sub dir'), { recursive: true });
    writeFileSync(join(dir, 'reports', 'quality.json'), '{"q":1}');
    writeFileSync(join(dir, 'reports', 'sub dir', 'naïve 100%.json'), '{"u":1}');
    writeFileSync(join(dir, 'reports', 'big.txt'), big);
    writeFileSync(join(dir, 'reports', 'bias.json.gz'), gzipSync('{"g":1}'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads an absolute file:/// URI, percent escapes decoded', async () => {
    // Prepare
    const store = new FileArtifactStore({ baseDir: '/nowhere' });
    const uri = pathToFileURL(join(dir, 'reports', 'sub dir', 'naïve 100%.json')).href;

    // Act
    const text = await readAll(await store.open(uri, { maxBytes: 1024 }));

    // Assess
    expect(uri).toContain('sub%20dir');
    expect(text).toBe('{"u":1}');
  });

  it.each([
    ['file:reports/quality.json'],
    ['file:./reports/quality.json'],
    ['file://./reports/quality.json'],
    ['file://../' + 'PLACEHOLDER/reports/quality.json'],
  ])('resolves the relative form %s against baseDir', async (form) => {
    // Prepare
    const store = new FileArtifactStore({ baseDir: dir });
    const uri = form.replace('PLACEHOLDER', dir.split('/').pop() ?? '');

    // Act
    const text = await readAll(await store.open(uri, { maxBytes: 1024 }));

    // Assess
    expect(text).toBe('{"q":1}');
    expect(store.pathOf(uri)).toBe(join(dir, 'reports', 'quality.json'));
  });

  it('resolves file:/abs and file://localhost/abs as absolute paths', () => {
    // Prepare
    const store = new FileArtifactStore({ baseDir: '/elsewhere' });

    // Act / Assess
    expect(store.pathOf(`file:${dir}/reports/quality.json`)).toBe(join(dir, 'reports', 'quality.json'));
    expect(store.pathOf(`file://localhost${dir}/reports/quality.json`)).toBe(join(dir, 'reports', 'quality.json'));
  });

  it('defaults baseDir to the working directory', () => {
    // Act / Assess
    expect(new FileArtifactStore().baseDir).toBe(process.cwd());
  });

  it('says "no such file" for a missing file, with the resolved path and the base of relative URIs', async () => {
    // Prepare
    const store = new FileArtifactStore({ baseDir: dir });

    // Act
    const open = store.open('file:reports/missing.json', { maxBytes: 1024 });

    // Assess
    await expect(open).rejects.toThrow(EvidenceError);
    await expect(open).rejects.toThrow(
      `file:reports/missing.json: no such file: ${join(dir, 'reports', 'missing.json')} (relative URIs resolve against ${dir})`,
    );
  });

  it('refuses a directory', async () => {
    // Prepare
    const store = new FileArtifactStore({ baseDir: dir });

    // Act
    const open = store.open('file:reports', { maxBytes: 1024 });

    // Assess
    await expect(open).rejects.toThrow(`file:reports: ${join(dir, 'reports')} is a directory (expected a file)`);
  });

  it('refuses a file over the limit from its size, before reading', async () => {
    // Prepare
    const store = new FileArtifactStore({ baseDir: dir });

    // Act
    const exact = await readAll(await store.open('file:reports/big.txt', { maxBytes: 30 }));
    const tooBig = store.open('file:reports/big.txt', { maxBytes: 29 });

    // Assess
    expect(exact).toBe(big);
    await expect(tooBig).rejects.toThrow('file:reports/big.txt: larger than the limit of 29 bytes (the file is 30 bytes)');
  });

  it.each([
    ['file:', 'not a file URI'],
    ['file:reports/%zz.json', 'malformed percent escape'],
    ['file://server/share/x.json', 'cannot be read as a local path'],
    ['file:///tmp/a%2Fb', 'cannot be read as a local path'],
  ])('refuses %s clearly', (uri, message) => {
    // Prepare
    const store = new FileArtifactStore({ baseDir: dir });

    // Act / Assess
    expect(() => store.pathOf(uri)).toThrow(EvidenceError);
    expect(() => store.pathOf(uri)).toThrow(message);
  });

  it('serves the evidence reader: gzip, size limit and digest through file URIs', async () => {
    // Prepare
    const store = new FileArtifactStore({ baseDir: dir, chunkBytes: 4 });
    const evidence = openEvidenceSet(
      [
        { name: 'bias', uri: 'file:reports/bias.json.gz', source: 'cli', digest: sha256(gzipSync('{"g":1}')) },
        { name: 'big', uri: 'file:reports/big.txt', source: 'cli' },
      ],
      [store],
      { maxJsonBytes: 28 },
    );

    // Act
    const bias = await evidence.bias?.json();
    const big = evidence.big?.text();

    // Assess
    expect(bias).toEqual({ g: 1 });
    await expect(big).rejects.toThrow('larger than the limit of 28 bytes (the file is 30 bytes)');
  });
});
