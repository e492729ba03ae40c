/**
 * The ledger on DynamoDB: the same adapter serves Lambda on AWS and the embedded dynalite stack,
 * so it uses only what both support (conditional Put/Update, Query on GSIs, BatchGetItem; no
 * transactions, no TTL). The table layout and the exactly-once reasoning are in docs/ledger.md.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import type { ClaimResult, Ledger, RunQuery, StepClaim } from '../../core/ports.js';
import type { PromotionClaim, PromotionRecord, PromotionStep, PromotionView } from '../../core/promotion/record.js';
import type { AuditEntry, Decision, Override, RunRecord } from '../../core/run.js';
import { getItem, putIfAbsent } from './ledger-calls.js';
import { LedgerClaims } from './ledger-claims.js';
import {
  RECORD_BUDGET_BYTES,
  SK_PREFIX,
  decodeRecord,
  encodeRecord,
  indexKeys,
  isFence,
  keys,
  normaliseTime,
  startedSk,
  type EncodedRecord,
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

const DECISIONS: readonly Decision[] = ['approve', 'reject', 'needs_review'];
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;
/** Bounds the parallel override look-ups of one listing. */
const OVERRIDE_LOOKUP_CONCURRENCY = 8;

const requireText = (value: unknown, where: string): string => {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidInputError(`got ${JSON.stringify(value)}`, where, 'a non-empty string');
  }
  return value;
};

/** The run item's attribute holding the audit entries written with the record (JSON array). */
const RUN_AUDIT_ATTRIBUTE = 'audit';

const encodedBytes = (encoded: EncodedRecord): number => ('record' in encoded ? Buffer.byteLength(encoded.record, 'utf8') : encoded.recordGz.byteLength);

/** Checks an audit entry's fields (and its run, when given); returns its time, normalised. */
const validateAudit = (entry: AuditEntry, where: string, runId?: string): string => {
  const entryRun = requireText(entry.runId, `${where}.runId`);
  if (runId !== undefined && entryRun !== runId) {
    throw new InvalidInputError(`runId "${entryRun}"`, `${where}.runId`, `the run being recorded, "${runId}"`);
  }
  requireText(entry.action, `${where}.action`);
  requireText(entry.actor, `${where}.actor`);
  return normaliseTime(requireText(entry.at, `${where}.at`), `${where}.at`);
};

/**
 * Two time-ordered lists of audit entries as one, oldest first. On equal times the entries written
 * with the run record come first: they were written before anything could act on the run.
 */
const mergeByTime = (first: Array<{ at: string; entry: AuditEntry }>, second: Array<{ at: string; entry: AuditEntry }>): AuditEntry[] => {
  const a = [...first].sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  const out: AuditEntry[] = [];
  let i = 0;
  for (const b of second) {
    while (i < a.length && a[i]!.at <= b.at) out.push(a[i++]!.entry);
    out.push(b.entry);
  }
  while (i < a.length) out.push(a[i++]!.entry);
  return out;
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
  readonly #claims: LedgerClaims;
  readonly #promotions: LedgerPromotions;
  readonly #steps: LedgerSteps;

  constructor(options: DynamoDbLedgerOptions) {
    this.#client = options.client;
    this.#table = requireText(options.tableName, 'DynamoDbLedger tableName');
    this.#claims = new LedgerClaims(this.#client, this.#table);
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
    return this.#claims.claim(dedupeKey, runId, now, leaseMs);
  }

  async putRun(record: RunRecord, audit: readonly AuditEntry[] = []): Promise<void> {
    const runId = requireText(record.runId, 'RunRecord.runId');
    const where = `run ${runId}`;
    const started = normaliseTime(requireText(record.startedAt, `${where} startedAt`), `${where} startedAt`);
    const group = requireText(record.subject?.group, `${where} subject.group`);
    const arn = requireText(record.subject?.arn, `${where} subject.arn`);
    if (!DECISIONS.includes(record.decision)) {
      throw new InvalidInputError(`decision "${record.decision}"`, where, DECISIONS.join(' | '));
    }
    audit.forEach((entry, i) => validateAudit(entry, `putRun audit[${i}]`, runId));
    const encoded = encodeRecord(record);
    // The run's first audit entries ride on the run item when they fit: one write instead of three.
    const auditJson = audit.length > 0 ? JSON.stringify(audit) : undefined;
    const embedAudit = auditJson !== undefined && encodedBytes(encoded) + Buffer.byteLength(auditJson, 'utf8') <= RECORD_BUDGET_BYTES;

    // No read of the claim first: a run whose claim was taken over was fenced by the taker, so
    // the conditional put below fails for it (LedgerClaims).
    const written = await putIfAbsent(this.#client, this.#table, {
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
      ...(embedAudit ? { [RUN_AUDIT_ATTRIBUTE]: auditJson } : {}),
    });
    const claimKey = this.#claims.heldBy(runId);
    const completedAt = record.finishedAt || started;
    if (!written) {
      const slot = await getItem(this.#client, this.#table, keys.run(runId), ['kind', 'dedupeKey', 'fencedBy']);
      if (slot !== undefined && isFence(slot)) {
        this.#claims.forget(runId);
        const dedupeKey = String(slot['dedupeKey']);
        throw new ClaimLostError(runId, dedupeKey, await this.#claims.holderAfterLoss(dedupeKey, runId, String(slot['fencedBy'])));
      }
      // Recorded before: a retry after a failure between the record and the claim completes the claim.
      if (claimKey !== undefined && (await this.#claims.markComplete(claimKey, runId, completedAt))) this.#claims.forget(runId);
      throw new RunAlreadyRecordedError(runId);
    }
    if (!embedAudit) for (const entry of audit) await this.appendAudit(entry);
    if (claimKey === undefined) return;
    const marked = await this.#claims.markComplete(claimKey, runId, completedAt);
    this.#claims.forget(runId);
    // Only a takeover that did not fence (a version before fences, mid-deployment) gets here.
    if (!marked) throw new ClaimLostError(runId, claimKey, await this.#claims.holderAfterLoss(claimKey, runId));
  }

  async getRun(runId: string): Promise<RunRecord | null> {
    requireText(runId, 'getRun runId');
    const item = await getItem(this.#client, this.#table, keys.run(runId));
    if (!item || isFence(item)) return null;
    return this.#withOverride(decodeRecord(item));
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
    const at = validateAudit(entry, 'AuditEntry');
    await this.#appendUnique(() => ({ ...keys.audit(runId, at), kind: 'audit', entry: JSON.stringify(entry) }));
  }

  async auditTrail(runId: string): Promise<AuditEntry[]> {
    requireText(runId, 'auditTrail runId');
    const [items, slot] = await Promise.all([
      this.#queryPartition(runId, SK_PREFIX.audit, true),
      getItem(this.#client, this.#table, keys.run(runId), [RUN_AUDIT_ATTRIBUTE]),
    ]);
    const appended = items.map((item) => ({ at: String(item['sk']).split('#')[1] ?? '', entry: JSON.parse(String(item['entry'])) as AuditEntry }));
    const raw = slot?.[RUN_AUDIT_ATTRIBUTE];
    const withRun = typeof raw === 'string' ? (JSON.parse(raw) as AuditEntry[]).map((entry) => ({ at: normaliseTime(entry.at, 'AuditEntry.at'), entry })) : [];
    return mergeByTime(withRun, appended);
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
    const slot = await getItem(this.#client, this.#table, keys.run(runId), ['kind']);
    if (slot === undefined || isFence(slot)) throw new NotFoundError('run', runId);
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
    await this.#claims.release(dedupeKey, runId);
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

  /** Appends an item under a fresh unique sort key (a fresh suffix on the vanishing chance of a clash). */
  async #appendUnique(make: () => Record<string, unknown>): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      if (await putIfAbsent(this.#client, this.#table, make())) return;
    }
    throw new Error(`ledger ${this.#table}: three unique sort keys in a row already existed (expected an append to find a free key)`);
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
