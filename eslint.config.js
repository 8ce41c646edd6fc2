import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './eslint.layers.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.stack/', 'bench/results/', 'test/artifacts/', 'web/vendor/'] },
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
    files: ['scripts/**/*.{js,cjs,mjs}', 'test/support/*.cjs', 'web/**/*.js'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', window: 'readonly', document: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-console': 'off' },
  },
);
