/**
 * What every modelgate Lambda sets up at module scope: Powertools Logger, Metrics and Tracer for
 * one service, the logger as the AppLogger the use cases take, and the deployed services composed
 * once, on first use (so a bad environment is a clear error in the logs, not an init crash).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { AppLogger, AppServices } from '../../src/app/services.js';
import { composeAws } from '../../src/compose.js';
import { once, requireExistingPath } from './deployment-config.js';

export interface LambdaRuntime {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
  appLogger: AppLogger;
  /** The deployed services, composed on the first call. */
  services: () => AppServices;
}

/**
 * @example
 * ```ts
 * const { logger, metrics, tracer, services } = lambdaRuntime('modelgate-evaluate', { correlationIds: true });
 * ```
 */
export const lambdaRuntime = (service: string, options: { correlationIds?: boolean; requireEnv?: string[] } = {}): LambdaRuntime => {
  const logger = new Logger({ serviceName: service, ...(options.correlationIds ? { correlationIdSearchFn: search } : {}) });
  const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'modelgate', serviceName: service });
  const tracer = new Tracer({ serviceName: service });
  const appLogger: AppLogger = {
    debug: (message, extra) => logger.debug(message, extra ?? {}),
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  };
  const services = once(() => {
    requireExistingPath(process.env, 'MODELGATE_POLICIES');
    for (const name of options.requireEnv ?? []) if (!process.env[name]) throw new Error(`${name} is not set`);
    return composeAws(process.env, { logger: appLogger, requireTopic: true });
  }, `the ${service} function`);
  return { logger, metrics, tracer, appLogger, services };
};
