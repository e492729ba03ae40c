/**
 * Every way a promotion is refused before anything is created: no target is started, no promotion
 * is recorded, and the refusal is in the audit trail, on the bus and in a notification.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, sign } from 'node:crypto';
import { startPromotion } from '../../../src/app/promotion/start-promotion.js';
import { overrideRun } from '../../../src/app/review-runs.js';
import { RefusedError } from '../../../src/core/errors.js';
import type { PolicySource } from '../../../src/core/ports.js';
import { attestationMessage } from '../../../src/core/promotion/attestation.js';
import { newRunId } from '../../../src/core/run-id.js';
import type { RunRecord } from '../../../src/core/run.js';
import {
  ARN,
  approveByHand,
  evaluate,
  installFakes,
  promotionAudit,
  promotionOutbox,
  registerCopyOfV2,
  startHarness,
  withChurnPolicy,
  type Harness,
} from './harness.js';

type Fakes = ReturnType<typeof installFakes>;

/** Asserts the refusal left exactly the intended traces and created nothing. */
const expectRefusedCleanly = async (h: Harness, fakes: Fakes, runId: string, reason: RegExp) => {
  expect(fakes.startCount()).toBe(0);
  expect(await h.stack.services.ledger.listPromotions!(runId)).toEqual([]);
  const audit = await promotionAudit(h.stack, runId);
  expect(audit.map((e) => e.action)).toEqual(['promotion.refused']);
  expect(String(audit[0]!.detail?.['reason'])).toMatch(reason);
  const outbox = promotionOutbox(h.stack);
  expect(outbox.find((e) => e.kind === 'event' && (e.body as { runId?: string }).runId === runId)).toMatchObject({
    detailType: 'Model Promotion Failed',
    body: { refused: true },
  });
  expect(outbox.some((e) => e.kind === 'notification' && String(e.body).includes(runId))).toBe(true);
};

describe('refused promotions', () => {
  let h: Harness;
  let fakes: Fakes;
  let version = 20;
  let approvedRun: RunRecord;
  let policies: PolicySource;

  beforeAll(async () => {
    h = await startHarness('mg-promo-refuse-');
    policies = h.stack.services.policies;
    await registerCopyOfV2(h.stack, 20);
    approvedRun = await evaluate(h.stack, ARN(20));
    expect(approvedRun.decision).toBe('approve');
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    fakes = installFakes(h.stack);
    h.stack.services.policies = policies;
    version += 1;
  });

  /** An approve run of a fresh copy of v2, written with the attestation `forge` makes of it. */
  const runWithAttestation = async (forge: (run: RunRecord) => RunRecord['attestation'] | undefined): Promise<RunRecord> => {
    await registerCopyOfV2(h.stack, version, { ModelApprovalStatus: 'Approved' });
    const runId = newRunId(h.clock.now());
    const base: RunRecord = { ...approvedRun, runId, subject: { ...approvedRun.subject, arn: ARN(version), version: String(version) } };
    delete base.attestation;
    const attestation = forge(base);
    const run: RunRecord = attestation ? { ...base, attestation } : base;
    await h.stack.services.ledger.putRun(run);
    return run;
  };

  it('refuses a run whose signature was made with a key this deployment does not trust', async () => {
    // Prepare: a well-formed attestation signed by an attacker's own Ed25519 key
    const { privateKey } = generateKeyPairSync('ed25519');
    const run = await runWithAttestation((r) => {
      const attestation = { ...approvedRun.attestation!.attestation, runId: r.runId, subjectArn: r.subject.arn };
      return {
        attestation,
        algorithm: 'Ed25519',
        keyId: approvedRun.attestation!.keyId,
        signature: sign(null, attestationMessage(attestation), privateKey).toString('base64'),
      };
    });

    // Act / Assess
    await expect(startPromotion(h.stack.services, { runId: run.runId, trigger: { source: 'cli' } })).rejects.toThrow(/signature does not verify/);
    await expectRefusedCleanly(h, fakes, run.runId, /forged, altered/);
  });

  it('refuses a run whose record was altered after signing (its signature no longer covers it)', async () => {
    // Prepare: the genuine signature of another approve run, its attestation edited to name this run
    const run = await runWithAttestation((r) => ({
      ...approvedRun.attestation!,
      attestation: { ...approvedRun.attestation!.attestation, runId: r.runId, subjectArn: r.subject.arn },
    }));

    // Act / Assess
    await expect(startPromotion(h.stack.services, { runId: run.runId, trigger: { source: 'cli' } })).rejects.toThrow(RefusedError);
    await expectRefusedCleanly(h, fakes, run.runId, /signature does not verify/);
  });

  it('refuses a run that carries no signed decision', async () => {
    // Prepare
    const run = await runWithAttestation(() => undefined);

    // Act / Assess
    await expect(startPromotion(h.stack.services, { runId: run.runId, trigger: { source: 'cli' } })).rejects.toThrow(/no signed decision/);
    await expectRefusedCleanly(h, fakes, run.runId, /no signed decision/);
  });

  it('refuses a package whose artifacts changed after the approval', async () => {
    // Prepare: a fresh approved version, then its InferenceSpecification points at other weights
    await registerCopyOfV2(h.stack, version);
    const run = await evaluate(h.stack, ARN(version));
    const pkg = await h.stack.registry.describe(ARN(version));
    await h.stack.registry.register({
      ...pkg,
      InferenceSpecification: { Containers: [{ Image: 'evil:latest', ModelDataUrl: 's3://elsewhere/model.tar.gz' }] },
    });

    // Act / Assess
    await expect(startPromotion(h.stack.services, { subjectArn: ARN(version), trigger: { source: 'eventbridge', eventId: 'e1' } })).rejects.toThrow(
      /artifacts changed after the decision/,
    );
    await expectRefusedCleanly(h, fakes, run.runId, /artifacts changed/);
  });

  it('refuses a hand-approved version that modelgate said needs review, when the policy forbids manual approval', async () => {
    // Prepare
    const run = await evaluate(h.stack, ARN(4));
    expect(run.decision).toBe('needs_review');
    await approveByHand(h.stack, ARN(4), 'arn:aws:iam::111111111111:user/alice');

    // Act / Assess
    await expect(startPromotion(h.stack.services, { subjectArn: ARN(4), trigger: { source: 'eventbridge', eventId: 'e2' } })).rejects.toThrow(
      /does not set allowManualApproval: true/,
    );
    await expectRefusedCleanly(h, fakes, run.runId, /by arn:aws:iam::111111111111:user\/alice/);
  });

  it('promotes that hand-approved version when the policy allows manual approval, and records who approved', async () => {
    // Prepare
    await withChurnPolicy(h.stack, (p) => ({ ...p, doc: { ...p.doc, decision: { ...p.doc.decision, allowManualApproval: true } } }));
    const [run] = await h.stack.services.ledger.listRuns({ subjectArn: ARN(4) });

    // Act
    const { promotion } = await startPromotion(h.stack.services, { subjectArn: ARN(4), trigger: { source: 'eventbridge', eventId: 'e3' } });

    // Assess
    expect(promotion.approval).toMatchObject({ basis: 'manual-approval', by: 'arn:aws:iam::111111111111:user/alice' });
    const started = (await promotionAudit(h.stack, run!.runId)).find((e) => e.action === 'promotion.started');
    expect(started?.detail).toMatchObject({ approval: { basis: 'manual-approval', by: 'arn:aws:iam::111111111111:user/alice' } });
  });

  it('refuses a target whose account is not on the allow-list, before the first stage starts', async () => {
    // Prepare: production's account 333333333333 is not allowed; staging's is
    await registerCopyOfV2(h.stack, version);
    const run = await evaluate(h.stack, ARN(version));
    h.stack.services.promotion!.allowList = { accounts: ['222222222222'], roles: [] };

    // Act / Assess
    await expect(startPromotion(h.stack.services, { runId: run.runId, trigger: { source: 'cli' } })).rejects.toThrow(
      /stage production, target 0 .*account 333333333333 is not on the promotion allow-list/,
    );
    await expectRefusedCleanly(h, fakes, run.runId, /not on the promotion allow-list/);
  });

  it('refuses a target without an ExternalId, before the first stage starts', async () => {
    // Prepare: the policy file would not validate without one; a policy source that skips the schema must not get through either
    await registerCopyOfV2(h.stack, version);
    const run = await evaluate(h.stack, ARN(version));
    await withChurnPolicy(h.stack, (p) => {
      p.doc.promotion!.stages[1]!.targets[1]!.externalId = '';
      return p;
    });

    // Act / Assess
    await expect(startPromotion(h.stack.services, { runId: run.runId, trigger: { source: 'cli' } })).rejects.toThrow(
      /stage production, target 1 .*has no externalId/,
    );
    await expectRefusedCleanly(h, fakes, run.runId, /externalId/);
  });

  /** A fresh copy of the demo's needs-review churn-xgb/4, evaluated. */
  const needsReviewRun = async (): Promise<RunRecord> => {
    const v4 = await h.stack.registry.describe(ARN(4));
    await h.stack.registry.register({ ...v4, ModelPackageArn: ARN(version), ModelPackageVersion: version, ModelApprovalStatus: 'PendingManualApproval' });
    const run = await evaluate(h.stack, ARN(version));
    expect(run.decision).toBe('needs_review');
    return run;
  };

  it('promotes a run overridden to approve by an approver of the policy, recording who', async () => {
    // Prepare
    const run = await needsReviewRun();
    await overrideRun(h.stack.services, run.runId, { decision: 'approve', reason: 'evidence checked by hand, ticket ML-12', by: 'oncall-ml@example.com' });

    // Act
    const { promotion } = await startPromotion(h.stack.services, { subjectArn: ARN(version), trigger: { source: 'eventbridge', eventId: 'e5' } });

    // Assess
    expect(promotion.runId).toBe(run.runId);
    expect(promotion.approval).toMatchObject({ basis: 'override', by: 'oncall-ml@example.com' });
  });

  it('refuses an override to approve whose author is no longer an approver of the policy', async () => {
    // Prepare
    const run = await needsReviewRun();
    await overrideRun(h.stack.services, run.runId, { decision: 'approve', reason: 'looked fine', by: 'oncall-ml@example.com' });
    await withChurnPolicy(h.stack, (p) => ({ ...p, doc: { ...p.doc, decision: { ...p.doc.decision, approvers: ['model-risk@example.com'] } } }));

    // Act / Assess
    await expect(startPromotion(h.stack.services, { runId: run.runId, trigger: { source: 'cli' } })).rejects.toThrow(
      /oncall-ml@example.com, who is not an approver/,
    );
    await expectRefusedCleanly(h, fakes, run.runId, /not an approver of policy "churn"/);
  });

  it('refuses a rejected run asked for by id, and a version modelgate never evaluated', async () => {
    // Prepare
    const rejected = await evaluate(h.stack, ARN(3));
    await approveByHand(h.stack, ARN(3));
    await registerCopyOfV2(h.stack, version, { ModelApprovalStatus: 'Approved' });

    // Act / Assess
    await expect(startPromotion(h.stack.services, { runId: rejected.runId, trigger: { source: 'cli' } })).rejects.toThrow(/rejected this version/);
    await expect(startPromotion(h.stack.services, { subjectArn: ARN(version), trigger: { source: 'eventbridge', eventId: 'e4' } })).rejects.toThrow(
      /never evaluated/,
    );
    expect(fakes.startCount()).toBe(0);
    expect((await h.stack.services.ledger.auditTrail(ARN(version))).map((e) => e.action)).toEqual(['promotion.refused']);
  });
});
