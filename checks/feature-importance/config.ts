/** The `with:` block of the feature-importance check (validated against config.schema.json). */
export interface FeatureImportanceConfig {
  protected: string[];
  topK: number;
  maxShare?: { protected?: number; anySingleFeature?: number };
  vsChampion?: { minNdcg?: number; minKendallTau?: number };
  labelKey?: string;
  absentProtectedMeans?: 'error' | 'zero';
}

export const defaultConfig: FeatureImportanceConfig = { protected: [], topK: 3, absentProtectedMeans: 'error' };
