/* global module, require, __dirname */
/**
 * esbuild plugins for the Lambda bundles (serverless-esbuild loads this file with require()).
 *
 * `src/compose.ts` wires both the deployed path and the local stack, so it imports
 * `src/adapters/local/embedded-dynamodb.ts`, which loads dynalite (a dev-time, native LevelDB
 * server) with createRequire at module load. esbuild cannot see that require, so the bundle would
 * fail at init in Lambda with "Cannot find module 'dynalite'". The plugin resolves that one module
 * to `serverless/lambda-shims/embedded-dynamodb.ts`, whose functions say plainly that the embedded
 * DynamoDB is not part of a Lambda bundle. esbuild checks at build time that the shim exports every
 * name the bundle imports from it.
 */
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const SHIMS = new Map([[path.join(root, 'src/adapters/local/embedded-dynamodb.ts'), path.join(__dirname, 'lambda-shims/embedded-dynamodb.ts')]]);

/** @type {import('esbuild').Plugin} */
const lambdaShims = {
  name: 'modelgate-lambda-shims',
  setup(build) {
    build.onResolve({ filter: /embedded-dynamodb(\.js|\.ts)?$/ }, (args) => {
      const target = path.resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      const shim = SHIMS.get(target);
      return shim ? { path: shim } : undefined;
    });
  },
};

module.exports = [lambdaShims];
