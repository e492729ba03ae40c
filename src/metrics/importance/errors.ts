/** A feature-importance document that is neither a Clarify explainability report nor a plain importance file. */
export class ImportanceFormatError extends Error {
  /** A JSON path into the document: `explanations.kernel_shap.label0.global_shap_values.age`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'ImportanceFormatError';
    this.path = path;
  }
}
