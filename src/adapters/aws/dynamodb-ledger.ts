/**
 * The ledger on DynamoDB: the same adapter serves Lambda on AWS and the embedded dynalite stack,
 * so it uses only what both support (conditional Put/Update, Query on GSIs, BatchGetItem; no
 * transactions, no TTL). The table layout and the exactly-once reasoning are in docs/ledger.md.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import type { ClaimResult, Ledger, RunQuery, StepClaim } from '../../core/ports.js';
import type { PromotionClaim, PromotionRecord, PromotionStep, PromotionView } from '../../core/promotion/record.js';
import type { AuditEntry, Decision, Override, RunRecord } from '../../core/run.js';
import {
  SK_PREFIX,
  decodeRecord,
  encodeRecord,
  indexKeys,
  keys,
  normaliseTime,
  startedSk,
} from './ledger-codec.js';
import { ClaimLostError, RunAlreadyRecordedError, guardLedgerCall } from './ledger-errors.js';
import { batchGetRuns, mapBounded, queryRunIds } from './ledger-listing.js';
import { LedgerPromotions } from './ledger-promotions.js';
import { LedgerSteps } from './ledger-steps.js';
import { LEDGER_INDEXES, LEDGER_INDEX_SORT_KEY } from './ledger-table.js';

export interface DynamoDbLedgerOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** A claim item as stored. */
interface ClaimItem {
  dedupeKey: string;
  runId: string;
  claimedAt: string;
  leaseUntil: number;
  complete: boolean;
  takeovers: number;
}

const DECISIONS: readonly Decision[] = ['approve', 'reject', 'needs_review'];
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;
/** Bounds the parallel override look-ups of one listing. */
const OVERRIDE_LOOKUP_CONCURRENCY = 8;

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

const requireText = (value: unknown, where: string): string => {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidInputError(`got ${JSON.stringify(value)}`, where, 'a non-empty string');
  }
  return value;
};

/**
 * The {@link Ledger} port on one DynamoDB table (see `ledgerTableDefinition`).
 *
 * @example
 * ```ts
 * const ledger = new DynamoDbLedger({ client: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName });
 * const claim = await ledger.claimRun(`${subject.arn}|${policy.digest}`, runId, clock.now(), 20 * 60_000);
 * ```
 */
export class DynamoDbLedger implements Ledger {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #promotions: LedgerPromotions;
  readonly #steps: LedgerSteps;

  constructor(options: DynamoDbLedgerOptions) {
    this.#client = options.client;
    this.#table = requireText(options.tableName, 'DynamoDbLedger tableName');
    this.#promotions = new LedgerPromotions(this.#client, this.#table);
    this.#steps = new LedgerSteps(this.#client, this.#table);
  }

  async claimRun(dedupeKey: string, runId: string, now: Date, leaseMs: number): Promise<ClaimResult> {
    requireText(dedupeKey, 'claimRun dedupeKey');
    requireText(runId, 'claimRun runId');
    if (!Number.isFinite(now.getTime())) throw new InvalidInputError('is an invalid Date', 'claimRun now', 'a valid Date');
    if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
      throw new InvalidInputError(`got ${leaseMs}`, 'claimRun leaseMs', 'a positive number of milliseconds');
    }
    const nowMs = now.getTime();
    const claim: ClaimItem = { dedupeKey, runId, claimedAt: now.toISOString(), leaseUntil: nowMs + leaseMs, complete: false, takeovers: 0 };
    if (await this.#putIfAbsent({ ...keys.claim(dedupeKey), kind: 'claim', ...claim })) {
      await this.#writeClaimRef(runId, dedupeKey);
      return { status: 'claimed' };
    }
    const current = await this.#getClaim(dedupeKey);
    if (current.complete) return { status: 'exists', runId: current.runId, complete: true };
    if (current.leaseUntil > nowMs) return { status: 'exists', runId: current.runId, complete: false };

    // The lease expired. A holder that wrote its record but crashed before marking the claim
    // finished its work: complete the claim for it rather than run the subject twice.
    if (await this.#runExists(current.runId)) {
      await this.#markClaimComplete(dedupeKey, current.runId, now.toISOString());
      const after = await this.#getClaim(dedupeKey);
      return { status: 'exists', runId: after.runId, complete: after.complete };
    }
    // Take over only the exact claim we saw expire: of many contenders one update matches.
    const took = await this.#updateIf({
      Key: keys.claim(dedupeKey),
      UpdateExpression: 'SET runId = :runId, claimedAt = :claimedAt, leaseUntil = :until, takeovers = takeovers + :one, previousRunId = :seenRun',
      ConditionExpression: 'runId = :seenRun AND leaseUntil = :seenLease AND complete = :false',
      ExpressionAttributeValues: {
        ':runId': runId, ':claimedAt': now.toISOString(), ':until': nowMs + leaseMs, ':one': 1,
        ':seenRun': current.runId, ':seenLease': current.leaseUntil, ':false': false,
      },
    });
    if (took) {
      await this.#writeClaimRef(runId, dedupeKey);
      return { status: 'claimed' };
    }
    const winner = await this.#getClaim(dedupeKey);
    return { status: 'exists', runId: winner.runId, complete: winner.complete };
  }

  async putRun(record: RunRecord): Promise<void> {
    const runId = requireText(record.runId, 'RunRecord.runId');
    const where = `run ${runId}`;
    const started = normaliseTime(requireText(record.startedAt, `${where} startedAt`), `${where} startedAt`);
    const group = requireText(record.subject?.group, `${where} subject.group`);
    const arn = requireText(record.subject?.arn, `${where} subject.arn`);
    if (!DECISIONS.includes(record.decision)) {
      throw new InvalidInputError(`decision "${record.decision}"`, where, DECISIONS.join(' | '));
    }
    const encoded = encodeRecord(record);

    // Refuse early when another run took the claim over, before anything is written.
    const claimKey = await this.#claimRefOf(runId);
    if (claimKey !== undefined) {
      const claim = await this.#getClaim(claimKey);
      if (claim.runId !== runId) throw new ClaimLostError(runId, claimKey, claim.runId);
    }
    const written = await this.#putIfAbsent({
      ...keys.run(runId),
      kind: 'run',
      runId,
      decision: record.decision,
      subjectGroup: group,
      subjectArn: arn,
      startedAt: started,
      ...(typeof record.finishedAt === 'string' ? { finishedAt: record.finishedAt } : {}),
      [LEDGER_INDEX_SORT_KEY]: startedSk(started, runId),
      [LEDGER_INDEXES.byDecision]: indexKeys.decision(record.decision),
      [LEDGER_INDEXES.byStartedAt]: indexKeys.all,
      [LEDGER_INDEXES.byGroup]: indexKeys.group(group),
      [LEDGER_INDEXES.bySubject]: indexKeys.subject(arn),
      ...encoded,
    });
    if (claimKey !== undefined) {
      // Also on the refused path: a retry after a crash between the two writes completes the claim.
      const marked = await this.#markClaimComplete(claimKey, runId, record.finishedAt || started);
      if (!marked && written) throw new ClaimLostError(runId, claimKey, (await this.#getClaim(claimKey)).runId);
    }
    if (!written) throw new RunAlreadyRecordedError(runId);
  }

  async getRun(runId: string): Promise<RunRecord | null> {
    requireText(runId, 'getRun runId');
    const { Item } = await this.#send('GetItem', () =>
      this.#client.send(new GetCommand({ TableName: this.#table, Key: keys.run(runId), ConsistentRead: true })),
    );
    if (!Item) return null;
    return this.#withOverride(decodeRecord(Item));
  }

  async listRuns(query: RunQuery): Promise<RunRecord[]> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputError(`got ${limit}`, 'RunQuery.limit', `an integer from 1 to ${MAX_LIMIT}`);
    }
    if (query.decision !== undefined && !DECISIONS.includes(query.decision)) {
      throw new InvalidInputError(`"${query.decision}"`, 'RunQuery.decision', DECISIONS.join(' | '));
    }
    const since = query.since === undefined ? undefined : normaliseTime(query.since, 'RunQuery.since');
    const runIds = await queryRunIds(this.#client, this.#table, query, since, limit);
    const records = await batchGetRuns(this.#client, this.#table, runIds);
    return mapBounded(records, OVERRIDE_LOOKUP_CONCURRENCY, (r) => this.#withOverride(r));
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    const runId = requireText(entry.runId, 'AuditEntry.runId');
    requireText(entry.action, 'AuditEntry.action');
    requireText(entry.actor, 'AuditEntry.actor');
    const at = normaliseTime(requireText(entry.at, 'AuditEntry.at'), 'AuditEntry.at');
    await this.#appendUnique(() => ({ ...keys.audit(runId, at), kind: 'audit', entry: JSON.stringify(entry) }));
  }

  async auditTrail(runId: string): Promise<AuditEntry[]> {
    requireText(runId, 'auditTrail runId');
    const items = await this.#queryPartition(runId, SK_PREFIX.audit, true);
    return items.map((item) => JSON.parse(String(item['entry'])) as AuditEntry);
  }

  async recordOverride(runId: string, override: Override): Promise<void> {
    requireText(runId, 'recordOverride runId');
    if (override.decision !== 'approve' && override.decision !== 'reject') {
      throw new InvalidInputError(`decision "${String(override.decision)}"`, 'Override.decision', 'approve | reject');
    }
    requireText(override.reason, 'Override.reason');
    requireText(override.by, 'Override.by');
    const at = normaliseTime(requireText(override.at, 'Override.at'), 'Override.at');
    // Runs are never deleted, so checking first leaves no race worth a transaction.
    if (!(await this.#runExists(runId))) throw new NotFoundError('run', runId);
    await this.#appendUnique(() => ({ ...keys.override(runId, at), kind: 'override', override: JSON.stringify(override) }));
  }

  async completeStep(runId: string, step: string, at: string): Promise<boolean> {
    requireText(runId, 'completeStep runId');
    requireText(step, 'completeStep step');
    return this.#steps.complete(runId, step, normaliseTime(at, 'completeStep at'));
  }

  async stepsDone(runId: string): Promise<string[]> {
    requireText(runId, 'stepsDone runId');
    const items = await this.#queryPartition(runId, SK_PREFIX.step, true);
    return items.filter((item) => LedgerSteps.isDone(item)).map((item) => String(item['step']));
  }

  async claimStep(runId: string, step: string, now: Date, leaseMs: number): Promise<StepClaim> {
    requireText(runId, 'claimStep runId');
    requireText(step, 'claimStep step');
    if (!Number.isFinite(now.getTime())) throw new InvalidInputError('is an invalid Date', 'claimStep now', 'a valid Date');
    if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new InvalidInputError(`got ${leaseMs}`, 'claimStep leaseMs', 'a positive number of milliseconds');
    return this.#steps.claim(runId, step, now, leaseMs);
  }

  async releaseStep(runId: string, step: string): Promise<void> {
    requireText(runId, 'releaseStep runId');
    requireText(step, 'releaseStep step');
    await this.#steps.release(runId, step);
  }

  async releaseClaim(dedupeKey: string, runId: string): Promise<void> {
    requireText(dedupeKey, 'releaseClaim dedupeKey');
    requireText(runId, 'releaseClaim runId');
    try {
      await guardLedgerCall(this.#table, 'DeleteItem', () =>
        this.#client.send(
          new DeleteCommand({
            TableName: this.#table,
            Key: keys.claim(dedupeKey),
            // Only our own, unfinished claim: never one another invocation took over or completed.
            ConditionExpression: 'runId = :runId AND complete = :false',
            ExpressionAttributeValues: { ':runId': runId, ':false': false },
          }),
        ),
      );
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    }
  }

  claimPromotion(record: PromotionRecord): Promise<PromotionClaim> {
    return this.#promotions.claim(record);
  }

  getPromotion(promotionId: string): Promise<PromotionView | null> {
    return this.#promotions.get(promotionId);
  }

  listPromotions(runId: string): Promise<PromotionView[]> {
    return this.#promotions.list(runId);
  }

  putPromotionStep(promotionId: string, step: PromotionStep): Promise<boolean> {
    return this.#promotions.putStep(promotionId, step);
  }

  // --- helpers -----------------------------------------------------------------------------

  #send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return guardLedgerCall(this.#table, operation, call);
  }

  /** A Put that succeeds only when no item has the key; `false` when one has. */
  async #putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.#send('PutItem', () =>
        this.#client.send(new PutCommand({ TableName: this.#table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Appends an item under a fresh unique sort key (a fresh suffix on the vanishing chance of a clash). */
  async #appendUnique(make: () => Record<string, unknown>): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      if (await this.#putIfAbsent(make())) return;
    }
    throw new Error(`ledger ${this.#table}: three unique sort keys in a row already existed (expected an append to find a free key)`);
  }

  async #updateIf(input: {
    Key: Record<string, string>;
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeValues: Record<string, unknown>;
  }): Promise<boolean> {
    try {
      await this.#send('UpdateItem', () => this.#client.send(new UpdateCommand({ TableName: this.#table, ...input })));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async #getClaim(dedupeKey: string): Promise<ClaimItem> {
    const { Item } = await this.#send('GetItem', () =>
      this.#client.send(new GetCommand({ TableName: this.#table, Key: keys.claim(dedupeKey), ConsistentRead: true })),
    );
    // Claims are never deleted: a missing one means someone edited the table by hand.
    if (!Item) throw new Error(`ledger ${this.#table}: the claim on ${dedupeKey} vanished (expected claims never to be deleted)`);
    return Item as ClaimItem;
  }

  async #markClaimComplete(dedupeKey: string, runId: string, at: string): Promise<boolean> {
    return this.#updateIf({
      Key: keys.claim(dedupeKey),
      UpdateExpression: 'SET complete = :true, completedAt = if_not_exists(completedAt, :at)',
      ConditionExpression: 'runId = :runId',
      ExpressionAttributeValues: { ':true': true, ':at': at, ':runId': runId },
    });
  }

  async #writeClaimRef(runId: string, dedupeKey: string): Promise<void> {
    await this.#send('PutItem', () =>
      this.#client.send(new PutCommand({ TableName: this.#table, Item: { ...keys.claimRef(runId), kind: 'claim-ref', dedupeKey } })),
    );
  }

  async #claimRefOf(runId: string): Promise<string | undefined> {
    const { Item } = await this.#send('GetItem', () =>
      this.#client.send(new GetCommand({ TableName: this.#table, Key: keys.claimRef(runId), ConsistentRead: true })),
    );
    return Item ? String(Item['dedupeKey']) : undefined;
  }

  async #runExists(runId: string): Promise<boolean> {
    const { Item } = await this.#send('GetItem', () =>
      this.#client.send(
        new GetCommand({ TableName: this.#table, Key: keys.run(runId), ConsistentRead: true, ProjectionExpression: 'pk' }),
      ),
    );
    return Item !== undefined;
  }

  async #withOverride(record: RunRecord): Promise<RunRecord> {
    const { Items } = await this.#send('Query', () =>
      this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.runPartition(record.runId), ':prefix': SK_PREFIX.override },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
    );
    const latest = Items?.[0];
    return latest ? { ...record, override: JSON.parse(String(latest['override'])) as Override } : record;
  }

  /** Every item of a run's partition under one sort-key prefix, in sort-key order. */
  async #queryPartition(runId: string, prefix: string, ascending: boolean): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#send('Query', () =>
        this.#client.send(
          new QueryCommand({
            TableName: this.#table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': keys.runPartition(runId), ':prefix': prefix },
            ScanIndexForward: ascending,
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
