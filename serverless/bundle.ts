/**
 * Bundles Lambda handlers exactly as `osls package` does (serverless-esbuild with the options of
 * `serverless/esbuild.yml`), for the handler tests and bench/cold-start without a full package.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root, from src (serverless/) or compiled (dist/serverless/) locations. */
export const repoRoot = resolve(here, basename(dirname(here)) === 'dist' ? '../..' : '..');

/** The part of serverless/esbuild.yml this module translates to esbuild options. */
interface ServerlessEsbuildOptions {
  minify?: boolean;
  sourcemap?: boolean;
  platform?: BuildOptions['platform'];
  target?: string;
  format?: BuildOptions['format'];
  outputFileExtension?: string;
  mainFields?: string[];
  banner?: Record<string, string>;
  plugins?: string;
}

/** The esbuild options serverless-esbuild derives from serverless/esbuild.yml. */
export const lambdaBuildOptions = (): BuildOptions => {
  const config = parse(readFileSync(join(repoRoot, 'serverless', 'esbuild.yml'), 'utf8')) as ServerlessEsbuildOptions;
  const plugins = config.plugins ? (createRequire(import.meta.url)(resolve(repoRoot, config.plugins)) as Plugin[]) : [];
  return {
    bundle: true,
    minify: config.minify ?? false,
    sourcemap: config.sourcemap ?? false,
    platform: config.platform ?? 'node',
    ...(config.target ? { target: config.target } : {}),
    ...(config.format ? { format: config.format } : {}),
    ...(config.mainFields ? { mainFields: config.mainFields } : {}),
    ...(config.banner ? { banner: config.banner } : {}),
    outExtension: { '.js': config.outputFileExtension ?? '.js' },
    plugins,
    absWorkingDir: repoRoot,
    logLevel: 'silent',
  };
};

export interface BundledHandler {
  /** The entry, relative to the repository root (`handlers/evaluate.ts`). */
  entry: string;
  /** The bundle written (absolute). */
  file: string;
  /** Bundle size in bytes (unzipped). */
  bytes: number;
}

/**
 * Bundles each entry (paths relative to the repository root) into `outdir`, keeping the
 * `handlers/<name>.mjs` layout of the deployed zip so that module-relative paths resolve the same.
 *
 * @example
 * ```ts
 * const [evaluate] = await bundleHandlers(['handlers/evaluate.ts'], tmp);
 * const { handler } = await import(pathToFileURL(evaluate.file).href);
 * ```
 */
export const bundleHandlers = async (entries: string[], outdir: string): Promise<BundledHandler[]> => {
  const options = lambdaBuildOptions();
  const result = await build({
    ...options,
    entryPoints: entries.map((e) => resolve(repoRoot, e)),
    outbase: repoRoot,
    outdir,
    metafile: true,
  });
  const outputs = Object.entries(result.metafile.outputs);
  return entries.map((entry) => {
    const found = outputs.find(([, out]) => out.entryPoint !== undefined && resolve(repoRoot, out.entryPoint) === resolve(repoRoot, entry));
    if (!found) throw new Error(`esbuild wrote no bundle for ${entry} (expected one output per entry point)`);
    const [file, out] = found;
    return { entry: relative(repoRoot, resolve(repoRoot, entry)), file: resolve(repoRoot, file), bytes: out.bytes };
  });
};
