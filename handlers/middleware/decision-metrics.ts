/**
 * The evaluate handler's response, and the CloudWatch metrics (EMF, through Powertools Metrics)
 * derived from it: one `Decisions` metric per new decision (dimension `decision`), one
 * `CheckResults` metric per check status of that run (dimension `status`, value = how many checks
 * ended so), and counters for deliveries that found work already done or under way and for events
 * intake ignored. Duplicates are counted apart so that a burst of re-deliveries never inflates the
 * decision counts.
 */
import type { MiddlewareObj } from '@middy/core';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { CheckStatus } from '../../src/core/check.js';
import type { Decision } from '../../src/core/run.js';

/** What one evaluate invocation did (Lambda discards it for async invocations; tests and on-success destinations read it). */
export type EvaluateResponse =
  | {
      action: 'evaluate';
      eventId: string;
      status: 'decided';
      runId: string;
      decision: Decision;
      /** True when an earlier delivery made this decision and this one only finished its actions. */
      duplicate: boolean;
      checks: Array<{ id: string; status: CheckStatus }>;
    }
  /** Another invocation holds the claim on this model version and policy and has not finished. */
  | { action: 'evaluate'; eventId: string; status: 'in_progress'; runId: string }
  | { action: 'ignore'; eventId?: string; reason: string };

export const METRICS = {
  decisions: 'Decisions',
  checkResults: 'CheckResults',
  duplicateDeliveries: 'DuplicateDeliveries',
  claimsInProgress: 'ClaimsInProgress',
  ignoredEvents: 'IgnoredEvents',
} as const;

/** Emits the metrics of one evaluate response. */
export const recordDecisionMetrics = (metrics: Metrics, response: EvaluateResponse): void => {
  if (response.action === 'ignore') {
    metrics.addMetric(METRICS.ignoredEvents, MetricUnit.Count, 1);
    return;
  }
  if (response.status === 'in_progress') {
    metrics.addMetric(METRICS.claimsInProgress, MetricUnit.Count, 1);
    return;
  }
  if (response.duplicate) {
    metrics.addMetric(METRICS.duplicateDeliveries, MetricUnit.Count, 1);
    return;
  }
  // Dimensions differ per metric, so each goes out as its own EMF record (singleMetric flushes at once).
  metrics.singleMetric().addDimension('decision', response.decision).addMetric(METRICS.decisions, MetricUnit.Count, 1);
  const byStatus = new Map<CheckStatus, number>();
  for (const check of response.checks) byStatus.set(check.status, (byStatus.get(check.status) ?? 0) + 1);
  for (const [status, count] of byStatus) {
    metrics.singleMetric().addDimension('status', status).addMetric(METRICS.checkResults, MetricUnit.Count, count);
  }
};

/**
 * Records {@link recordDecisionMetrics} in middy's `after`, from the handler's response. Put it
 * after `logMetrics` in the chain: `after` runs in reverse order, so these are stored before the
 * buffered metrics are flushed.
 */
export const decisionMetrics = (metrics: Metrics): MiddlewareObj<unknown, EvaluateResponse | undefined> => ({
  name: 'decisionMetrics',
  after: (request) => {
    if (request.response) recordDecisionMetrics(metrics, request.response);
  },
});
