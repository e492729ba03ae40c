/**
 * What the use cases run against: the ports, wired by `src/compose.ts` (AWS adapters in Lambda,
 * embedded ones locally, fakes only at the SDK boundary in tests).
 */
import type { CheckLogger } from '../core/check.js';
import type { CheckRegistry } from '../core/check-registry.js';
import type { ArtifactStore, Clock, EventPublisher, Ledger, ModelRegistry, Notifier, PolicySource } from '../core/ports.js';
import type { PromotionRunner, PromotionTiming } from '../core/promotion/record.js';
import type { HostingTarget, PromotionAllowList, Signer, StageVerifier } from '../core/promotion/types.js';
import type { EvidenceLimits } from './evidence-reader.js';

export interface AppLogger extends CheckLogger {
  error(message: string, extra?: Record<string, unknown>): void;
}

/** What promotion needs (issue: promotion into hosting accounts). */
export interface PromotionServices {
  /** One adapter per target kind. */
  targets: HostingTarget[];
  verifiers: StageVerifier[];
  /** Accounts and roles promotion may assume into (deployment config, never the policy). */
  allowList: PromotionAllowList;
  /** The embedded stack: every target only plans and records (a dry run), and says so. */
  dryRunOnly: boolean;
  /** Starts the loop that advances a promotion (Step Functions; the local driver on the embedded stack). */
  runner?: PromotionRunner;
  /** Poll backoff and the per-stage deadline (defaults: 15 s doubling to 60 s, 60 min). */
  timing?: Partial<PromotionTiming>;
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
  /** Signs decision records when they are written; verifies them before promotion. */
  signer?: Signer;
  promotion?: PromotionServices;
  /** How a person looks closer at a run (a page URL when one is served). */
  runLink?: (runId: string) => string;
}
