/**
 * The hostile campaign's vocabulary: a case (an input for one entry point and the class of
 * outcome it must have), what running it showed, and how that is judged.
 *
 * Judged classes (the campaign fails when any is not 0):
 * - **wrong approval**: the run approved (decision `approve`, exit 0 from `evaluate`, an
 *   `Approved` registry update) an input that must not approve;
 * - **crash**: CLI exit 70 or a code outside the documented ones, a stack trace on stderr, death by
 *   a signal; HTTP 500 or no response; a Lambda handler that threw (a retry for input it cannot fix);
 * - **hang**: the case did not finish within its timeout;
 * - **leak**: a planted secret (an environment variable's value, a file's content) in any output.
 *
 * Besides, an outcome outside the class the case expects (say exit 2 where bad usage, 64, was
 * expected, or raw control characters in human output) is listed as a mismatch: worth reading,
 * not counted in the verdict.
 */

export type Entry = 'cli' | 'cli-subprocess' | 'http' | 'lambda';

/**
 * What a case expects:
 * - `input-error`: refused as bad input (CLI 64, HTTP 4xx, Lambda terminal `refused`);
 * - `no-approval`: any outcome but approval (a reject / needs-review decision or an input error);
 * - `approve`: a control case, which shows that the campaign can see an approval at all;
 * - `any`: only crash, hang and leak are judged.
 */
export type Expected = 'input-error' | 'no-approval' | 'approve' | 'any';

/** What running a case showed. */
export interface Observation {
  /** A short form of the outcome: `exit 64`, `HTTP 400`, `refused`, `decided reject`, `threw TypeError`. */
  outcome: string;
  /** The outcome was an approval. */
  approved: boolean;
  /** The outcome was a refusal as bad input (CLI 64, HTTP 4xx, Lambda `refused`). */
  inputError: boolean;
  /** Why this is a crash, when it is one. */
  crash: string | null;
  /** True when the case ran out of time. */
  timedOut: boolean;
  /** Everything the entry point wrote or answered (stdout, stderr, bodies, responses, log lines). */
  texts: string[];
  /** Human output that must not carry raw control characters (checked for cases that ask). */
  humanTexts?: string[];
}

export interface HostileCase {
  entry: Entry;
  /** `group/name`, unique, for the table and to rerun one case. */
  id: string;
  expect: Expected;
  /** Check human output for raw control characters (ESC, BEL, ...). */
  hygiene?: boolean;
  /** Per-case timeout (default by entry point). */
  timeoutMs?: number;
  run(signal: AbortSignal): Promise<Observation>;
}

export type Verdict = 'ok' | 'wrong-approval' | 'crash' | 'hang' | 'leak';

export interface Judged {
  c: HostileCase;
  obs: Observation;
  /** Every judged class this case fell in (empty: fine). */
  classes: Exclude<Verdict, 'ok'>[];
  /** Why the outcome is outside the expected class, when it is. */
  mismatch: string | null;
  leaked: string[];
}

/** Lines that look like a JavaScript stack frame (`    at f (file.js:1:2)`). */
export const STACK_FRAME = /^\s+at .*(\(|\s)(file:\/\/|node:|\/)[^\s)]*:\d+:\d+\)?\s*$/m;

/** Control characters that must not reach a terminal raw (tab and newline are fine). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u009b]/;

/** Judges one observation against its case and the planted secrets. */
export const judge = (c: HostileCase, obs: Observation, secretMarkers: string[]): Judged => {
  const classes: Judged['classes'] = [];
  if (obs.timedOut) classes.push('hang');
  if (obs.crash) classes.push('crash');
  const mustNotApprove = c.expect === 'input-error' || c.expect === 'no-approval';
  if (obs.approved && mustNotApprove) classes.push('wrong-approval');
  const all = obs.texts.join('\n');
  const leaked = secretMarkers.filter((m) => all.includes(m));
  if (leaked.length > 0) classes.push('leak');
  let mismatch: string | null = null;
  if (!obs.timedOut && !obs.crash) {
    if (c.expect === 'input-error' && !obs.inputError) mismatch = `expected a bad-input refusal, got ${obs.outcome}`;
    if (c.expect === 'approve' && !obs.approved) mismatch = `control case expected an approval, got ${obs.outcome}`;
  }
  if (c.hygiene && (obs.humanTexts ?? []).some((t) => RAW_CONTROL.test(t)))
    mismatch = `${mismatch ? `${mismatch}; ` : ''}raw control characters in human output`;
  return { c, obs, classes, mismatch, leaked };
};

/** A failed observation for a case whose harness itself threw (counted as a crash of that entry). */
export const harnessFailure = (err: unknown): Observation => ({
  outcome: `harness error ${(err as Error)?.name ?? 'Error'}`,
  approved: false,
  inputError: false,
  crash: `the case could not be run: ${(err as Error)?.message ?? String(err)}`,
  timedOut: false,
  texts: [],
});

/** Races `work` against `ms`; on timeout aborts `controller` and resolves a hang observation. */
export const withTimeout = async (ms: number, controller: AbortController, work: Promise<Observation>): Promise<Observation> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Observation>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ outcome: `no answer within ${ms} ms`, approved: false, inputError: false, crash: null, timedOut: true, texts: [] });
    }, ms);
  });
  try {
    return await Promise.race([work.catch(harnessFailure), timeout]);
  } finally {
    clearTimeout(timer);
  }
};
