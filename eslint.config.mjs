// Lint rules, including the layering rules from the house style: app/core knows
// nothing of HTTP, Express or GraphQL; app/wire is the HTTP contract both targets behind
// the ALB share (routes, CORS, the error catalogue), plain code with no packages that may see the domain
// errors, the scopes and the Logger type of app/core and nothing else; the Lambda imports only
// app/core and app/wire, so Express and Apollo never ship in its bundle.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** One layer's rule: the imports its TypeScript files may not make, each with why. */
const layer = (folder, patterns) => ({ files: [`${folder}/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns }] } });

const transportPackages = ['express', 'express/*', '@apollo/*', '@as-integrations/*', '@escape.tech/*', 'graphql', 'graphql-*', 'cors', 'helmet', 'supertest'];

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'app/graphql/__generated__/', 'scripts/__generated__/', '.data/', '.venv/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-console': 'error',
    },
  },
  layer('app/core', [
    { group: transportPackages, message: 'app/core is transport-agnostic: no HTTP or GraphQL packages.' },
    {
      group: ['**/rest/**', '**/graphql/**', '**/http/**', '**/wire/**', '**/create-app', '../../lambda/**'],
      message: 'app/core must not depend on a transport.',
    },
  ]),
  layer('app/wire', [
    { group: transportPackages, message: 'app/wire is shared with the Lambda: no HTTP framework or GraphQL packages.' },
    {
      group: ['**/rest/**', '**/graphql/**', '**/http/**', '**/create-app', '../../lambda/**'],
      message: 'app/wire depends on nothing of the app but the domain errors.',
    },
    {
      regex: '/core/(?!errors$|logger$|auth/access$)',
      message:
        'app/wire may import app/core/errors (the catalogue maps its codes), app/core/auth/access (scopes, credentials) and the Logger type, nothing else of the core.',
    },
  ]),
  // app/http is the Node HTTP plumbing the app is built on: it must not reach up to what is built on it.
  layer('app/http', [
    {
      group: ['**/rest/**', '**/graphql/**', '**/create-app', '**/start-service', '**/main', '../../lambda/**', '../../local/**'],
      message: 'app/http must not import the app built on it (no layering loop).',
    },
  ]),
  layer('lambda', [
    { group: transportPackages, message: 'The Lambda bundle must not include Express or Apollo.' },
    {
      group: ['**/app/rest/**', '**/app/graphql/**', '**/app/http/**', '**/app/create-app', '**/app/start-service', '**/app/main'],
      message: 'The Lambda imports app/core and app/wire only.',
    },
  ]),
  {
    files: ['test/**/*.ts', 'tools/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
