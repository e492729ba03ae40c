/**
 * What the use cases run against: the ports, wired by `src/compose.ts` (AWS adapters in Lambda,
 * embedded ones locally, fakes only at the SDK boundary in tests).
 */
import type { CheckLogger } from '../core/check.js';
import type { CheckRegistry } from '../core/check-registry.js';
import type { ArtifactStore, Clock, EventPublisher, Ledger, ModelRegistry, Notifier, PolicySource } from '../core/ports.js';
import type { EvidenceLimits } from './evidence-reader.js';

export interface AppLogger extends CheckLogger {
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface AppServices {
  registry: ModelRegistry;
  artifacts: ArtifactStore[];
  ledger: Ledger;
  publisher: EventPublisher;
  notifier: Notifier;
  policies: PolicySource;
  checks: CheckRegistry;
  clock: Clock;
  logger: AppLogger;
  serviceVersion: string;
  engine: { concurrency: number; defaultTimeoutMs: number };
  evidenceLimits?: Partial<EvidenceLimits>;
  /** How a person looks closer at a run (a page URL when one is served). */
  runLink?: (runId: string) => string;
}
