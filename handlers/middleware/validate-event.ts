/**
 * A middy unit that validates the incoming event against a JSON Schema before the handler body
 * runs (the swarmion shape: the contract is checked at the edge). The validator is compiled by the
 * caller at module scope, never per invocation; problems are reported with the shared formatting
 * of `src/core/schema.ts`, so a refused event reads the same here as in the CLI.
 */
import type { MiddlewareObj } from '@middy/core';
import type { ValidateFunction } from 'ajv';
import { InvalidInputError } from '../../src/core/errors.js';
import { problemsOf } from '../../src/core/schema.js';

export interface ValidateEventOptions {
  /** A compiled validator (ajv `compile`, at module scope). */
  validate: ValidateFunction;
  /** What the input is called in messages, e.g. `event`. */
  where?: string;
  /** What a valid input is, for the "expected" part of the message. */
  expected?: string;
}

/**
 * Refuses an event that does not match the schema with an {@link InvalidInputError} naming the
 * JSON path, the problem and what was expected (every problem, not only the first).
 *
 * @example
 * ```ts
 * const validate = createAjv().compile(schema); // module scope
 * export const handler = middy(fn).use(validateEvent({ validate, expected: 'a SageMaker Model Package State Change event' }));
 * ```
 */
export const validateEvent = (options: ValidateEventOptions): MiddlewareObj => {
  if (typeof options.validate !== 'function') {
    throw new InvalidInputError('validate is not a function', 'validateEvent options', 'a compiled ajv ValidateFunction');
  }
  const where = options.where ?? 'event';
  return {
    name: 'validateEvent',
    before: (request) => {
      const problems = problemsOf(options.validate, request.event, where);
      const first = problems[0];
      if (first === undefined) return;
      // "event at /detail/X: must be integer" → where "event at /detail/X", message "must be integer".
      const cut = first.indexOf(': ');
      const more = problems.length > 1 ? `; also ${problems.slice(1).join('; ')}` : '';
      throw new InvalidInputError(`${first.slice(cut + 2)}${more}`, first.slice(0, cut), options.expected);
    },
  };
};
