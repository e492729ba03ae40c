import { OUTCOMES } from '../core/outcomes.js';

/**
 * The `modelgate` exit codes (POLICY-AND-CLI.md), plus sysexits for what the contract leaves open.
 * The codes for failures come from the one error-to-outcome table, src/core/outcomes.ts.
 */
export const EXIT = {
  ok: 0,
  approve: 0,
  reject: 1,
  failed: 1,
  needsReview: 2,
  usage: OUTCOMES.usage.exitCode,
  /** A part of the product that is not built yet (EX_UNAVAILABLE). */
  notBuilt: OUTCOMES.not_built.exitCode,
  /** An unexpected internal failure (EX_SOFTWARE). */
  internal: OUTCOMES.unexpected.exitCode,
  /** A transient upstream failure: try again (EX_TEMPFAIL). */
  tempFail: OUTCOMES.transient.exitCode,
  refused: OUTCOMES.refused.exitCode,
} as const;

export const exitForDecision = { approve: EXIT.approve, reject: EXIT.reject, needs_review: EXIT.needsReview } as const;
