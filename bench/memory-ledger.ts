/**
 * The baseline of `bench/evaluate`: the {@link Ledger} port in process memory, with the semantics
 * of `DynamoDbLedger` (claims with leases and take-over, write-once runs that complete their claim,
 * append-only audit, latest override wins, steps done once) but no I/O and no serialisation beyond
 * a JSON copy of the run record — the copy the DynamoDB codec makes too, so that a caller mutating
 * what it passed or got back cannot change the ledger.
 *
 * It lives in `bench/` on purpose: it is a yardstick, not a ledger anyone should deploy.
 */
import { ClaimLostError, RunAlreadyRecordedError } from '../src/adapters/aws/ledger-errors.js';
import { InvalidInputError, NotFoundError } from '../src/core/errors.js';
import type { ClaimResult, Ledger, RunQuery, StepClaim } from '../src/core/ports.js';
import type { AuditEntry, Decision, Override, RunRecord } from '../src/core/run.js';

interface Claim {
  runId: string;
  leaseUntil: number;
  complete: boolean;
}

const DECISIONS: readonly Decision[] = ['approve', 'reject', 'needs_review'];
const DEFAULT_LIMIT = 50;

const requireText = (value: unknown, where: string): string => {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidInputError(`got ${JSON.stringify(value)}`, where, 'a non-empty string');
  return value;
};

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The Ledger port in memory (see the module comment). */
export class MemoryLedger implements Ledger {
  readonly #claims = new Map<string, Claim>();
  /** runId -> the dedupe key it claimed. */
  readonly #claimRefs = new Map<string, string>();
  /** runId -> the run record as JSON text, as the DynamoDB item holds it. */
  readonly #runs = new Map<string, string>();
  readonly #audit = new Map<string, AuditEntry[]>();
  readonly #overrides = new Map<string, Override[]>();
  readonly #steps = new Map<string, Set<string>>();
  readonly #stepLeases = new Map<string, number>();

  async claimRun(dedupeKey: string, runId: string, now: Date, leaseMs: number): Promise<ClaimResult> {
    requireText(dedupeKey, 'claimRun dedupeKey');
    requireText(runId, 'claimRun runId');
    const nowMs = now.getTime();
    const current = this.#claims.get(dedupeKey);
    if (!current) {
      this.#claims.set(dedupeKey, { runId, leaseUntil: nowMs + leaseMs, complete: false });
      this.#claimRefs.set(runId, dedupeKey);
      return { status: 'claimed' };
    }
    if (current.complete || current.leaseUntil > nowMs) return { status: 'exists', runId: current.runId, complete: current.complete };
    // Lease expired: a holder that recorded its run finished its work; otherwise take the claim over.
    if (this.#runs.has(current.runId)) {
      current.complete = true;
      return { status: 'exists', runId: current.runId, complete: true };
    }
    this.#claims.set(dedupeKey, { runId, leaseUntil: nowMs + leaseMs, complete: false });
    this.#claimRefs.set(runId, dedupeKey);
    return { status: 'claimed' };
  }

  async putRun(record: RunRecord, audit: readonly AuditEntry[] = []): Promise<void> {
    const runId = requireText(record.runId, 'RunRecord.runId');
    if (!DECISIONS.includes(record.decision)) throw new InvalidInputError(`decision "${record.decision}"`, `run ${runId}`, DECISIONS.join(' | '));
    const json = JSON.stringify(record);
    const claimKey = this.#claimRefs.get(runId);
    const claim = claimKey === undefined ? undefined : this.#claims.get(claimKey);
    if (claimKey !== undefined && claim && claim.runId !== runId) throw new ClaimLostError(runId, claimKey, claim.runId);
    const written = !this.#runs.has(runId);
    if (written) this.#runs.set(runId, json);
    if (claim) claim.complete = true;
    if (!written) throw new RunAlreadyRecordedError(runId);
    for (const entry of audit) await this.appendAudit(entry);
  }

  async getRun(runId: string): Promise<RunRecord | null> {
    const json = this.#runs.get(requireText(runId, 'getRun runId'));
    return json === undefined ? null : this.#withOverride(JSON.parse(json) as RunRecord);
  }

  async listRuns(query: RunQuery): Promise<RunRecord[]> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const since = query.since === undefined ? undefined : new Date(query.since).toISOString();
    return [...this.#runs.values()]
      .map((json) => JSON.parse(json) as RunRecord)
      .filter((r) => query.decision === undefined || r.decision === query.decision)
      .filter((r) => query.group === undefined || r.subject.group === query.group)
      .filter((r) => query.subjectArn === undefined || r.subject.arn === query.subjectArn)
      .filter((r) => since === undefined || r.startedAt >= since)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId))
      .slice(0, limit)
      .map((r) => this.#withOverride(r));
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    const runId = requireText(entry.runId, 'AuditEntry.runId');
    requireText(entry.action, 'AuditEntry.action');
    requireText(entry.actor, 'AuditEntry.actor');
    const trail = this.#audit.get(runId) ?? [];
    trail.push(copy(entry));
    this.#audit.set(runId, trail);
  }

  async auditTrail(runId: string): Promise<AuditEntry[]> {
    return copy(this.#audit.get(runId) ?? []).sort((a, b) => a.at.localeCompare(b.at));
  }

  async recordOverride(runId: string, override: Override): Promise<void> {
    if (!this.#runs.has(runId)) throw new NotFoundError('run', runId);
    const list = this.#overrides.get(runId) ?? [];
    list.push(copy(override));
    this.#overrides.set(runId, list);
  }

  async completeStep(runId: string, step: string, _at: string): Promise<boolean> {
    const done = this.#steps.get(runId) ?? new Set<string>();
    this.#steps.set(runId, done);
    if (done.has(step)) return false;
    done.add(step);
    return true;
  }

  async stepsDone(runId: string): Promise<string[]> {
    return [...(this.#steps.get(runId) ?? [])].sort();
  }

  async claimStep(runId: string, step: string, now: Date, leaseMs: number): Promise<StepClaim> {
    if (this.#steps.get(runId)?.has(step)) return 'done';
    const key = `${runId}#${step}`;
    const lease = this.#stepLeases.get(key);
    if (lease !== undefined && lease > now.getTime()) return 'held';
    this.#stepLeases.set(key, now.getTime() + leaseMs);
    return 'claimed';
  }

  async releaseStep(runId: string, step: string): Promise<void> {
    this.#stepLeases.delete(`${runId}#${step}`);
  }

  async releaseClaim(dedupeKey: string, runId: string): Promise<void> {
    const claim = this.#claims.get(dedupeKey);
    if (claim && claim.runId === runId && !claim.complete) this.#claims.delete(dedupeKey);
  }

  #withOverride(record: RunRecord): RunRecord {
    const latest = [...(this.#overrides.get(record.runId) ?? [])].sort((a, b) => a.at.localeCompare(b.at)).at(-1);
    return latest ? { ...record, override: copy(latest) } : record;
  }
}
