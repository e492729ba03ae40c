import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['src/generated/', 'dist/', 'node_modules/', '.modelgate/', '.serverless/', '.esbuild/', 'coverage/', 'checks/*/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': 'off',
    },
  },
  {
    // The dependency rule of ARCHITECTURE.md: core, metrics and checks never touch AWS or adapters.
    files: ['src/core/**/*.ts', 'src/metrics/**/*.ts', 'checks/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', '@smithy/*'], message: 'No AWS SDK in core, metrics or checks: use a port.' },
            { group: ['**/adapters/**', '**/app/**', '**/handlers/**', '**/compose*'], message: 'core, metrics and checks depend on nothing outside them.' },
            { group: ['node:fs', 'node:fs/*', 'fs', 'node:http', 'node:net', 'node:child_process'], message: 'No I/O in core, metrics or checks: use a port.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
