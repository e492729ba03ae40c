/**
 * Latency arithmetic and machine conditions for the benchmarks: nearest-rank percentiles, a
 * summary of one series, and what the machine was doing while it was measured.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';

export interface LatencySummary {
  count: number;
  /** Sum of the measured latencies, in seconds. */
  seconds: number;
  /** `count / seconds`: one evaluation at a time, back to back. */
  perSecond: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile (`p` in (0, 1]) of ascending `sorted`; NaN for an empty series. */
export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
};

/** Summarises latencies given in milliseconds. */
export const summarise = (latenciesMs: readonly number[]): LatencySummary => {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const totalMs = sorted.reduce((s, x) => s + x, 0);
  return {
    count: sorted.length,
    seconds: totalMs / 1000,
    perSecond: totalMs > 0 ? (sorted.length * 1000) / totalMs : Number.NaN,
    meanMs: sorted.length > 0 ? totalMs / sorted.length : Number.NaN,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
  };
};

export interface MachineConditions {
  node: string;
  cpuModel: string;
  cpus: number;
  /** 1, 5 and 15-minute load averages at the time of measuring. */
  loadAverage: [number, number, number];
}

export const machineConditions = (): MachineConditions => {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return { node: process.version, cpuModel: cpus()[0]?.model ?? 'unknown', cpus: availableParallelism(), loadAverage: [one, five, fifteen] };
};

/** `1.23` style: fixed decimals, right-aligned to `width`. */
export const num = (value: number, decimals: number, width = 0): string => value.toFixed(decimals).padStart(width);
