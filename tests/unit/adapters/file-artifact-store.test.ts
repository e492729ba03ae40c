import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
    const store = new FileArtifactStore({ baseDir: '/nowhere', roots: [dir] });
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
    await expect(open).rejects.toThrow(`file:reports: ${join(dir, 'reports')} is not a regular file (a directory); expected a regular file`);
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

  describe('confinement (issue 9, rows 1 and 7)', () => {
    it('refuses a path outside the roots without telling whether it exists', async () => {
      // Prepare
      const store = new FileArtifactStore({ baseDir: dir });
      // Act / Assess
      for (const uri of ['file:/proc/self/environ', 'file:///etc/passwd', 'file:../outside.json', 'file:/nonexistent/x.json']) {
        await expect(store.open(uri, { maxBytes: 1024 })).rejects.toThrow(/is outside the allowed evidence roots/);
      }
    });

    it('resolves symbolic links before the check: a link inside a root that leads out is refused', async () => {
      // Prepare
      symlinkSync('/proc/self/environ', join(dir, 'reports', 'environ.json'));
      symlinkSync(join(dir, 'reports', 'quality.json'), join(dir, 'reports', 'alias.json'));
      const store = new FileArtifactStore({ baseDir: dir });
      // Act / Assess
      await expect(store.open('file:reports/environ.json', { maxBytes: 1024 })).rejects.toThrow(
        `file:reports/environ.json: ${join(dir, 'reports', 'environ.json')} is outside the allowed evidence roots (${dir})`,
      );
      expect(await readAll(await store.open('file:reports/alias.json', { maxBytes: 1024 }))).toBe('{"q":1}');
    });

    it('reads from any of several roots, and never from a denied directory inside one', async () => {
      // Prepare
      const other = mkdtempSync(join(tmpdir(), 'modelgate-files-other-'));
      writeFileSync(join(other, 'r.json'), '{}');
      mkdirSync(join(dir, 'keys'), { recursive: true });
      writeFileSync(join(dir, 'keys', 'private.pem'), 'secret');
      const store = new FileArtifactStore({ baseDir: dir, roots: [dir, other], denied: [join(dir, 'keys')] });
      try {
        // Act / Assess
        expect(await readAll(await store.open(`file:${other}/r.json`, { maxBytes: 1024 }))).toBe('{}');
        await expect(store.open('file:keys/private.pem', { maxBytes: 1024 })).rejects.toThrow(/outside the allowed evidence roots/);
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    });

    it('refuses a FIFO at once, without opening it (opening would block until a writer comes)', async () => {
      // Prepare
      const fifo = join(dir, 'reports', 'pipe.json');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const store = new FileArtifactStore({ baseDir: dir });
      try {
        // Act / Assess
        await expect(store.open('file:reports/pipe.json', { maxBytes: 1024 })).rejects.toThrow(
          `file:reports/pipe.json: ${fifo} is not a regular file (a FIFO); expected a regular file`,
        );
      } finally {
        rmSync(fifo, { force: true });
      }
    });

    it('refuses a device even when it is inside a root', async () => {
      const store = new FileArtifactStore({ baseDir: '/dev' });
      await expect(store.open('file:zero', { maxBytes: 1024 })).rejects.toThrow('/dev/zero is not a regular file (a character device)');
    });
  });
});
