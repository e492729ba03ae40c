/**
 * Sharing a Bedrock custom model with a hosting account through AWS RAM, from the account that owns
 * it. The share is named after the promotion step, so a retried step finds and reuses it; the
 * hosting account is associated as a principal if it is not already. Within one AWS Organization
 * with RAM sharing enabled, no invitation needs accepting (`allowExternalPrincipals: false` keeps
 * it that way: a share outside the organization is refused rather than left pending).
 */
import { AssociateResourceShareCommand, CreateResourceShareCommand, GetResourceShareAssociationsCommand, GetResourceSharesCommand } from '@aws-sdk/client-ram';
import type { RAMClient } from '@aws-sdk/client-ram';
import { AwsCallError } from '../aws-call-error.js';
import { call } from './target-support.js';

export interface ModelShareRequest {
  shareName: string;
  modelArn: string;
  /** The hosting account id. */
  principal: string;
  clientToken: string;
  tags: Array<{ key: string; value: string }>;
}

export interface ModelShareState {
  resourceShareArn: string;
  /** The principal association's status (`ASSOCIATING`, `ASSOCIATED`, `FAILED`, ...). */
  status: string;
  statusMessage?: string;
  created: boolean;
}

const LIVE_SHARE = new Set(['ACTIVE', 'PENDING']);
const LIVE_ASSOCIATION = new Set(['ASSOCIATING', 'ASSOCIATED']);

/** The principal association of `principal` with the share, or undefined when there is none. */
export const principalAssociation = async (
  ram: RAMClient,
  resourceShareArn: string,
  principal: string,
): Promise<{ status: string; statusMessage?: string } | undefined> => {
  const out = await call('RAM', 'GetResourceShareAssociations', resourceShareArn, () =>
    ram.send(new GetResourceShareAssociationsCommand({ associationType: 'PRINCIPAL', resourceShareArns: [resourceShareArn], principal })),
  );
  const a = out.resourceShareAssociations?.find((x) => x.associatedEntity === principal) ?? out.resourceShareAssociations?.[0];
  if (!a?.status) return undefined;
  return { status: a.status, ...(a.statusMessage ? { statusMessage: a.statusMessage } : {}) };
};

/** Finds the step's share or creates it; associates the principal when it is missing. */
export const ensureModelShare = async (ram: RAMClient, req: ModelShareRequest): Promise<ModelShareState> => {
  const found = await call('RAM', 'GetResourceShares', req.shareName, () =>
    ram.send(new GetResourceSharesCommand({ resourceOwner: 'SELF', name: req.shareName })),
  );
  const share = found.resourceShares?.find((s) => s.name === req.shareName && LIVE_SHARE.has(s.status ?? '') && s.resourceShareArn);
  if (!share?.resourceShareArn) {
    const created = await call('RAM', 'CreateResourceShare', req.shareName, () =>
      ram.send(
        new CreateResourceShareCommand({
          name: req.shareName,
          resourceArns: [req.modelArn],
          principals: [req.principal],
          allowExternalPrincipals: false,
          clientToken: req.clientToken,
          tags: req.tags,
        }),
      ),
    );
    const arn = created.resourceShare?.resourceShareArn;
    if (!arn) throw new AwsCallError('RAM', 'CreateResourceShare', req.shareName, new Error('the response carried no resourceShareArn'));
    return { resourceShareArn: arn, status: 'ASSOCIATING', created: true };
  }
  const arn = share.resourceShareArn;
  const association = await principalAssociation(ram, arn, req.principal);
  if (association && LIVE_ASSOCIATION.has(association.status)) return { resourceShareArn: arn, ...association, created: false };
  await call('RAM', 'AssociateResourceShare', arn, () =>
    ram.send(
      new AssociateResourceShareCommand({ resourceShareArn: arn, principals: [req.principal], resourceArns: [req.modelArn], clientToken: req.clientToken }),
    ),
  );
  return { resourceShareArn: arn, status: 'ASSOCIATING', created: false };
};
