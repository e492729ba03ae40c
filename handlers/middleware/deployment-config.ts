/**
 * Services composed once per Lambda container, on first use. Composing at first use rather than at
 * import keeps a bad environment from failing the module load (an opaque `Runtime.ImportModuleError`)
 * and turns it into a clear, retryable error on the invocation.
 */
import { existsSync } from 'node:fs';

/**
 * The function's deployment is wrong (a missing or malformed environment variable). Not the
 * event's fault, so never terminal: the invocation fails, Lambda retries, the event reaches the
 * dead-letter queue, and can be redriven once the configuration is fixed.
 */
export class DeploymentConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeploymentConfigError';
  }
}

/**
 * Builds a value on the first call and returns the same one afterwards. A failed build is not
 * cached (the next invocation tries again) and is rethrown as a {@link DeploymentConfigError}.
 *
 * @example
 * ```ts
 * const services = once(() => composeAws(process.env, { logger, requireTopic: true }), 'evaluate function');
 * const fn = async (event) => handleRegistryEvent(services(), event);
 * ```
 */
export const once = <T>(build: () => T, what: string): (() => T) => {
  let value: T | undefined;
  return () => {
    if (value !== undefined) return value;
    try {
      value = build();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DeploymentConfigError(
        `${what} is misconfigured: ${reason} (expected the environment that serverless.yml sets; fix it, then redrive the dead-letter queue)`,
        { cause: error },
      );
    }
    return value;
  };
};

/**
 * Throws when the environment variable `name` is set to a path that does not exist (e.g. the
 * policies were not packaged beside the handler). Without this, every event would be refused as
 * bad input — it is the deployment that is wrong, not the event.
 */
export const requireExistingPath = (env: Record<string, string | undefined>, name: string): void => {
  const path = env[name];
  if (path !== undefined && !existsSync(path)) {
    throw new Error(`${name} names ${path}, which does not exist (expected the policies packaged with the function)`);
  }
};
