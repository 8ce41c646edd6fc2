import boundaries from 'eslint-plugin-boundaries';

/**
 * The layers of the code base and which may import which (docs/architecture.md
 * draws them). A value import needs an `allow` below; `import type` is freer
 * where a contract's types are all that crosses. Tests, benchmarks and
 * scripts may import anything.
 */
const LAYERS = ['core', 'db', 'clients', 'payments', 'live', 'tickets', 'mail', 'activities', 'workflows', 'api', 'worker', 'web'];

const elements = [
  { type: 'tooling', pattern: '{test,bench,scripts}/**', partialMatch: false },
  ...LAYERS.map((type) => ({ type, pattern: `${type}/**`, partialMatch: false })),
];

// Files the browser bundle may carry: the live protocol (names and types; the db layer uses it too) and the
// seating rules (pure, so the page explains a refusal before the request).
const files = [
  { category: 'live-protocol', pattern: 'live/protocol.ts' },
  { category: 'browser-safe', pattern: 'core/seating.ts' },
];
const liveProtocol = { file: { categories: 'live-protocol' } };
const browserSafe = { file: { categories: 'browser-safe' } };

const element = (...types) => ({ element: { types: { anyOf: types } } });
const may = (from, ...to) => ({ from: element(from), allow: { to: element(...to) } });
const mayUseLiveProtocol = (...from) => ({ from: element(...from), allow: { to: liveProtocol } });
const mayUseTypesOf = (from, ...to) => ({ from: element(from), allow: { to: element(...to), dependency: { kind: 'type' } } });

export default [
  {
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { alwaysTryTypes: true } },
      'boundaries/elements': elements,
      'boundaries/files': files,
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message: '{{ from.type }} may not import {{ to.type }} (eslint.layers.js, docs/architecture.md)',
          policies: [
            may('core', 'core'),
            may('db', 'core', 'db'),
            may('clients', 'core', 'clients'),
            may('payments', 'core', 'db', 'payments'),
            may('live', 'core', 'db', 'clients', 'live'),
            may('tickets', 'core', 'tickets'),
            mayUseTypesOf('tickets', 'db'),
            may('mail', 'core', 'tickets', 'mail'),
            mayUseTypesOf('mail', 'db'),
            may('activities', 'core', 'db', 'payments', 'live', 'tickets', 'mail', 'activities'),
            mayUseTypesOf('activities', 'workflows'),
            may('workflows', 'core', 'workflows'),
            mayUseTypesOf('workflows', 'activities', 'payments'),
            may('api', 'core', 'db', 'clients', 'payments', 'live', 'tickets', 'workflows', 'api'),
            may('worker', 'core', 'db', 'clients', 'payments', 'live', 'tickets', 'mail', 'activities', 'workflows', 'worker'),
            may('web', 'web'),
            mayUseTypesOf('web', 'api', 'core', 'db'),
            mayUseLiveProtocol('db', 'web'),
            { from: element('web'), allow: { to: browserSafe } },
            may('tooling', 'tooling', ...LAYERS),
          ],
        },
      ],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['ioredis', 'typeorm', 'mysql2', 'socket.io', 'koa', 'stripe', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'].map((name) => ({
            name,
            message: 'core/ is pure: no clients of Redis, MySQL, Temporal, Stripe or HTTP',
          })),
        },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox (the benchmark's least-work workflow too).
    files: ['workflows/**/*.ts', 'bench/ceiling/workflows.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.|@temporalio/(workflow|common)$)',
              message: 'workflows import only @temporalio/workflow, @temporalio/common and the project’s own pure modules',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'use sleep() from @temporalio/workflow' }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'workflow time comes from the workflow API' },
        { object: 'Math', property: 'random', message: 'use uuid4() from @temporalio/workflow' },
      ],
    },
  },
];
