import { describe, expect, it } from '@jest/globals';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { StsRoleAssumer, createAwsTargets, createAwsVerifiers, createClientsFor, sessionNameFor } from '../../../../../src/adapters/aws/targets/index.js';
import { ALLOW_LIST, RUN_ID, hostTarget, stsResponse } from './fixtures.js';

const sts = mockClient(STSClient);
sts.on(AssumeRoleCommand).resolves(stsResponse());
const assumer = new StsRoleAssumer({ client: new STSClient({ region: 'eu-west-1' }), allowList: ALLOW_LIST });

describe('createAwsTargets / createAwsVerifiers', () => {
  it('serves each of the five policy target kinds once, and endpoint-smoke', () => {
    // Act
    const kinds = createAwsTargets({ assumer }).map((t) => t.kind);
    const verifiers = createAwsVerifiers({ assumer }).map((v) => v.id);

    // Assess
    expect(kinds.sort()).toEqual(['bedrock-copy', 'bedrock-import', 'eventbridge-forward', 'sagemaker-endpoint', 'sagemaker-registry']);
    expect(verifiers).toEqual(['endpoint-smoke']);
  });
});

describe('createClientsFor', () => {
  it('builds clients in the target Region that sign with the assumed role, the runtime client with one attempt', async () => {
    // Prepare
    const clientsFor = createClientsFor(assumer, { env: { AWS_MAX_ATTEMPTS: '4' } });

    // Act
    const clients = await clientsFor(hostTarget('sagemaker-endpoint', { region: 'ap-southeast-2' }), sessionNameFor(RUN_ID));
    const again = await clientsFor(hostTarget('sagemaker-endpoint', { region: 'ap-southeast-2' }), sessionNameFor(RUN_ID));

    // Assess
    expect(again).toBe(clients);
    expect(await clients.bedrock.config.region()).toBe('ap-southeast-2');
    expect(await clients.sagemaker.config.credentials()).toMatchObject({ accessKeyId: 'ASIAEXAMPLE', sessionToken: 'token' });
    expect(await clients.sagemaker.config.maxAttempts()).toBe(4);
    expect(await clients.sagemakerRuntime.config.maxAttempts()).toBe(1);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });
});
