/**
 * EventBridge-shaped "SageMaker Model Package State Change" events for the local stack: what
 * SageMaker would emit for a registration, so that demo models go through the same intake as AWS.
 */
import { randomUUID } from 'node:crypto';
import type { ModelPackage } from '../core/model-package.js';
import { parseModelPackageArn } from '../core/subject.js';

export const modelPackageStateChangeEvent = (pkg: ModelPackage, id: string = randomUUID()) => {
  const parsed = parseModelPackageArn(pkg.ModelPackageArn);
  return {
    version: '0',
    id,
    'detail-type': 'SageMaker Model Package State Change',
    source: 'aws.sagemaker',
    account: parsed?.account ?? '000000000000',
    time: new Date().toISOString(),
    region: parsed?.region ?? 'us-east-1',
    resources: [pkg.ModelPackageArn],
    detail: {
      ModelPackageGroupName: pkg.ModelPackageGroupName,
      ModelPackageVersion: pkg.ModelPackageVersion,
      ModelPackageArn: pkg.ModelPackageArn,
      ModelPackageStatus: pkg.ModelPackageStatus ?? 'Completed',
      ModelApprovalStatus: pkg.ModelApprovalStatus ?? 'PendingManualApproval',
      CreationTime: pkg.CreationTime,
      ...(pkg.ModelMetrics ? { ModelMetrics: pkg.ModelMetrics } : {}),
      ...(pkg.CustomerMetadataProperties ? { CustomerMetadataProperties: pkg.CustomerMetadataProperties } : {}),
    },
  };
};
