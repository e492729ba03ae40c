/**
 * The model registry of the embedded stack: DescribeModelPackage-shaped JSON files under
 * `<dir>/<group>/<version>.json`, seeded from `examples/registry/`, with approval updates
 * persisted so that a champion approved in one run is the champion of the next. Each file is read
 * as untrusted input: a regular file, bounded (bounded-file.ts), strict JSON (no duplicate keys),
 * the shape of schemas/model-package.schema.json; a bad one is an InvalidInputError naming it.
 */
import { mkdir, readdir, rename, writeFile, copyFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import { validateModelPackage, type ApprovalStatus, type ModelPackage } from '../../core/model-package.js';
import type { ModelRegistry } from '../../core/ports.js';
import { parseStrictJson } from '../../core/strict-json.js';
import { FILE_LIMITS, readBoundedText } from './bounded-file.js';
import { parseModelPackageArn } from '../../core/subject.js';

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

const versionFiles = async (dir: string): Promise<string[]> => {
  try {
    return (await readdir(dir)).filter((f) => /^\d+\.json$/.test(f));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
};

export class LocalRegistry implements ModelRegistry {
  constructor(private readonly dir: string) {}

  /** Copies every `<group>/<version>.json` of `seedDir` that the registry does not have yet. Returns what was added. */
  async seed(seedDir: string): Promise<ModelPackage[]> {
    const added: ModelPackage[] = [];
    for (const group of (await readdir(seedDir, { withFileTypes: true })).filter((d) => d.isDirectory())) {
      await mkdir(join(this.dir, group.name), { recursive: true });
      for (const file of await versionFiles(join(seedDir, group.name))) {
        const target = join(this.dir, group.name, file);
        if (await exists(target)) continue;
        await copyFile(join(seedDir, group.name, file), target);
        added.push(await this.readFile(target));
      }
    }
    return added;
  }

  /** Adds a model package (a new registration). */
  async register(pkg: ModelPackage): Promise<void> {
    const at = this.pathOf(pkg.ModelPackageArn);
    await mkdir(join(this.dir, pkg.ModelPackageGroupName), { recursive: true });
    await this.write(at, pkg);
  }

  async describe(arn: string): Promise<ModelPackage> {
    const path = this.pathOf(arn);
    if (!(await exists(path))) throw new NotFoundError('model package', arn);
    return this.readFile(path);
  }

  /** The groups in the registry, sorted. */
  async groups(): Promise<string[]> {
    try {
      return (await readdir(this.dir, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** Every version of a group, oldest first. */
  async versions(group: string): Promise<ModelPackage[]> {
    const files = await versionFiles(join(this.dir, group));
    const pkgs = await Promise.all(files.map((f) => this.readFile(join(this.dir, group, f))));
    return pkgs.sort((a, b) => a.ModelPackageVersion - b.ModelPackageVersion);
  }

  async findChampion(group: string, exceptArn: string): Promise<ModelPackage | null> {
    // Newest Approved by CreationTime (then version), as the SageMaker adapter asks with SortOrder=Descending.
    const approved = (await this.versions(group)).filter((p) => p.ModelApprovalStatus === 'Approved' && p.ModelPackageArn !== exceptArn);
    approved.sort((a, b) => (b.CreationTime ?? '').localeCompare(a.CreationTime ?? '') || b.ModelPackageVersion - a.ModelPackageVersion);
    return approved[0] ?? null;
  }

  async setApproval(arn: string, status: ApprovalStatus, description: string): Promise<void> {
    const pkg = await this.describe(arn);
    await this.write(this.pathOf(arn), {
      ...pkg,
      ModelApprovalStatus: status,
      ApprovalDescription: description.slice(0, 1024),
      LastModifiedTime: new Date().toISOString(),
    });
  }

  private pathOf(arn: string): string {
    const parsed = parseModelPackageArn(arn);
    if (!parsed)
      throw new InvalidInputError(
        `"${arn}" is not a versioned model package ARN`,
        'ModelPackageArn',
        'arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>',
      );
    return join(this.dir, parsed.group, `${parsed.version}.json`);
  }

  private async readFile(path: string): Promise<ModelPackage> {
    const text = await readBoundedText(path, { maxBytes: FILE_LIMITS.modelPackageBytes });
    return validateModelPackage(parseStrictJson(text, path, { nonFinite: 'reject' }), path);
  }

  private async write(path: string, pkg: ModelPackage): Promise<void> {
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(pkg, null, 2)}\n`);
    await rename(tmp, path);
  }
}
