/**
 * How many cases the property tests generate, and from which seed: one place, read from the
 * environment so that CI runs a fixed, modest run and `npm run test:property:long` a big one.
 *
 * - `MODELGATE_PROPERTY_RUNS`: cases per property (default 40).
 * - `MODELGATE_PROPERTY_SEED`: the fast-check seed (default 20261208); a failure prints the seed
 *   and path that reproduce it.
 */
const intFromEnv = (name: string, fallback: number): number => {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number >= 1 (got "${text}")`);
  return value;
};

/** Cases per property. */
export const PROPERTY_RUNS: number = intFromEnv('MODELGATE_PROPERTY_RUNS', 40);

/** The fast-check seed every property uses. */
export const PROPERTY_SEED: number = intFromEnv('MODELGATE_PROPERTY_SEED', 20261208);

/** fast-check parameters for `fc.assert(property, propertyParams())`; `scale` multiplies the runs of a cheap property. */
export const propertyParams = (scale = 1): { numRuns: number; seed: number; endOnFailure: boolean } => ({
  numRuns: Math.max(1, Math.round(PROPERTY_RUNS * scale)),
  seed: PROPERTY_SEED,
  endOnFailure: true,
});

/** A jest timeout that grows with the number of runs (a long run must not hit the 30 s default). */
export const propertyTimeoutMs = (perRunMs = 250, scale = 1): number => 30_000 + PROPERTY_RUNS * scale * perRunMs;
