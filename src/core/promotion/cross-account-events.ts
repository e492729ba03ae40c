/**
 * `eventbridge-forward`: a `Model Promoted` event on the hosting account's bus, for teams with their
 * own deployer. modelgate puts the event from inside H (the assumed role); teams that forward the
 * registry's own events with a rule in R need the bus policy and the forwarding role as well.
 * Checklist: CROSS-ACCOUNT.md, "Event forwarding R → H".
 *
 * Target options read here (docs/promotion-targets.md): `eventBusArn` or `eventBusName` (default
 * `default`). The forwarding role in R is not a target option: it stays a placeholder.
 */
import type { TargetScope } from './cross-account.js';
import { accessDocument, iamPolicy, option, orgCondition, type AccessDocument } from './cross-account-iam.js';

export const eventForwardDocuments = (s: TargetScope): AccessDocument[] => {
  const named = option(s.target, 'eventBusArn');
  const busName = named ? named.slice(named.indexOf(':event-bus/') + ':event-bus/'.length) : (option(s.target, 'eventBusName') ?? 'default');
  const busArn = named ?? `arn:${s.partition}:events:${s.region}:${s.hosting}:event-bus/${busName}`;
  const forwardRole = '<event-forwarding-role-arn>';
  const org = orgCondition(s.orgId);
  const putOnBus = { Sid: 'PutEventsOnHostingBus', Effect: 'Allow' as const, Action: 'events:PutEvents', Resource: busArn };
  return [
    accessDocument(
      s.id,
      s.hosting,
      'identity-policy',
      `Permissions of ${s.target.roleArn}: put Model Promoted on ${busName}`,
      `identity policy of ${s.target.roleArn} (merge with other targets that use this role)`,
      iamPolicy(putOnBus),
    ),
    accessDocument(
      s.id,
      s.hosting,
      'bus-policy',
      `Bus ${busName} in ${s.hosting} accepts events forwarded from ${s.registryAccount} (only for forwarding with a rule in the registry account)`,
      `resource policy (PutPermission / Policy) of event bus ${busArn}`,
      iamPolicy({
        Sid: `AllowForwardingFrom${s.registryAccount.replace(/[^A-Za-z0-9]/g, '')}`,
        Effect: 'Allow',
        Principal: { AWS: `arn:${s.partition}:iam::${s.registryAccount}:root` },
        Action: 'events:PutEvents',
        Resource: busArn,
        ...(s.orgId ? { Condition: { StringEquals: org } } : {}),
      }),
    ),
    accessDocument(
      s.id,
      s.registryAccount,
      'trust-policy',
      'Forwarding role in the registry account: trusted by EventBridge (only for forwarding with a rule)',
      `trust policy of ${forwardRole}`,
      iamPolicy({
        Sid: 'EventBridgeAssumesForwardingRole',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': s.registryAccount } },
      }),
    ),
    accessDocument(
      s.id,
      s.registryAccount,
      'identity-policy',
      `Forwarding role in the registry account may put events on ${s.hosting}'s bus`,
      `identity policy of ${forwardRole}`,
      iamPolicy(putOnBus),
    ),
  ];
};
