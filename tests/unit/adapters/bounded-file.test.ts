/**
 * The one reader of input files (issue 9, rows 7 and 8): regular files only, bounded in bytes and
 * time, never blocking on a FIFO, never leaving a handle open.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FileReadError, readBoundedFile, readBoundedText } from '../../../src/adapters/local/bounded-file.js';
import { InvalidInputError } from '../../../src/core/errors.js';

/** The error `promise` rejects with (fails the test when it resolves). */
const rejectionOf = async (promise: Promise<unknown>): Promise<FileReadError> => {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(FileReadError);
    expect(err).toBeInstanceOf(InvalidInputError);
    return err as FileReadError;
  }
  throw new Error('expected a FileReadError');
};

describe('readBoundedFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelgate-bounded-'));
    writeFileSync(join(dir, 'ten.txt'), '0123456789');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a regular file up to the limit, through a symbolic link too', async () => {
    symlinkSync(join(dir, 'ten.txt'), join(dir, 'link.txt'));
    expect((await readBoundedFile(join(dir, 'ten.txt'), { maxBytes: 10 })).toString()).toBe('0123456789');
    expect((await readBoundedFile(join(dir, 'link.txt'), { maxBytes: 10 })).toString()).toBe('0123456789');
  });

  it('refuses a file over the limit, naming the path and the limit', async () => {
    const err = await rejectionOf(readBoundedFile(join(dir, 'ten.txt'), { maxBytes: 9 }));
    expect(err.problem).toBe('too-large');
    expect(err.message).toBe(`${join(dir, 'ten.txt')}: larger than the limit of 9 bytes (the file is 10 bytes)`);
  });

  it('stops a file whose stated size is wrong (/proc) one byte past the limit', async () => {
    // /proc/self/status says size 0 but has hundreds of bytes
    const err = await rejectionOf(readBoundedFile('/proc/self/status', { maxBytes: 16 }));
    expect(err.message).toBe('/proc/self/status: larger than the limit of 16 bytes (stopped reading after 17 bytes)');
  });

  it.each([
    ['/dev/zero', 'a character device'],
    ['/dev/null', 'a character device'],
    ['/tmp', 'a directory'],
  ])('refuses %s (%s) without reading it', async (path, kind) => {
    const err = await rejectionOf(readBoundedFile(path, { maxBytes: 1024 }));
    expect(err.problem).toBe('not-regular');
    expect(err.message).toBe(`${path}: is not a regular file (${kind}); expected a regular file`);
  });

  it('refuses a FIFO at once: no writer is waited for and no handle keeps the process alive', async () => {
    // Prepare
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    try {
      // Act
      const err = await rejectionOf(readBoundedFile(fifo, { maxBytes: 1024 }));
      // Assess
      expect(err.message).toBe(`${fifo}: is not a regular file (a FIFO); expected a regular file`);
    } finally {
      rmSync(fifo, { force: true });
    }
  });

  it('says "no such file" for a missing path', async () => {
    const err = await rejectionOf(readBoundedFile(join(dir, 'missing'), { maxBytes: 1024 }));
    expect(err).toMatchObject({ problem: 'not-found', message: `${join(dir, 'missing')}: no such file` });
  });

  it('gives up after the time bound', async () => {
    // Prepare: a file large enough that reading it takes several event-loop turns
    const big = join(dir, 'big.bin');
    writeFileSync(big, Buffer.alloc(32 * 1024 * 1024));
    // Act
    const err = await rejectionOf(readBoundedFile(big, { maxBytes: 64 * 1024 * 1024, timeoutMs: 0 }));
    // Assess
    expect(err.problem).toBe('timeout');
    expect(err.message).toBe(`${big}: could not be read within 0 ms`);
  });
});

describe('readBoundedText', () => {
  it('decodes UTF-8, drops a BOM, refuses other bytes without quoting them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-bounded-text-'));
    try {
      writeFileSync(join(dir, 'bom.json'), Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]));
      writeFileSync(join(dir, 'latin1.json'), Buffer.from([0x7b, 0xe9, 0x7d]));
      expect(await readBoundedText(join(dir, 'bom.json'), { maxBytes: 100 })).toBe('{}');
      const err = await rejectionOf(readBoundedText(join(dir, 'latin1.json'), { maxBytes: 100 }));
      expect(err.message).toBe(`${join(dir, 'latin1.json')}: is not valid UTF-8 text`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
