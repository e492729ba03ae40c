/**
 * The shape every "APPROVE implies ..." property shares: evaluate each generated case through the
 * real gate, and when the gate approves, ask the test's oracle whether an approval was justified.
 */
import { expect } from '@jest/globals';
import fc from 'fast-check';
import type { GateHarness, GateInput, GateOutcome } from '../support/gate-harness.js';
import { propertyParams } from '../support/property-config.js';

export interface ApprovalOracle<C> {
  /** What the gate is given for a case. */
  inputOf(c: C): GateInput;
  /** Why `c` must not approve, or null when an approval is justified. */
  whyNot(c: C): string | null;
  /** The case, for the failure message. */
  describe(c: C): string;
  /** Fixed cases tried before the random ones (the rows). */
  examples: Array<[C]>;
}

/**
 * Asserts that no generated case is approved unless the oracle justifies it, and that the
 * generator reaches approvals at all (otherwise the property proves nothing).
 */
export const assertNoUnjustifiedApproval = async <C>(gate: GateHarness, arb: fc.Arbitrary<C>, oracle: ApprovalOracle<C>): Promise<void> => {
  let approvals = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (c) => {
      const outcome = await gate.evaluate(oracle.inputOf(c));
      if (outcome.kind !== 'decided' || outcome.decision !== 'approve') return;
      approvals += 1;
      const why = oracle.whyNot(c);
      if (why !== null) throw new Error(`approved although ${why}\n${oracle.describe(c)}`);
    }),
    { ...propertyParams(), examples: oracle.examples },
  );
  expect(approvals).toBeGreaterThan(0);
};

/** An outcome with what differs between two runs of the same input (run ids, versions) masked. */
export const comparableOutcome = (o: GateOutcome): unknown =>
  JSON.parse(
    JSON.stringify(o)
      .replace(/case-\d+/g, 'case-N')
      .replace(/gate-prop\/\d+/g, 'gate-prop/N')
      .replace(/"ModelPackageVersion":\d+/g, ''),
  );
