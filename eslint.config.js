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
    files: ['scripts/**/*.{js,cjs,mjs}', 'test/support/*.cjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-console': 'off' },
  },
);
