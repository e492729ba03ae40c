/**
 * The EventPublisher port on an EventBridge bus.
 *
 * PutEvents takes 1–10 entries under 256 KB in total and reports failures per entry with a 200
 * response: a publisher that only checks for a thrown error loses events silently. This one packs
 * batches by count and size, retries only the entries that failed with a retryable code, and throws
 * a PublishError naming every event that did not make it.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { InvalidInputError } from '../../core/errors.js';
import type { EventPublisher } from '../../core/ports.js';
import { AwsCallError } from './aws-call-error.js';
import { utf8Bytes } from './truncate.js';

/** PutEvents accepts at most this many entries per call. */
export const MAX_ENTRIES_PER_CALL = 10;
/**
 * PutEvents' limit is "less than 256 KB" counted over Source, DetailType, Detail and Resources
 * (UTF-8). The service also counts some JSON framing, so modelgate keeps 6 KB of headroom.
 */
export const DEFAULT_MAX_BATCH_BYTES = 256 * 1024 - 6 * 1024;
/** Per-entry error codes that EventBridge documents as retryable. */
const RETRYABLE_ENTRY_CODES = new Set(['InternalFailure', 'ThrottlingException']);

export type PublishedEvent = Parameters<EventPublisher['publish']>[0][number];

export interface EventBridgePublisherOptions {
  client: EventBridgeClient;
  /** The bus name or ARN. */
  busName: string;
  /** `Source` of every entry (default `modelgate`; `aws.*` is reserved). */
  source?: string;
  /** Rounds of PutEvents for entries that keep failing with a retryable code (default 4). */
  maxAttempts?: number;
  /** First backoff ceiling in ms, doubled each round (default 100). */
  baseDelayMs?: number;
  /** Backoff ceiling in ms (default 2000). */
  maxDelayMs?: number;
  /** Batch size limit in bytes (default DEFAULT_MAX_BATCH_BYTES). */
  maxBatchBytes?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests: a number in [0, 1). */
  random?: () => number;
}

/** An event larger than one PutEvents call may carry: it can never be sent as it is. */
export class EventTooLargeError extends Error {
  readonly detailType: string;
  readonly bytes: number;
  readonly limitBytes: number;
  constructor(detailType: string, bytes: number, limitBytes: number) {
    super(
      `event "${detailType}" is ${bytes} bytes (Source + DetailType + Detail + Resources, UTF-8), above the ` +
        `${limitBytes}-byte PutEvents limit (expected a smaller detail: send references such as the run id and URIs, not payloads)`,
    );
    this.name = 'EventTooLargeError';
    this.detailType = detailType;
    this.bytes = bytes;
    this.limitBytes = limitBytes;
  }
}

export interface FailedEvent {
  detailType: string;
  errorCode: string;
  errorMessage: string;
}

/**
 * Events that EventBridge did not accept. `retryable` is true when every failure carried a retryable
 * code (the invocation should fail so that the platform retries it) and false when at least one can
 * never succeed as sent (access denied, malformed detail).
 */
export class PublishError extends Error {
  readonly busName: string;
  readonly failed: FailedEvent[];
  readonly total: number;
  readonly retryable: boolean;
  constructor(busName: string, failed: FailedEvent[], total: number, attempts: number) {
    const retryable = failed.every((f) => RETRYABLE_ENTRY_CODES.has(f.errorCode));
    const shown = failed.slice(0, 10).map((f) => `"${f.detailType}" (${f.errorCode}: ${f.errorMessage})`);
    if (failed.length > shown.length) shown.push(`and ${failed.length - shown.length} more`);
    super(
      `EventBridge bus ${busName} did not accept ${failed.length} of ${total} events after ${attempts} attempt(s): ` +
        `${shown.join('; ')} — ${retryable ? 'transient, retry later' : 'not retryable, check the bus policy and the events'}`,
    );
    this.name = 'PublishError';
    this.busName = busName;
    this.failed = failed;
    this.total = total;
    this.retryable = retryable;
  }
}

interface Pending {
  entry: PutEventsRequestEntry & { DetailType: string };
  bytes: number;
}

const entryBytes = (e: PutEventsRequestEntry): number =>
  (e.Time ? 14 : 0) +
  utf8Bytes(e.Source ?? '') +
  utf8Bytes(e.DetailType ?? '') +
  utf8Bytes(e.Detail ?? '') +
  (e.Resources ?? []).reduce((n, r) => n + utf8Bytes(r), 0);

/** Packs `items` in order into batches of at most `maxCount` entries and `maxBytes` bytes. */
export const packBatches = <T extends { bytes: number }>(items: T[], maxCount: number, maxBytes: number): T[][] => {
  const batches: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length === maxCount || size + item.bytes > maxBytes)) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += item.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * modelgate's events onto an EventBridge bus.
 *
 * @example
 * ```ts
 * const publisher = new EventBridgePublisher({ client: createEventBridgeClient(), busName: 'modelgate' });
 * await publisher.publish([{ detailType: 'Model Rejected', detail: { runId }, resources: [subject.arn] }]);
 * ```
 */
export class EventBridgePublisher implements EventPublisher {
  readonly #client: EventBridgeClient;
  readonly #busName: string;
  readonly #source: string;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #maxBatchBytes: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(options: EventBridgePublisherOptions) {
    const where = 'EventBridgePublisher options';
    if (!options.busName) throw new InvalidInputError('busName is empty', `${where}.busName`, 'an event bus name or ARN');
    const source = options.source ?? 'modelgate';
    if (!source || source.startsWith('aws.')) {
      throw new InvalidInputError(`source "${source}" is not usable`, `${where}.source`, 'a non-empty source not starting with "aws."');
    }
    const maxAttempts = options.maxAttempts ?? 4;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new InvalidInputError(`maxAttempts is ${maxAttempts}`, `${where}.maxAttempts`, 'an integer >= 1');
    }
    this.#client = options.client;
    this.#busName = options.busName;
    this.#source = source;
    this.#maxAttempts = maxAttempts;
    this.#baseDelayMs = options.baseDelayMs ?? 100;
    this.#maxDelayMs = options.maxDelayMs ?? 2000;
    this.#maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Publishes every event or throws: EventTooLargeError before anything is sent when one event can
   * never fit; PublishError when some events still failed after the retries; AwsCallError when the
   * call itself failed (after the SDK's own retries).
   */
  async publish(events: PublishedEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Everything is validated first so that a bad event does not leave the batch half published.
    let pending = events.map((event, i) => this.#toPending(event, i));
    const failed: FailedEvent[] = [];
    let attempt = 0;
    while (pending.length > 0 && attempt < this.#maxAttempts) {
      if (attempt > 0) await this.#sleep(this.#backoff(attempt));
      attempt += 1;
      const retry: Array<{ item: Pending; failure: FailedEvent }> = [];
      for (const batch of packBatches(pending, MAX_ENTRIES_PER_CALL, this.#maxBatchBytes)) {
        for (const [item, failure] of await this.#send(batch)) {
          if (RETRYABLE_ENTRY_CODES.has(failure.errorCode)) retry.push({ item, failure });
          else failed.push(failure);
        }
      }
      pending = retry.map((r) => r.item);
      if (attempt === this.#maxAttempts || pending.length === 0) failed.push(...retry.map((r) => r.failure));
    }
    if (failed.length > 0) throw new PublishError(this.#busName, failed, events.length, attempt);
  }

  /** Full jitter: a uniform delay up to an exponentially growing ceiling. */
  #backoff(retry: number): number {
    const ceiling = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (retry - 1));
    return Math.floor(this.#random() * ceiling);
  }

  #toPending(event: PublishedEvent, index: number): Pending {
    const where = `events[${index}]`;
    if (typeof event.detailType !== 'string' || event.detailType.length === 0 || event.detailType.length > 128) {
      throw new InvalidInputError(`detailType is ${JSON.stringify(event.detailType)}`, `${where}.detailType`, 'a string of 1–128 characters');
    }
    let detail: string;
    try {
      detail = JSON.stringify(event.detail);
    } catch (err) {
      throw new InvalidInputError(`detail of "${event.detailType}" is not serialisable as JSON`, `${where}.detail`, 'a JSON object', { cause: err });
    }
    const entry: Pending['entry'] = {
      EventBusName: this.#busName,
      Source: this.#source,
      DetailType: event.detailType,
      Detail: detail,
      ...(event.resources && event.resources.length > 0 ? { Resources: event.resources } : {}),
    };
    const bytes = entryBytes(entry);
    if (bytes > this.#maxBatchBytes) throw new EventTooLargeError(event.detailType, bytes, this.#maxBatchBytes);
    return { entry, bytes };
  }

  /** One PutEvents call; returns the entries that failed with their failure. */
  async #send(batch: Pending[]): Promise<Array<[Pending, FailedEvent]>> {
    let output;
    try {
      output = await this.#client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
    } catch (err) {
      throw new AwsCallError('EventBridge', 'PutEvents', this.#busName, err);
    }
    const results = output.Entries ?? [];
    const anyError = results.some((r) => r.ErrorCode);
    if ((output.FailedEntryCount ?? 0) === 0 && !anyError) return [];
    // Result entries are positional: the i-th result is the i-th entry of the request.
    const failures: Array<[Pending, FailedEvent]> = [];
    batch.forEach((item, i) => {
      const result = results[i];
      if (result?.EventId && !result.ErrorCode) return;
      failures.push([
        item,
        {
          detailType: item.entry.DetailType,
          // A failed count without a per-entry code cannot be attributed: treat it as transient.
          errorCode: result?.ErrorCode ?? 'InternalFailure',
          errorMessage: result?.ErrorMessage ?? 'no result entry returned for this event',
        },
      ]);
    });
    return failures;
  }
}
