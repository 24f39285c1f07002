import { URL, fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersRule } from './scripts/lint/layers.mjs';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['*/src/**/*.ts'],
    ignores: ['*/src/**/*.test.ts', '*/src/main.ts', '*/src/cli/**', '*/src/bench/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // The gateway's layers: domain <- ports <- services <- http; adapters are assembled in gateway.ts only.
    files: ['gateway/src/**/*.ts'],
    plugins: { coldtrace: { rules: { layers: layersRule } } },
    rules: { 'coldtrace/layers': ['error', { srcRoot: fileURLToPath(new URL('gateway/src', import.meta.url)) }] },
  },
  {
    files: ['scripts/**/*.mjs', 'dashboards/web/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', fetch: 'readonly', document: 'readonly', window: 'readonly', setInterval: 'readonly', clearTimeout: 'readonly' } },
  },
);
