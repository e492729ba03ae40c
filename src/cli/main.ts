#!/usr/bin/env node
/** The `modelgate` executable. */
import { processIO } from './io.js';
import { runCli } from './run-cli.js';

// The SDK warns on every run that releases after January 2027 need Node 22; the Lambda runtime is
// nodejs22.x and docs/deployment.md says so once — the CLI's stderr is for the user's own errors.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
process.exitCode = await runCli(process.argv.slice(2), processIO());
