/**
 * Every JSON Schema in the repository is a valid draft-07 schema that compiles in strict mode.
 * (Runtime ajv instances skip meta-schema validation to keep Lambda init fast; this is where it
 * happens instead.)
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createAjv } from '../../src/core/schema.js';
import { ROOT } from '../support/cli.js';

const schemaFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : schemaFiles(path);
    return name.endsWith('.schema.json') ? [path] : [];
  });

const files = [...schemaFiles(join(ROOT, 'schemas')), ...schemaFiles(join(ROOT, 'checks'))];

describe('JSON Schemas', () => {
  it('finds the schemas', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s is a valid draft-07 schema and compiles in strict mode', (_name, file) => {
    // Prepare
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const checking = createAjv({ validateSchema: true });
    checking.addSchema(JSON.parse(readFileSync(join(ROOT, 'schemas/check-result.schema.json'), 'utf8')));
    // Act
    const valid = checking.validateSchema(schema);
    // Assess
    expect(checking.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    if (schema['$id'] !== 'https://modelgate.dev/schemas/check-result.schema.json') expect(() => checking.compile(schema)).not.toThrow();
  });

  it('rejects a schema with a typo in a type name', () => {
    const checking = createAjv({ validateSchema: true });
    expect(checking.validateSchema({ type: 'strng' })).toBe(false);
  });
});
