import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { GZIP_ABOVE_BYTES, decodeRecord, encodeRecord, keys, normaliseTime, uniqueSuffix } from '../../../src/adapters/aws/ledger-codec.js';
import { indexFor, runIdQuery } from '../../../src/adapters/aws/ledger-listing.js';
import { LEDGER_INDEXES, LEDGER_INDEX_SORT_KEY, ledgerTableDefinition } from '../../../src/adapters/aws/ledger-table.js';
import { InvalidInputError } from '../../../src/core/errors.js';
import { makeCheckResult, makeRunRecord } from '../../support/run-record.js';

describe('normaliseTime', () => {
  it('turns ISO times, dates and epoch milliseconds into one sortable ISO form', () => {
    // Act / Assess
    expect(normaliseTime('2025-06-01T12:00:00+02:00', 'x')).toBe('2025-06-01T10:00:00.000Z');
    expect(normaliseTime('2025-06-01', 'x')).toBe('2025-06-01T00:00:00.000Z');
    expect(normaliseTime(String(Date.UTC(2025, 5, 1, 10)), 'x')).toBe('2025-06-01T10:00:00.000Z');
    expect(normaliseTime('2025', 'x')).toBe('2025-01-01T00:00:00.000Z');
  });

  it('names the field and the expected forms when the value is not a time', () => {
    // Act
    const bad = (): string => normaliseTime('next tuesday', 'RunQuery.since');

    // Assess
    expect(bad).toThrow(InvalidInputError);
    expect(bad).toThrow('RunQuery.since: "next tuesday" is not a time (expected an ISO 8601 date or time, or epoch milliseconds)');
  });

  it('keeps time order as string order (what the sort keys rely on)', () => {
    // Epoch milliseconds from 2001-09-09 (10 digits) to 2100.
    const epochMs = fc.integer({ min: 1_000_000_000_000, max: 4_102_444_800_000 });
    fc.assert(
      fc.property(epochMs, epochMs, (a, b) => {
        const [sa, sb] = [normaliseTime(String(a), 't'), normaliseTime(String(b), 't')];
        expect(sa < sb).toBe(a < b);
        expect(sa === sb).toBe(a === b);
      }),
    );
  });
});

describe('uniqueSuffix', () => {
  it('is unique and increasing within a process', () => {
    // Act
    const suffixes = Array.from({ length: 1000 }, () => uniqueSuffix());

    // Assess
    expect(new Set(suffixes).size).toBe(1000);
    expect([...suffixes].sort()).toEqual(suffixes);
  });

  it('gives two audit entries of the same time different keys in call order', () => {
    // Act
    const a = keys.audit('run-1', '2025-06-01T10:00:00.000Z');
    const b = keys.audit('run-1', '2025-06-01T10:00:00.000Z');

    // Assess
    expect(a.pk).toBe(b.pk);
    expect(a.sk < b.sk).toBe(true);
  });
});

describe('encodeRecord / decodeRecord', () => {
  it('stores a small record as JSON text and reads it back', () => {
    // Prepare
    const run = makeRunRecord();

    // Act
    const encoded = encodeRecord(run);

    // Assess
    expect(encoded).toEqual({ record: JSON.stringify(run) });
    expect(decodeRecord(encoded)).toEqual(run);
  });

  it('gzips a record above the threshold and reads it back', () => {
    // Prepare
    const findings = Array.from({ length: 2000 }, (_, i) => ({ severity: 'info' as const, message: `finding number ${i} about segment ${i % 17}` }));
    const run = makeRunRecord({ checks: [makeCheckResult({ findings })] });
    expect(JSON.stringify(run).length).toBeGreaterThan(GZIP_ABOVE_BYTES);

    // Act
    const encoded = encodeRecord(run);

    // Assess
    expect('recordGz' in encoded).toBe(true);
    expect(decodeRecord(encoded)).toEqual(run);
  });

  it('says what an item without a record is', () => {
    // Act / Assess
    expect(() => decodeRecord({ pk: 'RUN#x' })).toThrow('ledger item RUN#x has neither a record nor a recordGz attribute');
  });
});

describe('ledgerTableDefinition', () => {
  it('is on-demand, keyed pk/sk, with one GSI per listing and every key attribute defined', () => {
    // Act
    const def = ledgerTableDefinition('t');

    // Assess
    expect(def.BillingMode).toBe('PAY_PER_REQUEST');
    expect(def.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(def.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(Object.keys(LEDGER_INDEXES));
    const defined = new Set(def.AttributeDefinitions?.map((a) => a.AttributeName));
    const used = [...(def.KeySchema ?? []), ...(def.GlobalSecondaryIndexes ?? []).flatMap((i) => i.KeySchema ?? [])].map((k) => k.AttributeName);
    expect(new Set(used)).toEqual(defined);
    expect(def.GlobalSecondaryIndexes?.every((i) => i.KeySchema?.[1]?.AttributeName === LEDGER_INDEX_SORT_KEY)).toBe(true);
  });
});

describe('runIdQuery', () => {
  it('reads the most selective index and filters on the rest', () => {
    // Act
    const bySubject = runIdQuery('t', { subjectArn: 'arn:x', group: 'g', decision: 'reject' }, undefined, 10);
    const byGroup = runIdQuery('t', { group: 'g', decision: 'reject' }, '2025-06-01T00:00:00.000Z', 10);
    const byDecision = runIdQuery('t', { decision: 'approve' }, undefined, 10);

    // Assess
    expect(bySubject).toMatchObject({ IndexName: 'bySubject', FilterExpression: '#decision = :decision AND #group = :group', Limit: 100 });
    expect(byGroup).toMatchObject({ IndexName: 'byGroup', KeyConditionExpression: '#h = :h AND #s >= :since', FilterExpression: '#decision = :decision' });
    expect(byDecision).toMatchObject({ IndexName: 'byDecision', Limit: 10, ScanIndexForward: false });
    expect(byDecision.FilterExpression).toBeUndefined();
    expect(indexFor({})).toEqual({ index: 'byStartedAt', hashValue: 'RUNS' });
  });
});
