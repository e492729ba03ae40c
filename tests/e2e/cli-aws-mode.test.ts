/**
 * With MODELGATE_LEDGER_TABLE set the CLI talks to AWS as the caller. Without credentials it says
 * so and how to fix it, instead of an "unexpected error". No traffic leaves 127.0.0.1: the
 * instance-metadata provider is disabled and DynamoDB points at a closed local port.
 */
import { describe, expect, it } from '@jest/globals';
import { runCli, tempHome } from '../support/cli.js';

const NO_CREDENTIALS = {
  MODELGATE_LEDGER_TABLE: 'modelgate-ledger',
  MODELGATE_EVENT_BUS: 'modelgate',
  MODELGATE_LOG_LEVEL: 'error',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_SESSION_TOKEN: '',
  AWS_PROFILE: '',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
  AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
  AWS_WEB_IDENTITY_TOKEN_FILE: '',
  AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
};

describe('modelgate against AWS', () => {
  it('says plainly that credentials are missing, and how to fix it (exit 64)', () => {
    const r = runCli(['runs', 'list'], tempHome(), { env: NO_CREDENTIALS });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('modelgate: no AWS credentials: MODELGATE_LEDGER_TABLE is set');
    expect(r.stderr).toContain('unset MODELGATE_LEDGER_TABLE to use the embedded stack');
  });

  it('names a missing deployment setting for a command that publishes', () => {
    const r = runCli(['promote', 'run-01abc', '--dry-run'], tempHome(), { env: { ...NO_CREDENTIALS, MODELGATE_EVENT_BUS: '' } });
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/MODELGATE_EVENT_BUS is not set/);
  });

  it('needs no event bus to read runs: runs list without MODELGATE_EVENT_BUS gets as far as the credentials', () => {
    const r = runCli(['runs', 'list'], tempHome(), { env: { ...NO_CREDENTIALS, MODELGATE_EVENT_BUS: '' } });
    expect(r.code).toBe(64);
    expect(r.stderr).not.toMatch(/MODELGATE_EVENT_BUS/);
    expect(r.stderr).toMatch(/no AWS credentials/);
  });
});
