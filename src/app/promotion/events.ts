/**
 * What a promotion tells the outside world: `Model Promotion Started`, `Model Promotion Succeeded`
 * and `Model Promotion Failed` on modelgate's bus (detail: schemas/events/modelgate-promotion.schema.json),
 * and a notification when a promotion is refused or fails.
 */
import { truncateText } from '../../core/outgoing-events.js';
import type { PromotionRecord, PromotionStep } from '../../core/promotion/record.js';
import { stepKeys } from '../../core/promotion/record.js';
import type { RunRecord } from '../../core/run.js';
import type { Subject } from '../../core/subject.js';
import type { AppServices } from '../services.js';

export const PROMOTION_DETAIL_TYPES = {
  started: 'Model Promotion Started',
  succeeded: 'Model Promotion Succeeded',
  failed: 'Model Promotion Failed',
} as const;

const REASON_MAX = 1000;
const MESSAGE_MAX = 300;

type StageState = 'pending' | 'in_progress' | 'succeeded' | 'failed';

/** Each stage and target as the steps say they stand. */
export const stageSummaries = (record: PromotionRecord, steps: PromotionStep[]) => {
  const byKey = new Map(steps.map((s) => [s.key, s]));
  return record.stages.map((stage) => {
    const st = byKey.get(stepKeys.stage(stage.name));
    const state: StageState = !st ? 'pending' : st.state === 'succeeded' || st.state === 'failed' ? st.state : 'in_progress';
    return {
      name: stage.name,
      state,
      targets: stage.targets.map((t, i) => {
        const ts = byKey.get(stepKeys.target(stage.name, i));
        const tState: StageState = !ts ? 'pending' : ts.state === 'succeeded' || ts.state === 'failed' ? ts.state : 'in_progress';
        return {
          kind: String(t.kind),
          account: String(t.account),
          region: String(t.region),
          state: tState,
          message: truncateText(ts?.message ?? '', MESSAGE_MAX),
        };
      }),
    };
  });
};

const subjectDetail = (s: Subject) => ({ kind: s.kind, arn: s.arn, group: s.group, version: s.version, account: s.account, region: s.region });

/** The detail of a promotion event for a promotion that was recorded. */
export const promotionDetail = (
  services: AppServices,
  record: PromotionRecord,
  steps: PromotionStep[],
  state: 'started' | 'succeeded' | 'failed',
  reason?: string,
): Record<string, unknown> => ({
  promotionId: record.promotionId,
  runId: record.runId,
  subject: subjectDetail(record.subject),
  policy: { name: record.policy.name, version: record.policy.version, digest: record.policy.digest },
  state,
  refused: false,
  ...(reason !== undefined ? { reason: truncateText(reason, REASON_MAX) } : {}),
  approval: { basis: record.approval.basis, ...(record.approval.by ? { by: truncateText(record.approval.by, 2048) } : {}) },
  dryRun: record.dryRun,
  stages: stageSummaries(record, steps),
  trigger: { source: record.trigger.source, ...(record.trigger.eventId ? { eventId: truncateText(record.trigger.eventId, 256) } : {}) },
  links: { cli: `modelgate runs show ${record.runId}` },
  at: services.clock.now().toISOString(),
  serviceVersion: services.serviceVersion,
});

/** The detail of `Model Promotion Failed` for a refusal: nothing was recorded or created. */
export const refusalDetail = (
  services: AppServices,
  subject: Subject,
  run: RunRecord | null,
  reason: string,
  trigger: PromotionRecord['trigger'],
  dryRun: boolean,
): Record<string, unknown> => ({
  promotionId: null,
  runId: run?.runId ?? null,
  subject: subjectDetail(subject),
  policy: run?.policy ? { name: run.policy.name, version: run.policy.version, digest: run.policy.digest } : null,
  state: 'failed',
  refused: true,
  reason: truncateText(reason, REASON_MAX),
  dryRun,
  stages: [],
  trigger: { source: trigger.source, ...(trigger.eventId ? { eventId: truncateText(trigger.eventId, 256) } : {}) },
  links: { cli: run ? `modelgate runs show ${run.runId}` : `modelgate runs list --group ${subject.group}` },
  at: services.clock.now().toISOString(),
  serviceVersion: services.serviceVersion,
});

/** Tells people a promotion was refused or failed (a run is needed to address the notification). */
export const notifyPromotionProblem = async (
  services: AppServices,
  run: RunRecord | null,
  what: 'refused' | 'failed',
  reason: string,
  promotionId?: string,
): Promise<void> => {
  if (!run) {
    services.logger.error(`promotion ${what} with no run to notify about`, { reason });
    return;
  }
  const label = `${run.subject.group}/${run.subject.version}`;
  await services.notifier.notify({
    subject: `modelgate: ${label} promotion ${what}`,
    text: [
      `Model: ${label} (${run.subject.arn})`,
      `Promotion ${what}${promotionId ? ` (${promotionId})` : ''}: ${reason}`,
      what === 'refused' ? 'Nothing was deployed.' : 'The stage that failed was stopped; later stages did not start.',
      `Look closer: modelgate runs show ${run.runId}`,
    ].join('\n'),
    run,
  });
};
