/** Jest in native ESM mode; @swc/jest strips types and keeps ESM + import attributes. */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', importAttributes: true },
    target: 'es2022',
    experimental: { keepImportAttributes: true, emitAssertForImportAttributes: false },
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/tests/**/*.test.ts', '<rootDir>/checks/**/*.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.modelgate/'],
  setupFiles: ['<rootDir>/tests/support/setup-env.ts'],
  testTimeout: 30000,
};
