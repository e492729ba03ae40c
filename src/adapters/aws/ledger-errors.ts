/**
 * Failures specific to the DynamoDB ledger. The refusals extend the core `RefusedError`, so use
 * cases can handle them without importing an adapter.
 */
import { RefusedError } from '../../core/errors.js';
import { AwsCallError } from './aws-call-error.js';

/** `putRun` for a runId that is already recorded: a run is written once. */
export class RunAlreadyRecordedError extends RefusedError {
  readonly runId: string;
  constructor(runId: string) {
    super(`run ${runId} is already recorded in the ledger; a run record is written once (record a new run or an override instead)`);
    this.name = 'RunAlreadyRecordedError';
    this.runId = runId;
  }
}

/** `putRun` by a run whose claim was taken over by another run after its lease expired. */
export class ClaimLostError extends RefusedError {
  readonly runId: string;
  readonly heldBy: string;
  constructor(runId: string, dedupeKey: string, heldBy: string) {
    super(
      `run ${runId} no longer holds the claim on ${dedupeKey}: run ${heldBy} took it over after the lease expired ` +
        '(expected the lease to outlast the run; raise leaseMs above the function timeout)',
    );
    this.name = 'ClaimLostError';
    this.runId = runId;
    this.heldBy = heldBy;
  }
}

/** The ledger table does not exist where the client points. */
export class LedgerTableMissingError extends Error {
  readonly tableName: string;
  constructor(tableName: string, options?: { cause?: unknown }) {
    super(`ledger table ${tableName} does not exist (expected it to be deployed, or created with ensureLedgerTable for the local stack)`, options);
    this.name = 'LedgerTableMissingError';
    this.tableName = tableName;
  }
}

/** A run record too large for one DynamoDB item even when compressed. */
export class LedgerItemTooLargeError extends Error {
  readonly runId: string;
  readonly bytes: number;
  constructor(runId: string, rawBytes: number, compressedBytes: number, limitBytes: number) {
    super(
      `run ${runId}: the record is ${rawBytes} bytes as JSON and ${compressedBytes} bytes gzipped, above the ` +
        `${limitBytes}-byte ledger item budget (expected fewer findings/metrics per check, or evidence kept by reference)`,
    );
    this.name = 'LedgerItemTooLargeError';
    this.runId = runId;
    this.bytes = compressedBytes;
  }
}

/**
 * Runs one DynamoDB call of the ledger: a missing table becomes {@link LedgerTableMissingError};
 * any other SDK failure becomes an `AwsCallError` that says whether a retry can help. Conditional
 * check failures pass through untouched: the ledger turns them into answers.
 */
export const guardLedgerCall = async <T>(tableName: string, operation: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'ConditionalCheckFailedException') throw error;
    if (name === 'ResourceNotFoundException') throw new LedgerTableMissingError(tableName, { cause: error });
    throw new AwsCallError('DynamoDB', operation, tableName, error);
  }
};
