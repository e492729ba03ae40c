/**
 * A structured logger for the CLI and the local stack: JSON lines on stderr at or above a level
 * (`MODELGATE_LOG_LEVEL`, default `warn`, so that the CLI's own output stays readable).
 */
import type { AppLogger } from '../../app/services.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

export const consoleLogger = (
  level: string = process.env['MODELGATE_LOG_LEVEL'] ?? 'warn',
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): AppLogger => {
  const min = Math.max(0, LEVELS.indexOf(level as Level));
  const at = (l: Level) => (message: string, extra?: Record<string, unknown>) => {
    if (LEVELS.indexOf(l) >= min) write(JSON.stringify({ level: l, time: new Date().toISOString(), message, ...extra }));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};
