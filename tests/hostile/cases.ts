/**
 * The campaign's cases, per entry point: the in-process CLI, the CLI as a subprocess (only what
 * must be one), the local stack's HTTP API and the evaluate Lambda handler — one file each.
 */
import type { HostileCase } from './case.js';
import type { CaseContext } from './case-context.js';
import { cliCases, subprocessCases } from './cli-cases.js';
import { httpCases } from './http-cases.js';
import { lambdaCases } from './lambda-cases.js';

export type { CaseContext } from './case-context.js';
export { stateChange } from './case-context.js';

export const allCases = (ctx: CaseContext): HostileCase[] => [...cliCases(ctx), ...subprocessCases(ctx), ...httpCases(ctx), ...lambdaCases(ctx)];
