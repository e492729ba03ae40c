/**
 * How ledger entities map onto items of the single ledger table: the key layout, the run record
 * encoding (a JSON string, gzipped into a binary attribute when large) and time normalisation.
 * See docs/ledger.md.
 */
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { InvalidInputError } from '../../core/errors.js';
import type { RunRecord } from '../../core/run.js';
import { LedgerItemTooLargeError } from './ledger-errors.js';

/** Primary keys: every item of a run lives in the run's partition; claims have their own. */
export const keys = {
  run: (runId: string) => ({ pk: `RUN#${runId}`, sk: 'RUN' }),
  /** Which claim a run holds: written by versions before fences, read by none now (docs/ledger.md). */
  claimRef: (runId: string) => ({ pk: `RUN#${runId}`, sk: 'CLAIM' }),
  claim: (dedupeKey: string) => ({ pk: `CLAIM#${dedupeKey}`, sk: 'CLAIM' }),
  step: (runId: string, step: string) => ({ pk: `RUN#${runId}`, sk: `STEP#${step}` }),
  audit: (runId: string, at: string) => ({ pk: `RUN#${runId}`, sk: `AUDIT#${at}#${uniqueSuffix()}` }),
  override: (runId: string, at: string) => ({ pk: `RUN#${runId}`, sk: `OVERRIDE#${at}#${uniqueSuffix()}` }),
  runPartition: (runId: string) => `RUN#${runId}`,
} as const;

/**
 * The `kind` of the item a claim takeover puts in the stale run's record slot (`RUN#<runId>`/`RUN`),
 * so that the stale run can no longer be recorded. Readers of the slot treat it as "no run".
 */
export const FENCE_KIND = 'fence';

/** Whether a run-slot item is a fence rather than a run record. */
export const isFence = (item: Record<string, unknown>): boolean => item['kind'] === FENCE_KIND;

export const SK_PREFIX = { audit: 'AUDIT#', override: 'OVERRIDE#', step: 'STEP#' } as const;

/** The GSI partition values of a run item. */
export const indexKeys = {
  decision: (decision: string) => `DECISION#${decision}`,
  all: 'RUNS',
  group: (group: string) => `GROUP#${group}`,
  subject: (arn: string) => `SUBJECT#${arn}`,
} as const;

/** The shared GSI sort key: ISO start time, then the runId so equal times stay distinct. */
export const startedSk = (startedAtIso: string, runId: string): string => `${startedAtIso}#${runId}`;

// A per-process counter keeps entries written in the same millisecond in call order; the random
// part keeps two processes from producing the same key.
let counter = 0;
/** A sort-key suffix unique across processes and ordered within this one. */
export const uniqueSuffix = (): string => {
  counter = (counter + 1) % 0x1_0000_0000;
  return `${counter.toString(16).padStart(8, '0')}${randomBytes(6).toString('hex')}`;
};

/**
 * An ISO timestamp (`2025-06-01T10:00:00.000Z`) from an ISO date/time string or epoch
 * milliseconds (10 digits or more; a shorter number such as `2025` is read as a year). Sort keys
 * compare as strings, so every time is stored in this one form.
 */
export const normaliseTime = (value: string, where: string): string => {
  const ms = /^\d{10,}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new InvalidInputError(`"${value}" is not a time`, where, 'an ISO 8601 date or time, or epoch milliseconds');
  }
  return new Date(ms).toISOString();
};

/** DynamoDB refuses items above 400 KB; keep room for the keys and index attributes. */
export const RECORD_BUDGET_BYTES = 380 * 1024;
/** Records above this many bytes of JSON are stored gzipped. */
export const GZIP_ABOVE_BYTES = 64 * 1024;

export type EncodedRecord = { record: string } | { recordGz: Uint8Array };

/** The run record as one attribute: JSON text, or gzipped JSON when large. */
export const encodeRecord = (run: RunRecord): EncodedRecord => {
  const json = JSON.stringify(run);
  const rawBytes = Buffer.byteLength(json, 'utf8');
  if (rawBytes <= GZIP_ABOVE_BYTES) return { record: json };
  const gz = gzipSync(json);
  if (gz.byteLength > RECORD_BUDGET_BYTES) {
    throw new LedgerItemTooLargeError(run.runId, rawBytes, gz.byteLength, RECORD_BUDGET_BYTES);
  }
  return { recordGz: new Uint8Array(gz) };
};

/** The run record back from a run item. */
export const decodeRecord = (item: Record<string, unknown>): RunRecord => {
  const { record, recordGz, pk } = item;
  if (typeof record === 'string') return JSON.parse(record) as RunRecord;
  if (recordGz instanceof Uint8Array) return JSON.parse(gunzipSync(recordGz).toString('utf8')) as RunRecord;
  throw new Error(`ledger item ${String(pk)} has neither a record nor a recordGz attribute (expected a run item)`);
};
