/**
 * `endpoint-smoke`: a stage's verify step that calls the endpoints the stage just deployed with a
 * sample payload, N times each, and holds the error rate and the p95 latency to the policy's bounds.
 *
 * Requests go one after another (a smoke test measures how one request is served, not how the
 * endpoint copes with load), through a runtime client that makes exactly one attempt per request
 * (an SDK retry would hide the very errors and latency being measured). A failed request counts
 * as an error and its latency is left out of the percentiles: a fast 500 must not improve p95.
 */
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { lazyValidator, problemsOf } from '../../../core/schema.js';
import type { ArtifactStore } from '../../../core/ports.js';
import type { PromotionTarget } from '../../../core/policy/types.js';
import type { StageVerifier, TargetContext, TargetProgress } from '../../../core/promotion/types.js';
import { AwsCallError, awsErrorCode, awsErrorMessage } from '../aws-call-error.js';
import { sessionNameFor } from './role-assumer.js';
import type { ClientsFor } from './target-clients.js';

export const ENDPOINT_SMOKE_ID = 'endpoint-smoke';
/** CustomerMetadataProperties keys on the model package naming the sample payload and its type. */
export const SAMPLE_PAYLOAD_KEY = 'modelgate:sample-payload';
export const SAMPLE_CONTENT_TYPE_KEY = 'modelgate:sample-payload-content-type';
/** InvokeEndpoint's payload limit for real-time endpoints. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const DEFAULT_REQUESTS = 20;
const DEFAULT_TIMEOUT_MS = 10_000;

const validateConfig = lazyValidator({
  type: 'object',
  additionalProperties: false,
  properties: {
    maxErrorRate: { type: 'number', minimum: 0, maximum: 1 },
    maxP95LatencyMs: { type: 'number', exclusiveMinimum: 0 },
    requests: { type: 'integer', minimum: 1, maximum: 1000 },
    payload: { type: 'string', minLength: 1 },
    payloadUri: { type: 'string', pattern: '^(s3://|file:).+' },
    contentType: { type: 'string', minLength: 1, maxLength: 1024 },
    accept: { type: 'string', minLength: 1, maxLength: 1024 },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 60_000 },
  },
});

interface SmokeConfig {
  maxErrorRate: number;
  maxP95LatencyMs?: number;
  requests: number;
  payload?: string;
  payloadUri?: string;
  contentType?: string;
  accept?: string;
  timeoutMs: number;
}

const configOf = (c: Record<string, unknown>): SmokeConfig => ({
  // Fail closed: without a bound, any error fails the stage.
  maxErrorRate: (c['maxErrorRate'] as number | undefined) ?? 0,
  ...(c['maxP95LatencyMs'] !== undefined ? { maxP95LatencyMs: c['maxP95LatencyMs'] as number } : {}),
  requests: (c['requests'] as number | undefined) ?? DEFAULT_REQUESTS,
  ...(c['payload'] !== undefined ? { payload: c['payload'] as string } : {}),
  ...(c['payloadUri'] !== undefined ? { payloadUri: c['payloadUri'] as string } : {}),
  ...(c['contentType'] !== undefined ? { contentType: c['contentType'] as string } : {}),
  ...(c['accept'] !== undefined ? { accept: c['accept'] as string } : {}),
  timeoutMs: (c['timeoutMs'] as number | undefined) ?? DEFAULT_TIMEOUT_MS,
});

/** The nearest-rank percentile `p` (0–100) of `values`; undefined for none. */
export const percentile = (values: number[], p: number): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};

export interface EndpointSmokeOptions {
  clientsFor: ClientsFor;
  /** Where `payloadUri` and `modelgate:sample-payload` URIs are read (s3://, file://). */
  artifacts?: ArtifactStore[];
  /** Injectable for tests: a monotonic clock in milliseconds (default performance.now). */
  now?: () => number;
}

interface Measured {
  requests: number;
  errors: number;
  latencies: number[];
  firstError?: string;
}

/**
 * The `endpoint-smoke` verifier. `run` throws only for what a retry may fix (transient AWS errors)
 * or a refusal; everything else is a failed verification with the reason in `message`.
 *
 * @example
 * ```yaml
 * verify:
 *   - use: endpoint-smoke
 *     with: { maxErrorRate: 0, maxP95LatencyMs: 300, requests: 20 }
 * ```
 */
export class EndpointSmokeVerifier implements StageVerifier {
  readonly id = ENDPOINT_SMOKE_ID;
  readonly #clientsFor: ClientsFor;
  readonly #artifacts: ArtifactStore[];
  readonly #now: () => number;

  constructor(options: EndpointSmokeOptions) {
    this.#clientsFor = options.clientsFor;
    this.#artifacts = options.artifacts ?? [];
    this.#now = options.now ?? (() => performance.now());
  }

  validate(config: Record<string, unknown>): string[] {
    const problems = problemsOf(validateConfig, config, `${ENDPOINT_SMOKE_ID} with`);
    if (config['payload'] !== undefined && config['payloadUri'] !== undefined) {
      problems.push(`${ENDPOINT_SMOKE_ID} with: set payload or payloadUri, not both`);
    }
    return problems;
  }

  async run(
    config: Record<string, unknown>,
    ctx: TargetContext,
    targets: Array<{ target: PromotionTarget; progress: TargetProgress }>,
  ): Promise<{ passed: boolean; message: string; metrics: Record<string, number> }> {
    const refuse = (message: string) => ({ passed: false, message: `${ENDPOINT_SMOKE_ID}: ${message}`, metrics: {} });
    const problems = this.validate(config);
    if (problems.length > 0) return refuse(`invalid config: ${problems.join('; ')}`);
    const c = configOf(config);

    const endpoints = targets.filter((t) => t.target.kind === 'sagemaker-endpoint');
    if (endpoints.length === 0) return refuse(`stage ${ctx.stage} has no sagemaker-endpoint target to test`);
    if (ctx.dryRun) {
      return {
        passed: true,
        message: `${ENDPOINT_SMOKE_ID}: dry run, invoked nothing; it would send ${c.requests} request(s) to each of ${endpoints.length} endpoint(s)`,
        metrics: {},
      };
    }
    const notReady = endpoints.filter((t) => t.progress.state !== 'succeeded' || !t.progress.resources['endpointName']);
    if (notReady.length > 0) {
      return refuse(`endpoint(s) not ready: ${notReady.map((t) => `${String(t.target['endpointName'])} (${t.progress.state})`).join(', ')}`);
    }

    let payload: Uint8Array;
    let payloadFrom: string;
    try {
      ({ payload, payloadFrom } = await this.#payload(c, ctx));
    } catch (err) {
      return refuse(err instanceof Error ? err.message : String(err));
    }
    const contentType =
      c.contentType ??
      ctx.modelPackage.CustomerMetadataProperties?.[SAMPLE_CONTENT_TYPE_KEY] ??
      firstContentType(ctx.modelPackage.InferenceSpecification) ??
      'application/json';

    const total: Measured = { requests: 0, errors: 0, latencies: [] };
    const metrics: Record<string, number> = {};
    for (const { target, progress } of endpoints) {
      const endpointName = progress.resources['endpointName']!;
      let measured: Measured;
      try {
        measured = await this.#invokeMany(target, ctx, endpointName, payload, contentType, c);
      } catch (err) {
        if (err instanceof AwsCallError && !err.retryable) return refuse(`cannot reach ${endpointName}: ${err.message}`);
        throw err;
      }
      total.requests += measured.requests;
      total.errors += measured.errors;
      total.latencies.push(...measured.latencies);
      if (!total.firstError && measured.firstError) total.firstError = `${endpointName}: ${measured.firstError}`;
      if (endpoints.length > 1) {
        metrics[`${endpointName}.errorRate`] = measured.errors / measured.requests;
        const p95 = percentile(measured.latencies, 95);
        if (p95 !== undefined) metrics[`${endpointName}.p95LatencyMs`] = p95;
      }
    }

    const errorRate = total.errors / total.requests;
    const p50 = percentile(total.latencies, 50);
    const p95 = percentile(total.latencies, 95);
    Object.assign(metrics, { requests: total.requests, errors: total.errors, errorRate });
    if (p50 !== undefined) metrics['p50LatencyMs'] = p50;
    if (p95 !== undefined) metrics['p95LatencyMs'] = p95;
    if (total.latencies.length > 0) metrics['maxLatencyMs'] = Math.max(...total.latencies);

    const failures: string[] = [];
    if (errorRate > c.maxErrorRate) {
      failures.push(`error rate ${fmtPct(errorRate)} above max ${fmtPct(c.maxErrorRate)}${total.firstError ? ` (first error: ${total.firstError})` : ''}`);
    }
    if (c.maxP95LatencyMs !== undefined) {
      if (p95 === undefined) failures.push('no request succeeded, so p95 latency is unknown');
      else if (p95 > c.maxP95LatencyMs) failures.push(`p95 latency ${fmtMs(p95)} above max ${fmtMs(c.maxP95LatencyMs)}`);
    }
    const names = endpoints.map((t) => t.progress.resources['endpointName']).join(', ');
    const summary =
      `${total.requests} request(s) to ${names} with ${payloadFrom} (${contentType}): ${total.errors} error(s) (${fmtPct(errorRate)})` +
      (p95 !== undefined ? `, p95 ${fmtMs(p95)}` : '');
    return failures.length === 0
      ? { passed: true, message: `${ENDPOINT_SMOKE_ID} passed: ${summary}`, metrics }
      : { passed: false, message: `${ENDPOINT_SMOKE_ID} failed: ${failures.join('; ')} — ${summary}`, metrics };
  }

  async #invokeMany(
    target: PromotionTarget,
    ctx: TargetContext,
    endpointName: string,
    payload: Uint8Array,
    contentType: string,
    c: SmokeConfig,
  ): Promise<Measured> {
    const { sagemakerRuntime } = await this.#clientsFor(target, sessionNameFor(ctx.runId));
    const m: Measured = { requests: 0, errors: 0, latencies: [] };
    for (let i = 0; i < c.requests; i++) {
      m.requests += 1;
      const started = this.#now();
      try {
        await sagemakerRuntime.send(
          new InvokeEndpointCommand({ EndpointName: endpointName, Body: payload, ContentType: contentType, ...(c.accept ? { Accept: c.accept } : {}) }),
          { abortSignal: AbortSignal.timeout(c.timeoutMs) },
        );
        m.latencies.push(this.#now() - started);
      } catch (err) {
        m.errors += 1;
        m.firstError ??= `${awsErrorCode(err)}: ${awsErrorMessage(err)}`.slice(0, 500);
      }
    }
    return m;
  }

  async #payload(c: SmokeConfig, ctx: TargetContext): Promise<{ payload: Uint8Array; payloadFrom: string }> {
    if (c.payload !== undefined) return { payload: Buffer.from(c.payload, 'utf8'), payloadFrom: 'the payload in the policy' };
    const uri = c.payloadUri ?? ctx.modelPackage.CustomerMetadataProperties?.[SAMPLE_PAYLOAD_KEY];
    if (!uri) {
      throw new Error(
        `no sample payload: set with.payload or with.payloadUri, or register the model package with CustomerMetadataProperties "${SAMPLE_PAYLOAD_KEY}" = an s3:// or file:// URI`,
      );
    }
    const scheme = uri.split(':', 1)[0] ?? '';
    const store = this.#artifacts.find((s) => s.schemes.includes(scheme));
    if (!store)
      throw new Error(
        `sample payload ${uri}: no artifact store serves "${scheme}:" here (expected ${this.#artifacts.flatMap((s) => s.schemes).join(', ') || 'a configured store'})`,
      );
    const chunks: Uint8Array[] = [];
    for await (const chunk of await store.open(uri, { maxBytes: MAX_PAYLOAD_BYTES })) chunks.push(chunk);
    return { payload: Buffer.concat(chunks), payloadFrom: uri };
  }
}

const firstContentType = (spec: unknown): string | undefined => {
  const types = (spec as { SupportedContentTypes?: unknown } | undefined)?.SupportedContentTypes;
  return Array.isArray(types) && typeof types[0] === 'string' ? types[0] : undefined;
};

const fmtPct = (x: number): string => `${Math.round(x * 10_000) / 100}%`;
const fmtMs = (x: number): string => `${Math.round(x * 10) / 10} ms`;
