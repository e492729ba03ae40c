/**
 * Argument parsing on node:util parseArgs, strict: an unknown option, a missing value or a stray
 * positional is a UsageError that names it and shows the usage line.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export const parseCommandArgs = <O extends Options>(
  argv: string[],
  options: O,
  usage: string,
  positionals: { min: number; max: number; names: string } = { min: 0, max: 0, names: '' },
) => {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: positionals.max > 0 });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''), usage);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const pos = parsed.positionals;
  if (!values['help']) {
    if (pos.length < positionals.min) throw new UsageError(`missing ${positionals.names}`, usage);
    if (pos.length > positionals.max) throw new UsageError(`unexpected argument "${pos[positionals.max]}"`, usage);
  }
  return {
    values: values as { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : O[K]['multiple'] extends true ? string[] : string } & { help?: boolean },
    positionals: pos,
  };
};

/** An option restricted to a set of values. */
export const oneOf = <T extends string>(value: string | undefined, allowed: readonly T[], option: string, usage: string): T | undefined => {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${option} must be one of ${allowed.join(', ')} (got "${value}")`, usage);
  }
  return value as T;
};

/** A required option. */
export const required = (value: string | undefined, option: string, usage: string): string => {
  if (value === undefined || value.trim() === '') throw new UsageError(`${option} is required`, usage);
  return value;
};
