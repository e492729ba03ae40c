/**
 * Evaluation claims on the ledger table: one item per dedupe key (subject + policy digest,
 * `CLAIM#<key>`), won by one conditional put, held with a lease, taken over after it, marked
 * complete once the run is recorded. A takeover first *fences* the stale run: it puts a fence item
 * in that run's record slot, so the stale run's own conditional put of its record fails and it can
 * never be recorded. That is what lets `putRun` write without reading the claim first.
 * See docs/ledger.md, "Exactly once, without transactions".
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ClaimResult } from '../../core/ports.js';
import { getItem, putIfAbsent, updateIf } from './ledger-calls.js';
import { FENCE_KIND, isFence, keys } from './ledger-codec.js';

/** A claim item as stored. */
export interface ClaimItem {
  dedupeKey: string;
  runId: string;
  claimedAt: string;
  leaseUntil: number;
  complete: boolean;
  takeovers: number;
}

/**
 * How many claims one process remembers between `claim` and the run's record. One per evaluation
 * in flight; the bound only matters for a long-lived process whose runs keep dying half way.
 */
const HELD_MAX = 10_000;
/** Attempts at a claim that its holder keeps releasing under us. */
const VANISHED_ATTEMPTS = 3;

/** The claim half of the ledger adapter (`DynamoDbLedger` delegates here). */
export class LedgerClaims {
  /** runId → dedupe key of the claims this instance won and whose run is not recorded yet. */
  readonly #held = new Map<string, string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async claim(dedupeKey: string, runId: string, now: Date, leaseMs: number): Promise<ClaimResult> {
    // A claim that was there when our put failed and gone when we read it was released by its
    // holder (its run failed): claim again from the start.
    for (let attempt = 1; attempt <= VANISHED_ATTEMPTS; attempt += 1) {
      const result = await this.#claimOnce(dedupeKey, runId, now, leaseMs);
      if (result !== undefined) return result;
    }
    throw new Error(`ledger ${this.table}: the claim on ${dedupeKey} was released ${VANISHED_ATTEMPTS} times while being claimed (expected it to settle)`);
  }

  /** One attempt at {@link claim}; `undefined` when the claim vanished under it. */
  async #claimOnce(dedupeKey: string, runId: string, now: Date, leaseMs: number): Promise<ClaimResult | undefined> {
    const nowMs = now.getTime();
    const claim: ClaimItem = { dedupeKey, runId, claimedAt: now.toISOString(), leaseUntil: nowMs + leaseMs, complete: false, takeovers: 0 };
    if (await putIfAbsent(this.client, this.table, { ...keys.claim(dedupeKey), kind: 'claim', ...claim })) {
      this.#remember(runId, dedupeKey);
      return { status: 'claimed' };
    }
    const current = await this.get(dedupeKey);
    if (current === undefined) return undefined;
    if (current.complete) return { status: 'exists', runId: current.runId, complete: true };
    if (current.leaseUntil > nowMs) return { status: 'exists', runId: current.runId, complete: false };

    // The lease expired. Fence the holder's run first: from here on it cannot be recorded, so a
    // holder that was only slow cannot write a second run for this key after we take over.
    const fenced = await putIfAbsent(this.client, this.table, {
      ...keys.run(current.runId),
      kind: FENCE_KIND,
      runId: current.runId,
      dedupeKey,
      fencedBy: runId,
      fencedAt: now.toISOString(),
    });
    if (!fenced) {
      const slot = await getItem(this.client, this.table, keys.run(current.runId), ['kind']);
      if (slot !== undefined && !isFence(slot)) {
        // The holder recorded its run but crashed before marking the claim: it finished its work,
        // so complete the claim for it rather than run the subject twice.
        await this.markComplete(dedupeKey, current.runId, now.toISOString());
        const after = await this.get(dedupeKey);
        return after === undefined ? undefined : { status: 'exists', runId: after.runId, complete: after.complete };
      }
      // Another contender fenced it first: the takeover below still lets exactly one of us win.
    }
    // Take over only the exact claim we saw expire: of many contenders one update matches.
    const took = await updateIf(this.client, this.table, {
      Key: keys.claim(dedupeKey),
      UpdateExpression: 'SET runId = :runId, claimedAt = :claimedAt, leaseUntil = :until, takeovers = takeovers + :one, previousRunId = :seenRun',
      ConditionExpression: 'runId = :seenRun AND leaseUntil = :seenLease AND complete = :false',
      ExpressionAttributeValues: {
        ':runId': runId,
        ':claimedAt': now.toISOString(),
        ':until': nowMs + leaseMs,
        ':one': 1,
        ':seenRun': current.runId,
        ':seenLease': current.leaseUntil,
        ':false': false,
      },
    });
    if (took) {
      this.#remember(runId, dedupeKey);
      return { status: 'claimed' };
    }
    const winner = await this.get(dedupeKey);
    return winner === undefined ? undefined : { status: 'exists', runId: winner.runId, complete: winner.complete };
  }

  /** The dedupe key of the claim this instance won for `runId`, while its run is not recorded. */
  heldBy(runId: string): string | undefined {
    return this.#held.get(runId);
  }

  /** Forgets the claim of `runId` (recorded, released, or lost). */
  forget(runId: string): void {
    this.#held.delete(runId);
  }

  /** Marks the claim complete when `runId` still holds it; `false` when another run does. */
  markComplete(dedupeKey: string, runId: string, at: string): Promise<boolean> {
    return updateIf(this.client, this.table, {
      Key: keys.claim(dedupeKey),
      UpdateExpression: 'SET complete = :true, completedAt = if_not_exists(completedAt, :at)',
      ConditionExpression: 'runId = :runId',
      ExpressionAttributeValues: { ':true': true, ':at': at, ':runId': runId },
    });
  }

  /**
   * Gives up `runId`'s own unfinished claim so that a retry claims at once: its lease is ended
   * (set to 0), not its item deleted — the ledger's role may not delete (append-only), and the
   * next claimant takes an expired claim over, fencing this run's record slot on the way. A no-op
   * for a claim taken over or completed.
   */
  async release(dedupeKey: string, runId: string): Promise<void> {
    this.forget(runId);
    await updateIf(this.client, this.table, {
      Key: keys.claim(dedupeKey),
      UpdateExpression: 'SET leaseUntil = :ended, releasedAt = :at',
      ConditionExpression: 'runId = :runId AND complete = :false',
      ExpressionAttributeValues: { ':ended': 0, ':at': new Date().toISOString(), ':runId': runId, ':false': false },
    });
  }

  /** The claim item, read consistently, or `undefined` (never claimed, or released). */
  async get(dedupeKey: string): Promise<ClaimItem | undefined> {
    return (await getItem(this.client, this.table, keys.claim(dedupeKey))) as ClaimItem | undefined;
  }

  /** Which run holds the claim `loser` lost: the claim's holder, or the fencer while it takes over. */
  async holderAfterLoss(dedupeKey: string, loser: string, fencedBy?: string): Promise<string> {
    const claim = await this.get(dedupeKey);
    if (claim !== undefined && claim.runId !== loser) return claim.runId;
    return fencedBy ?? claim?.runId ?? '(none: the claim was released)';
  }

  #remember(runId: string, dedupeKey: string): void {
    if (this.#held.size >= HELD_MAX) {
      const oldest = this.#held.keys().next().value;
      if (oldest !== undefined) this.#held.delete(oldest);
    }
    this.#held.set(runId, dedupeKey);
  }
}
