import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layers from './eslint.layers.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.stack/', 'bench/results/', 'test/artifacts/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...layers,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // The web pages run in browsers: no Node, only types from the server (the
    // bundle may carry live/protocol.ts, event names only), and nothing a strict
    // Content-Security-Policy refuses (HTML from strings, eval, inline handlers or styles).
    files: ['web/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-globals': ['error', ...['process', 'Buffer', 'require', 'module', '__dirname', '__filename', 'global'].map((name) => ({ name, message: 'web code runs in browsers' }))],
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['node:*'], message: 'web code runs in browsers (which server code it may import: eslint.layers.js)' }],
        },
      ],
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML'].map((property) => ({ property, message: 'build nodes with el() (lib/dom.ts); HTML strings are what a CSP cannot check' })),
        { property: 'insertAdjacentHTML', message: 'build nodes with el() (lib/dom.ts)' },
        { object: 'document', property: 'write', message: 'build nodes with el() (lib/dom.ts)' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='setAttribute'][arguments.0.value=/^(on|style$)/i]",
          message: 'inline handlers and style attributes break a strict CSP: use addEventListener and element.style',
        },
      ],
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    // A test that runs alone or not at all reads green by accident. mocha's forbid-only and forbid-pending
    // (.mocharc.json) fail such a run; this catches it before anything runs.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['describe', 'context', 'suite', 'it', 'specify', 'test'].flatMap((object) => [
          { object, property: 'only', message: '.only hides every other test: remove it' },
          { object, property: 'skip', message: 'a skipped test proves nothing: make it pass or delete it' },
        ]),
        {
          property: 'waitForFunction',
          message: "the pages' Content-Security-Policy forbids the eval it polls with once it has to wait: use waitUntilTrue (test/support/page-wait.ts) or a locator",
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['xdescribe', 'xcontext', 'xit', 'xspecify'].map((name) => ({ name, message: 'a skipped test proves nothing: make it pass or delete it' })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.type='ThisExpression'][callee.property.name='skip']",
          message: 'this.skip() turns a missing prerequisite into a pending test: fail with a message instead',
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.{js,cjs,mjs}', 'test/support/*.cjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-console': 'off' },
  },
);
