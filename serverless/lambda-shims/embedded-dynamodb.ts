/**
 * What `src/adapters/local/embedded-dynamodb.ts` becomes inside a Lambda bundle (see
 * serverless/esbuild-plugins.cjs): the embedded DynamoDB is the local stack's ledger server and
 * needs dynalite, which is not deployed. In Lambda the ledger is the DynamoDB table of
 * serverless.yml, so these are never called; if one were, it says so instead of failing on a
 * missing module at init.
 */
const unavailable = (what: string): Error =>
  new Error(`${what} is the local stack's embedded DynamoDB and is not part of a Lambda bundle (expected the deployed ledger table, MODELGATE_LEDGER_TABLE)`);

export const startEmbeddedDynamo = async (): Promise<never> => {
  throw unavailable('startEmbeddedDynamo');
};

export const createLocalDocumentClient = (): never => {
  throw unavailable('createLocalDocumentClient');
};
