/**
 * A Subject is the one thing a run is about: a model version in a registry. Every intake event
 * (SageMaker, Bedrock, CLI) becomes one Subject.
 */
export type SubjectKind = 'sagemaker-model-package' | 'bedrock-custom-model';

export interface Subject {
  kind: SubjectKind;
  /** The model package ARN (SageMaker) or custom model ARN (Bedrock). */
  arn: string;
  /** Model package group name (SageMaker) or output model name family (Bedrock). */
  group: string;
  /** The version within the group, as a string (`"12"`). */
  version: string;
  account: string;
  region: string;
  tags?: Record<string, string>;
}

const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):(\d{12}):model-package\/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})\/(\d+)$/;

/** Parses a versioned SageMaker model package ARN; `null` when it is not one. */
export const parseModelPackageArn = (arn: string): { region: string; account: string; group: string; version: string } | null => {
  const m = MODEL_PACKAGE_ARN.exec(arn);
  if (!m) return null;
  return { region: m[1]!, account: m[2]!, group: m[3]!, version: m[4]! };
};

/** `group/version`, the form waivers and humans use. */
export const subjectLabel = (s: Pick<Subject, 'group' | 'version'>): string => `${s.group}/${s.version}`;
