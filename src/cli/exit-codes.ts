/** The `modelgate` exit codes (POLICY-AND-CLI.md), plus sysexits for what the contract leaves open. */
export const EXIT = {
  ok: 0,
  approve: 0,
  reject: 1,
  failed: 1,
  needsReview: 2,
  usage: 64,
  /** A part of the product that is not built yet (EX_UNAVAILABLE). */
  notBuilt: 69,
  /** An unexpected internal failure (EX_SOFTWARE). */
  internal: 70,
  /** A transient upstream failure: try again (EX_TEMPFAIL). */
  tempFail: 75,
  refused: 77,
} as const;

export const exitForDecision = { approve: EXIT.approve, reject: EXIT.reject, needs_review: EXIT.needsReview } as const;
