/**
 * One way to validate against JSON Schema (draft-07, ajv strict) and one way to say what failed:
 * the JSON path, the problem, and what was expected. Compile at module scope, never per call.
 */
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/**
 * A strict ajv instance with formats. `useDefaults` fills defaults declared in a schema.
 *
 * Meta-schema validation is off by default: compiling the draft-07 meta-schema in every instance
 * was a third of a Lambda's init time, and strict mode still rejects unknown keywords and formats
 * at compile time. `tests/contract/schemas.test.ts` validates every schema in the repo against the
 * meta-schema instead, once, in CI.
 */
export const createAjv = (options: Options = {}): Ajv => {
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true, validateSchema: false, ...options });
  addFormats(ajv);
  return ajv;
};

const describe = (e: ErrorObject): string => {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown key "${String(p['additionalProperty'])}"`;
    case 'required':
      return `missing required key "${String(p['missingProperty'])}"`;
    case 'enum':
      return `must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p['allowedValue'])}`;
    case 'type':
      return `must be ${String(p['type'])}`;
    default:
      return e.message ?? e.keyword;
  }
};

/**
 * Formats ajv errors as `"<where> at <path>: <problem>"` lines, most specific first, without the
 * noise of `anyOf`/`oneOf` wrappers when a more precise error exists.
 */
export const formatSchemaErrors = (errors: ErrorObject[] | null | undefined, where: string): string[] => {
  if (!errors || errors.length === 0) return [];
  const precise = errors.filter((e) => !['anyOf', 'oneOf', 'if'].includes(e.keyword));
  const chosen = precise.length > 0 ? precise : errors;
  // A `where` that already ends in a JSON path (`p.yaml at /checks/0/with`) is extended, not
  // followed by a second "at": `p.yaml at /checks/0/with/metrics/auc`.
  const nested = / at (\/[^ ]*)$/.exec(where);
  const lines = chosen.map((e) => {
    if (nested) return `${where}${e.instancePath}: ${describe(e)}`;
    return `${where} at ${e.instancePath === '' ? '/' : e.instancePath}: ${describe(e)}`;
  });
  return [...new Set(lines)];
};

/** Validates `value`; returns problem lines (empty when valid). */
export const problemsOf = (validate: ValidateFunction, value: unknown, where: string): string[] =>
  validate(value) ? [] : formatSchemaErrors(validate.errors, where);

/**
 * A validator compiled on its first call, not at module load: for schemas a process may never
 * use (promotion target options in the evaluate Lambda), so that they cost its cold start nothing.
 * Compiled once; it throws at first use if the schema does not compile (tests call each once).
 */
export const lazyValidator = (schema: Record<string, unknown>, options: Options = {}): ValidateFunction => {
  let compiled: ValidateFunction | undefined;
  const validate = ((data: unknown) => {
    compiled ??= createAjv(options).compile(schema);
    const ok = compiled(data);
    validate.errors = compiled.errors ?? null;
    return ok;
  }) as ValidateFunction;
  validate.errors = null;
  return validate;
};
