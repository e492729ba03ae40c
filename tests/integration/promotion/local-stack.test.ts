/**
 * `npm start`'s stack in-process: after the demo registrations are decided, the approved version
 * gets the Approved event SageMaker would emit and is promoted through both stages with dry-run
 * targets; the summary says nothing was created. The rejected and needs-review versions are not
 * promoted at all (no Approved event: their status never became Approved).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promotionSummary, startLocalStack, type RunningStack } from '../../../src/local/stack.js';

describe('the local stack promotes what it approved', () => {
  let running: RunningStack;
  const log: string[] = [];

  beforeAll(async () => {
    running = await startLocalStack({ stateDir: mkdtempSync(join(tmpdir(), 'mg-promo-stack-')), port: 0, log: (line) => log.push(line) });
  });
  afterAll(async () => {
    await running?.close();
  });

  it('promotes every approved demo version (churn-xgb/2 among them) as a dry run, and nothing else', async () => {
    // Assess: exactly the versions that came out approved were promoted, each to the end
    const label = (p: { ModelPackageGroupName: string; ModelPackageVersion: number }) => `${p.ModelPackageGroupName}/${p.ModelPackageVersion}`;
    const approved = running.demo
      .filter((d) => d.outcome.action === 'evaluate' && d.outcome.outcome.status === 'decided' && d.outcome.outcome.run.decision === 'approve')
      .map((d) => label(d.pkg));
    expect(approved).toContain('churn-xgb/2');
    expect(running.promotions.map((p) => label(p.pkg)).sort()).toEqual([...approved].sort());
    for (const p of running.promotions) expect(p.outcome).toMatchObject({ status: 'started', state: 'succeeded' });
    const churn = running.promotions.find((p) => label(p.pkg) === 'churn-xgb/2')!;
    const summary = promotionSummary([churn])[0];
    expect(summary).toMatch(/^ {2}promotion churn-xgb\/2: SUCCEEDED \(promo-run-[0-9a-z]+; dry run: nothing was created in any hosting account\)$/);
    const outcome = churn.outcome;
    if (outcome.status !== 'started') throw new Error('expected a started promotion');
    const view = await running.stack.services.ledger.getPromotion!(outcome.promotionId);
    expect(view?.steps.filter((s) => s.key.startsWith('stage/')).map((s) => [s.key, s.state])).toEqual([
      ['stage/production', 'succeeded'],
      ['stage/staging', 'succeeded'],
    ]);
    const events = running.stack.outbox.entries.filter(
      (e) => e.detailType?.startsWith('Model Promotion') && (e.body as { promotionId?: string }).promotionId === outcome.promotionId,
    );
    expect(events.map((e) => e.detailType)).toEqual(['Model Promotion Started', 'Model Promotion Succeeded']);
  });
});
