// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The dependency rule of DESIGN.md, enforced per folder rather than by review. */
const noElectronPackage = {
  name: 'electron',
  message: 'The engine runs in plain Node: never import electron here.',
};
const rendererPaths = ['**/renderer/**', '../renderer/*'];
const electronPaths = ['**/electron/**'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'coverage/',
      'bench/data/',
      'test-results/',
      'playwright-report/',
      'electron/engine/import/presets/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            noElectronPackage,
            { name: '@duckdb/node-api', message: 'shared/ is pure: no DuckDB.' },
          ],
          patterns: [
            {
              group: [...rendererPaths, ...electronPaths],
              message: 'shared/ imports nothing from electron/ or renderer/.',
            },
            {
              group: ['node:*', 'fs', 'path', 'child_process'],
              message: 'shared/ runs in the renderer too: no Node built-ins.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectronPackage],
          patterns: [
            { group: rendererPaths, message: 'The engine never imports the renderer.' },
            {
              group: ['**/main/**', '**/server/**', '**/cli/**', '**/preload/**'],
              message: 'Adapters depend on the engine, not the reverse.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/{cli,server,main,preload}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: rendererPaths, message: 'Adapters never import the renderer.' }] },
      ],
    },
  },
  {
    files: ['electron/{cli,server}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The CLI and HTTP server run in plain Node.' }],
          patterns: [{ group: rendererPaths, message: 'Adapters never import the renderer.' }],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            noElectronPackage,
            {
              name: '@duckdb/node-api',
              message: 'The renderer reaches the engine only through the API client.',
            },
          ],
          patterns: [
            {
              group: electronPaths,
              message: 'The renderer reaches the engine only through the API client (shared/api).',
            },
            {
              group: ['node:*', 'fs', 'child_process'],
              message: 'The renderer runs in a browser sandbox.',
            },
          ],
        },
      ],
    },
  },
);
