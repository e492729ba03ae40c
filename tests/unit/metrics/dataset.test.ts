import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { countRowsAndFields, readColumns, formatFromName, type ColumnSpec, type ReadColumnsOptions } from '../../../src/metrics/dataset/index.js';
import { parseNumberBytes } from '../../../src/metrics/dataset/bytes.js';
import { gzipped } from '../../support/inline-evidence.js';

async function* chunks(text: string | Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

type Cell = string | number | null;

/** Reads every row of `source` as plain values, in spec order. */
const readAll = async (source: AsyncIterable<Uint8Array>, options: ReadColumnsOptions): Promise<{ rows: Cell[][]; firstLines: number[] }> => {
  const rows: Cell[][] = [];
  const firstLines: number[] = [];
  for await (const batch of readColumns(source, options)) {
    firstLines.push(batch.firstLine);
    for (let i = 0; i < batch.rows; i++) {
      rows.push(batch.columns.map((c) => (c === null ? null : c.kind === 'number' ? c.values[i]! : c.dictionary[c.codes[i]!]!)));
    }
  }
  return { rows, firstLines };
};

const failure = async (source: AsyncIterable<Uint8Array>, options: ReadColumnsOptions): Promise<string> => {
  try {
    await readAll(source, options);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

const cat = (name: string, optional = false): ColumnSpec => ({ name, kind: 'category', ...(optional ? { optional } : {}) });
const num = (name: string, optional = false): ColumnSpec => ({ name, kind: 'number', ...(optional ? { optional } : {}) });

describe('readColumns: CSV', () => {
  it('reads quoted fields with separators, escaped quotes and line breaks, at any chunk size', async () => {
    // Prepare
    const csv = 'id,"note, free text",score\n1,"say ""hi"", then\nleave",0.5\n2,plain,-1.25e2\n3,"",7\n';
    for (const size of [1, 2, 5, 64]) {
      // Act
      const { rows } = await readAll(chunks(csv, size), { columns: [cat('note, free text'), num('score'), cat('id')] });
      // Assess
      expect(rows).toEqual([
        ['say "hi", then\nleave', 0.5, '1'],
        ['plain', -125, '2'],
        ['', 7, '3'],
      ]);
    }
  });

  it('accepts CRLF line ends, a byte-order mark, blank lines and a last row without a line end', async () => {
    // Prepare
    const csv = '\uFEFFlabel,score\r\n1,0.25\r\n\r\n0,"0.75"\r\n1,1';
    // Act
    const { rows } = await readAll(chunks(csv, 3), { columns: [cat('label'), num('score')] });
    // Assess
    expect(rows).toEqual([
      ['1', 0.25],
      ['0', 0.75],
      ['1', 1],
    ]);
  });

  it('delivers batches of batchRows rows, each naming the line its first row starts on', async () => {
    // Prepare
    const csv = 'a\n"x\ny"\nb\nc\nd\ne\n';
    // Act
    const { rows, firstLines } = await readAll(chunks(csv, 4), { columns: [cat('a')], batchRows: 2 });
    // Assess
    expect(rows.map((r) => r[0])).toEqual(['x\ny', 'b', 'c', 'd', 'e']);
    expect(firstLines).toEqual([2, 5, 7]);
  });

  it('dictionary-encodes categories with codes that keep their meaning across batches', async () => {
    // Prepare
    const csv = 'sex\nF\nM\nF\nX\nM\n';
    const codes: number[] = [];
    let dictionary: readonly string[] = [];
    // Act
    for await (const b of readColumns(chunks(csv, 3), { columns: [cat('sex')], batchRows: 2 })) {
      const col = b.columns[0]!;
      if (col.kind !== 'category') throw new Error('expected a category column');
      codes.push(...col.codes);
      dictionary = col.dictionary;
    }
    // Assess
    expect(dictionary).toEqual(['F', 'M', 'X']);
    expect(codes).toEqual([0, 1, 0, 2, 1]);
  });

  it('reads a stream that the evidence layer gunzipped', async () => {
    // Prepare
    const gunzipped = Readable.from([gzipped('label,score\n1,0.9\n0,0.1\n')]).pipe(createGunzip());
    // Act
    const { rows } = await readAll(gunzipped, { columns: [cat('label'), num('score')] });
    // Assess
    expect(rows).toEqual([
      ['1', 0.9],
      ['0', 0.1],
    ]);
  });

  it('names the file, the physical line and the column of a value that is not a number', async () => {
    // Prepare: the quoted line break makes row 2 span lines 2-3, so the bad row is on line 5
    const csv = 'label,score,note\n1,0.5,"two\nlines"\n0,0.25,x\n1,abc,y\n';
    // Act
    const message = await failure(chunks(csv, 7), { columns: [num('score')], sourceName: 'predictions.csv' });
    // Assess
    expect(message).toBe('predictions.csv line 5, column "score": a text of 3 characters is not a number');
  });

  it('rejects empty numbers, NaN, infinities and hex as numbers', async () => {
    for (const bad of ['', 'NaN', 'Infinity', '0x10', '1e999', '1.2.3', '-']) {
      // Act
      const message = await failure(chunks(`score\n"${bad}"\n`, 64), { columns: [num('score')], sourceName: 'p.csv' });
      // Assess
      expect(message).toMatch(/^p\.csv line 2, column "score": /);
    }
    expect(await failure(chunks('score,x\n\n,1\n', 64), { columns: [num('score')], sourceName: 'p.csv' })).toBe(
      'p.csv line 3, column "score": is empty; expected a number',
    );
  });

  it('names a row with the wrong number of fields, and an unclosed quote', async () => {
    // Act + Assess
    expect(await failure(chunks('a,b\n1,2\n3\n', 64), { columns: [cat('a')], sourceName: 'p.csv' })).toBe(
      'p.csv line 3: the row has 1 field; expected 2 as in the header',
    );
    expect(await failure(chunks('a,b\n1,"2\n', 64), { columns: [cat('a')], sourceName: 'p.csv' })).toBe(
      'p.csv line 2, column "b": a quoted field is not closed before the end of the file',
    );
    expect(await failure(chunks('a,b\n1,"2"x\n', 64), { columns: [cat('a')], sourceName: 'p.csv' })).toContain(
      'line 2, column "b": unexpected "x" after a closing quote',
    );
  });

  it('names the columns found when a requested column is missing; an optional one is null', async () => {
    // Act
    const missing = await failure(chunks('label,pred,sex\n1,1,F\n', 64), { columns: [cat('label'), num('score')], sourceName: 'p.csv' });
    const { rows } = await readAll(chunks('label,sex\n1,F\n', 64), { columns: [cat('label'), num('score', true)] });
    // Assess
    expect(missing).toBe('p.csv line 1: column "score" is missing; the header has 3 columns and none comes close (modelgate does not quote a file\'s header)');
    expect(rows).toEqual([['1', null]]);
  });

  it('says so when the file is empty or has a header only', async () => {
    // Act + Assess
    expect(await failure(chunks('', 8), { columns: [cat('a')], sourceName: 'p.csv' })).toBe('p.csv is empty; expected CSV with a header row, or JSON Lines');
    expect(await failure(chunks('\n\n', 8), { columns: [cat('a')], sourceName: 'p.csv', format: 'csv' })).toBe(
      'p.csv is empty; expected a CSV header row and data rows',
    );
    expect(await failure(chunks('a,b\r\n', 8), { columns: [cat('a')], sourceName: 'p.csv' })).toBe('p.csv has a header row but no data rows');
    expect(await failure(chunks('', 8), { columns: [cat('a')], sourceName: 'p.jsonl', format: 'jsonl' })).toBe(
      'p.jsonl is empty; expected one JSON object per line',
    );
  });

  it('bounds the distinct values of a category column', async () => {
    // Act
    const message = await failure(chunks('id\na\nb\nc\n', 64), { columns: [{ name: 'id', kind: 'category', maxDistinct: 2 }], sourceName: 'p.csv' });
    // Assess
    expect(message).toBe('p.csv line 4, column "id": more than 2 distinct values; expected a categorical column (raise maxDistinct if this is intended)');
  });

  it('stops between chunks when the signal is aborted', async () => {
    // Prepare
    const controller = new AbortController();
    const csv = `a\n${'1\n'.repeat(1000)}`;
    let batches = 0;
    // Act
    const run = async () => {
      for await (const _ of readColumns(chunks(csv, 100), { columns: [cat('a')], batchRows: 10, signal: controller.signal })) {
        batches++;
        controller.abort(new Error('timed out'));
      }
    };
    // Assess
    await expect(run()).rejects.toThrow('timed out');
    expect(batches).toBe(1);
  });

  it('round-trips random rows written as RFC 4180 CSV, at any chunk and batch size', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r\n', 'é', '€', '1', '.'), maxLength: 8 });
    const row = fc.tuple(field, fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), field);
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 7 }),
        async (rows, eol, quoteAll, chunkSize, batchRows) => {
          // Prepare
          const quote = (s: string): string => (quoteAll || /[",\r\n]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s);
          const text = `"x y",n,z${eol}${rows.map(([a, n, b]) => [quote(a), String(n), quote(b)].join(',')).join(eol)}${eol}`;
          // Act
          const { rows: back } = await readAll(chunks(text, chunkSize), { columns: [cat('x y'), num('n'), cat('z')], batchRows });
          const floor = await countRowsAndFields(chunks(text, chunkSize), 'csv');
          // Assess
          expect(back).toEqual(rows.map(([a, n, b]) => [a, Number(String(n)), b]));
          expect(floor.rows).toBe(rows.length);
          expect(floor.fields).toBe(3 * (rows.length + 1));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('readColumns: JSON Lines', () => {
  it('reads the requested keys in any order, skipping nested values and blank lines', async () => {
    // Prepare
    const jsonl = '{"label": 1, "extra": {"a": [1, "}", {"b": null}]}, "score": 0.5, "sex": "F\\u00e9"}\n\n{"sex":"M","score":"0.25","label":"yes"}\r\n';
    for (const size of [1, 4, 256]) {
      // Act
      const { rows } = await readAll(chunks(jsonl, size), { columns: [cat('label'), num('score'), cat('sex')] });
      // Assess
      expect(rows).toEqual([
        ['1', 0.5, 'Fé'],
        ['yes', 0.25, 'M'],
      ]);
    }
  });

  it('is chosen by auto from the first byte, and by formatFromName from the file name', async () => {
    // Act
    const { rows } = await readAll(chunks('  {"a": true}\n', 2), { columns: [cat('a')] });
    // Assess
    expect(rows).toEqual([['true']]);
    expect(formatFromName('s3://b/k/preds.jsonl.gz')).toBe('jsonl');
    expect(formatFromName('file:///x/preds.CSV')).toBe('csv');
    expect(formatFromName('inline://predictions')).toBe('auto');
  });

  it('names the line and key of a null, a missing key, a nested value and broken JSON', async () => {
    const opts = { columns: [cat('label'), num('score')], sourceName: 'p.jsonl' };
    // Act + Assess
    expect(await failure(chunks('{"label":1,"score":null}\n', 64), opts)).toBe('p.jsonl line 1, column "score": null; expected a number');
    expect(await failure(chunks('{"label":1,"score":1}\n{"label":0}\n', 64), opts)).toBe(
      'p.jsonl line 2, column "score": missing from this row; expected in every row once the first row has it',
    );
    expect(await failure(chunks('{"label":1,"score":[1]}\n', 64), opts)).toBe('p.jsonl line 1, column "score": is an array; expected a number or a string');
    expect(await failure(chunks('{"label":1,"score":1}\n{"label":1 "score":2}\n', 64), opts)).toBe('p.jsonl line 2: expected "," or "}" in the JSON object');
    expect(await failure(chunks('{"label":1}\n', 64), opts)).toBe(
      'p.jsonl line 1: column "score" is missing; the header has 1 column and none comes close (modelgate does not quote a file\'s header)',
    );
  });

  it('counts JSON Lines rows and top-level fields for the floor', async () => {
    // Act
    const floor = await countRowsAndFields(chunks('{"a":1,"b":{"c":2,"d":3}}\n\n{"a":"x,y","b":2}\n', 5), 'jsonl');
    // Assess
    expect(floor).toEqual({ rows: 2, fields: 4, bytes: 45 });
  });
});

describe('parseNumberBytes', () => {
  it('equals Number() bit for bit on decimal text, and refuses overflow', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 17 }), (x, digits) => {
        // Prepare
        const texts = [String(x), x.toFixed(Math.min(digits, 15)).replace(/^-?\d{22,}.*/, '1'), x.toExponential(Math.min(digits, 15))];
        for (const text of texts) {
          const bytes = Buffer.from(text, 'latin1');
          // Act
          const parsed = parseNumberBytes(bytes, 0, bytes.length);
          // Assess: the same number, or NaN (refused) where Number() overflows to an infinity
          const expected = Number(text);
          expect(Object.is(parsed, Number.isFinite(expected) ? expected : Number.NaN)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('dataset errors never quote the file', () => {
  it('describes a missing column by the header size, naming only names close to the one asked for', async () => {
    const { describeHeader } = await import('../../../src/metrics/dataset/resolve.js');
    expect(describeHeader(['AWS_SECRET_ACCESS_KEY=abc123'], ['label'])).toBe(
      "the header has 1 column and none comes close (modelgate does not quote a file's header)",
    );
    expect(describeHeader(['Label', 'score_x', 'other'], ['label'])).toBe(
      'the header has 3 columns, of which "Label" comes close (column names are case-sensitive)',
    );
    expect(describeHeader(['labels'], ['label'])).toContain('"labels" comes close');
  });
});
