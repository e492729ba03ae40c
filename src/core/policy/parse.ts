/**
 * Reads one policy file: YAML → schema → the cross-field rules a schema cannot say. Every problem
 * names the file, the place (line:column for YAML syntax, a JSON path otherwise) and what was
 * expected; all problems of a file are reported together so one review round fixes them all.
 */
import { createHash } from 'node:crypto';
import { LineCounter, parseDocument } from 'yaml';
import type { ValidateFunction } from 'ajv';
import { validatePolicyDocument } from '../../generated/validators.js';
import { PolicyError } from '../errors.js';
import { targetOptionProblems } from '../promotion/target-options.js';
import { problemsOf } from '../schema.js';
import { entryIdOf, type LoadedPolicy, type PolicyDocument } from './types.js';

// schemas/policy.schema.json, compiled at build time (scripts/compile-validators.mjs).
const validatePolicy = validatePolicyDocument as unknown as ValidateFunction;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `sha256:<hex>` of the bytes (a string is hashed as its UTF-8 bytes). */
export const policyDigest = (content: string | Uint8Array): string => `sha256:${createHash('sha256').update(content).digest('hex')}`;

/** The most characters a policy may have (a policy is a page of YAML; the file reader stops at 1 MiB). */
export const MAX_POLICY_CHARS = 1024 * 1024;

/**
 * Aliases (`*name`) a policy may use when it is turned into data. Each alias expansion counts, so a
 * "billion laughs" document (aliases of aliases) stops here instead of exhausting memory.
 */
export const MAX_POLICY_ALIASES = 100;

const yamlToValue = (text: string, file: string): unknown => {
  if (text.length > MAX_POLICY_CHARS) {
    throw new PolicyError(file, [`${file}: larger than the limit of ${MAX_POLICY_CHARS} characters (expected a policy of a few KiB)`]);
  }
  const lineCounter = new LineCounter();
  // The YAML 1.2 core schema: `2026-12-31` stays a string, `yes` stays a string, and no
  // application-specific tag (`!!timestamp`, `!!binary`) changes a value's type behind the schema.
  // uniqueKeys: a key given twice in a mapping is an error (never "the last one wins").
  const doc = parseDocument(text, {
    schema: 'core',
    resolveKnownTags: false,
    uniqueKeys: true,
    prettyErrors: false,
    lineCounter,
  });
  const problems = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    if (e.code === 'DUPLICATE_KEY') {
      // yaml's message does not say which key: read it at the error's position.
      const key = /^(?:"((?:[^"\\\n]|\\.){0,64})"|'([^'\n]{0,64})'|([^:#\n]{1,64}?))\s*:/.exec(text.slice(e.pos[0]));
      const name = key ? (key[1] ?? key[2] ?? key[3] ?? '').trim() : '';
      return `${file}:${line}:${col}: duplicate key${name ? ` ${JSON.stringify(name)}` : ''} (each key may appear once in a mapping; ${e.message})`;
    }
    return `${file}:${line}:${col}: ${e.message}`;
  });
  if (problems.length > 0) throw new PolicyError(file, problems);
  try {
    return doc.toJS({ maxAliasCount: MAX_POLICY_ALIASES });
  } catch (cause) {
    // yaml throws a ReferenceError for an excessive alias count (and for an alias it cannot resolve).
    const reason = /alias/i.test((cause as Error).message)
      ? `too many aliases: expanding them would exceed the limit of ${MAX_POLICY_ALIASES} (expected a policy without nested aliases)`
      : 'cannot be turned into data (an unresolvable alias?)';
    throw new PolicyError(file, [`${file}: ${reason}`], { cause });
  }
};

/** The rules that span several fields (the schema validates each field on its own). */
const crossFieldProblems = (doc: PolicyDocument, file: string): string[] => {
  const problems: string[] = [];
  const at = (path: string, problem: string): void => void problems.push(`${file} at ${path}: ${problem}`);

  // Entry ids (`id`, default `use`) are unique: they name the result in the run and in waivers.
  const firstIndex = new Map<string, number>();
  doc.checks.forEach((c, i) => {
    const id = entryIdOf(c);
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, i);
    else if (c.id === undefined) {
      at(`/checks/${i}`, `entry id "${id}" is already used by /checks/${first} (expected a unique id; give one of the entries an \`id:\`, e.g. id: ${id}-2)`);
    } else at(`/checks/${i}/id`, `entry id "${id}" is already used by /checks/${first} (expected an id unique within the policy)`);
  });

  (doc.waivers ?? []).forEach((w, i) => {
    if (!firstIndex.has(w.check)) {
      at(
        `/waivers/${i}/check`,
        `waiver for check "${w.check}", which names no check entry of this policy (expected an entry id: ${[...firstIndex.keys()].join(', ')})`,
      );
    }
    if (w.reason.trim() === '') at(`/waivers/${i}/reason`, 'must not be blank (expected why the waiver is granted)');
  });

  const stageIndex = new Map<string, number>();
  (doc.promotion?.stages ?? []).forEach((s, i) => {
    const first = stageIndex.get(s.name);
    if (first === undefined) stageIndex.set(s.name, i);
    else at(`/promotion/stages/${i}/name`, `stage "${s.name}" is already defined at /promotion/stages/${first}; stage names must be unique`);
    s.targets.forEach((t, j) => {
      problems.push(...targetOptionProblems(t, file, `/promotion/stages/${i}/targets/${j}`));
      // The role modelgate assumes lives in the hosting account (CROSS-ACCOUNT.md).
      const roleAccount = /^arn:[^:]+:iam::(\d{12}):/.exec(t.roleArn)?.[1];
      if (roleAccount !== undefined && roleAccount !== t.account) {
        at(
          `/promotion/stages/${i}/targets/${j}/roleArn`,
          `role is in account ${roleAccount} but the target account is ${t.account} (expected a role in the hosting account)`,
        );
      }
    });
  });
  return problems;
};

/**
 * Parses and validates one policy file.
 *
 * @param content - the file's text or, better, its exact bytes (the digest is taken over them)
 * @param file - where it came from, used in every message
 * @throws PolicyError listing every problem found
 * @example
 * ```ts
 * const policy = parsePolicy(await readFile('policies/credit-risk.yaml'), 'policies/credit-risk.yaml');
 * policy.doc.metadata.name; // 'credit-risk'
 * policy.digest;            // 'sha256:…'
 * ```
 */
export const parsePolicy = (content: string | Uint8Array, file: string): LoadedPolicy => {
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    try {
      text = utf8.decode(content);
    } catch (cause) {
      throw new PolicyError(file, [`${file}: not valid UTF-8 text (expected a YAML file)`], { cause });
    }
  }
  const value = yamlToValue(text, file);
  if (value === null || value === undefined) {
    throw new PolicyError(file, [`${file}: the file is empty (expected a policy document with apiVersion: modelgate/v1)`]);
  }
  const schemaProblems = problemsOf(validatePolicy, value, file);
  if (schemaProblems.length > 0) throw new PolicyError(file, schemaProblems);
  const doc = value as PolicyDocument;
  const problems = crossFieldProblems(doc, file);
  if (problems.length > 0) throw new PolicyError(file, problems);
  return { doc, file, digest: policyDigest(content) };
};

export { validatePolicyChecks, type CheckConfigResolver } from './validate-checks.js';
