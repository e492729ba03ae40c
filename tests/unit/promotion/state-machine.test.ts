/**
 * The promotion state machine as written in serverless/promotion.yml, read as data and walked with
 * a scripted Advance: waiting loops through Wait (SecondsPath) back to Advance, succeeded ends in
 * Succeed, failed in Fail with the reason; retries skip bad input; the params file exports every
 * value the fragment names.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseDocument, type ScalarTag } from 'yaml';
import { ROOT } from '../../support/cli.js';

const cfnTag = (tag: string, key: string): ScalarTag => ({ tag, resolve: (value: string) => ({ [key]: value }) });
const tags: ScalarTag[] = [cfnTag('!Ref', 'Ref'), cfnTag('!GetAtt', 'Fn::GetAtt'), cfnTag('!Sub', 'Fn::Sub')];
const text = readFileSync(join(ROOT, 'serverless/promotion.yml'), 'utf8');
const fragment = parseDocument(text, { customTags: tags }).toJS() as {
  functions: Record<string, { handler: string; role: string; events?: Array<{ eventBridge: { pattern: Record<string, unknown> } }> }>;
  resources: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
};

interface State {
  Type: string;
  Next?: string;
  Choices?: Array<{ Variable: string; StringEquals: string; Next: string }>;
  Default?: string;
  SecondsPath?: string;
  Retry?: Array<{ ErrorEquals: string[]; MaxAttempts?: number }>;
  CausePath?: string;
  Error?: string;
}
const definition = fragment.resources.Resources['PromotionStateMachine']!.Properties['Definition'] as {
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, State>;
};

/** Walks the machine with `advance` answering each Advance task; returns the path and the waits. */
const walk = (answers: Array<{ state: string; waitSeconds: number; reason: string }>) => {
  const path: string[] = [];
  const waits: number[] = [];
  let data: Record<string, unknown> = { promotionId: 'promo-run-1' };
  let name = definition.StartAt;
  for (let i = 0; i < 50; i++) {
    const s = definition.States[name]!;
    path.push(name);
    if (s.Type === 'Task') data = { promotionId: data['promotionId'], ...answers.shift()! };
    else if (s.Type === 'Wait') waits.push(data[s.SecondsPath!.slice(2)] as number);
    else if (s.Type === 'Choice') {
      name = s.Choices!.find((c) => data[c.Variable.slice(2)] === c.StringEquals)?.Next ?? s.Default!;
      continue;
    } else return { path, waits, end: s.Type, cause: s.CausePath ? data[s.CausePath.slice(2)] : undefined };
    name = s.Next!;
  }
  throw new Error('the machine did not end');
};

describe('the promotion state machine', () => {
  it('loops Advance → Wait(SecondsPath) → Advance while waiting, then succeeds', () => {
    // Act
    const r = walk([
      { state: 'waiting', waitSeconds: 15, reason: '' },
      { state: 'waiting', waitSeconds: 30, reason: '' },
      { state: 'succeeded', waitSeconds: 0, reason: '' },
    ]);

    // Assess
    expect(r.path).toEqual(['Advance', 'Decide', 'Wait', 'Advance', 'Decide', 'Wait', 'Advance', 'Decide', 'Promoted']);
    expect(r.waits).toEqual([15, 30]);
    expect(r.end).toBe('Succeed');
  });

  it('ends in Fail with the reason as cause when a stage fails, and in Fail for an unknown answer', () => {
    // Act
    const failed = walk([{ state: 'failed', waitSeconds: 0, reason: 'stage staging failed verification' }]);
    const odd = walk([{ state: 'confused', waitSeconds: 0, reason: '' }]);

    // Assess
    expect(failed).toMatchObject({ end: 'Fail', cause: 'stage staging failed verification' });
    expect(odd.path.at(-1)).toBe('StepBroken');
  });

  it('has a deadline, retries transient task failures, never bad input, and runs the promotion-step function', () => {
    // Prepare
    const advance = definition.States['Advance']!;

    // Assess
    expect(definition.TimeoutSeconds).toBeGreaterThanOrEqual(3600);
    expect(advance.Retry![0]).toEqual({ ErrorEquals: ['InvalidInputError', 'NotFoundError', 'NotBuiltError'], MaxAttempts: 0 });
    expect(advance.Retry!.some((r) => r.ErrorEquals.includes('States.TaskFailed') && (r.MaxAttempts ?? 3) > 0)).toBe(true);
    expect(text).toMatch(/FunctionName: !GetAtt PromotionStepLambdaFunction\.Arn/);
    expect(fragment.functions['promotionStep']).toMatchObject({ handler: 'handlers/promotion-step.handler', role: 'PromotionStepRole' });
    expect(fragment.functions['promote']).toMatchObject({ handler: 'handlers/promote.handler', role: 'PromoteRole' });
  });

  it('names only values that serverless/promotion-params.cjs exports', async () => {
    // Prepare
    const params = createRequire(import.meta.url)(join(ROOT, 'serverless/promotion-params.cjs')) as Record<
      string,
      (o: { resolveVariable: (v: string) => Promise<unknown> }) => Promise<unknown>
    >;
    const named = [...text.matchAll(/\$\{file\(\.\/serverless\/promotion-params\.cjs\):(\w+)\}/g)].map((m) => m[1]!);
    const resolveVariable = async (v: string) =>
      (
        ({ 'param:modelPackageGroupPrefix': 'churn-', 'param:promotionRoleArns': 'arn:aws:iam::222222222222:role/modelgate-promoter' }) as Record<
          string,
          unknown
        >
      )[v];

    // Act / Assess
    expect(named.length).toBeGreaterThan(3);
    for (const name of named) expect(typeof params[name]).toBe('function');
    expect(await params['promoteDetail']!({ resolveVariable })).toEqual({
      ModelApprovalStatus: ['Approved'],
      ModelPackageStatus: ['Completed'],
      ModelPackageGroupName: [{ prefix: 'churn-' }],
    });
    expect(await params['promotionRoleArns']!({ resolveVariable })).toEqual(['arn:aws:iam::222222222222:role/modelgate-promoter']);
    expect(await params['verifyKeyArns']!({ resolveVariable })).toEqual([expect.stringMatching(/^arn:aws:kms:.*:000000000000:key\//)]);
    await expect(params['promotionRoleArns']!({ resolveVariable: async () => 'arn:aws:iam::*:role/x' })).rejects.toThrow(/promotionRoleArns/);
  });
});
