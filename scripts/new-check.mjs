#!/usr/bin/env node
/**
 * Scaffolds a check module: `npm run new-check -- <id>` writes checks/<id>/ (index.ts,
 * config.schema.json, README.md, fixtures/pass-example.json, fixtures/fail-example.json) and
 * tests/unit/checks/<id>.test.ts from scripts/templates/check/, then regenerates checks/index.ts.
 * The scaffold is a working check that passes the contract test as generated.
 * MODELGATE_ROOT points it at another tree (tests run it on a temp copy).
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { camelCase, generateIndex, repoRoot } from './gen-checks-index.mjs';

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates', 'check');
const USAGE = 'usage: npm run new-check -- <id>   (id: kebab-case, e.g. data-drift)';

/** Thrown for bad usage; the CLI exits 64 with its message. */
export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Template file (under scripts/templates/check) -> destination (relative to the root). */
const filesFor = (id) => [
  ['index.ts.tmpl', `checks/${id}/index.ts`],
  ['config.schema.json.tmpl', `checks/${id}/config.schema.json`],
  ['README.md.tmpl', `checks/${id}/README.md`],
  ['fixtures/pass-example.json.tmpl', `checks/${id}/fixtures/pass-example.json`],
  ['fixtures/fail-example.json.tmpl', `checks/${id}/fixtures/fail-example.json`],
  ['test.ts.tmpl', `tests/unit/checks/${id}.test.ts`],
];

/** `data-drift` -> `Data drift`. */
const titleOf = (id) => {
  const words = id.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const render = (text, id) => {
  const camel = camelCase(id);
  return text
    .replaceAll('__ID__', id)
    .replaceAll('__CAMEL__', camel)
    .replaceAll('__PASCAL__', camel.charAt(0).toUpperCase() + camel.slice(1))
    .replaceAll('__TITLE__', titleOf(id));
};

/**
 * Writes the scaffold for `id` under `root` and regenerates the index. Returns the paths written
 * (relative to root). Throws UsageError for a bad id or an existing check.
 */
export const scaffoldCheck = (id, root = repoRoot()) => {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new UsageError(
      `"${id ?? ''}" is not a check id: expected kebab-case (lower-case letters and digits in dash-separated words, starting with a letter), e.g. data-drift`,
    );
  }
  const files = filesFor(id);
  if (existsSync(join(root, 'checks', id))) throw new UsageError(`checks/${id} already exists: choose another id, or edit that check`);
  const clash = files.find(([, to]) => existsSync(join(root, to)));
  if (clash) throw new UsageError(`${clash[1]} already exists: choose another id, or remove it first`);
  for (const [from, to] of files) {
    const dest = join(root, to);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, render(readFileSync(join(TEMPLATES, from), 'utf8'), id), { flag: 'wx' });
  }
  const { path } = generateIndex(root);
  return [...files.map(([, to]) => to), relative(root, path)];
};

/**
 * Puts the written sources in the house format (`npm test` checks it; the templates are filled in,
 * not formatted), with the prettier and the settings of the project this script belongs to.
 */
const formatSources = (root, files) => {
  const own = join(dirname(fileURLToPath(import.meta.url)), '..');
  const require = createRequire(import.meta.url);
  const bin = require.resolve('prettier/bin/prettier.cjs');
  execFileSync(process.execPath, [bin, '--config', join(own, '.prettierrc.json'), '--write', '--log-level', 'warn', ...files], { cwd: root, stdio: 'inherit' });
};

const main = () => {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  try {
    if (args.length !== 1) throw new UsageError(args.length === 0 ? 'no check id given' : `expected one check id, got ${args.length} arguments`);
    const id = args[0];
    const written = scaffoldCheck(id);
    formatSources(
      repoRoot(),
      written.filter((f) => f.endsWith('.ts')),
    );
    console.log(`created check ${id}:\n${written.map((f) => `  ${f}`).join('\n')}`);
    console.log(
      `next: edit checks/${id}/index.ts, config.schema.json, README.md and the fixtures; then run\n  node --experimental-vm-modules node_modules/jest/bin/jest.js tests/contract/checks.test.ts tests/unit/checks/${id}.test.ts`,
    );
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`new-check: ${err.message}\n${USAGE}`);
      process.exit(64);
    }
    console.error(`new-check: ${err.message}`);
    process.exit(1);
  }
};

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
