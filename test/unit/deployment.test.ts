import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse } from 'yaml';
import { ConfigSchema, DbCliConfigSchema } from '../../core/config.js';
import * as contracts from '../../workflows/contracts.js';

/**
 * The container files (Dockerfile, .dockerignore, docker-compose.yml, docker/)
 * checked against the code they deploy: settings vs .env.example and
 * core/config.ts, commands vs what the build produces, start order, health.
 * The last block runs the real validators (Docker Compose v2, hadolint).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const run = promisify(execFile);

// ------------------------------------------------------------------ inputs

interface Healthcheck {
  test?: string[] | string;
  disable?: boolean;
}
interface Service {
  image?: string;
  build?: { context?: string; target?: string } | string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: Healthcheck;
  ports?: Array<string | Record<string, unknown>>;
  volumes?: Array<string | Record<string, unknown>>;
  container_name?: string;
  restart?: string;
}
interface ComposeFile {
  name?: string;
  version?: unknown;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const services = compose.services;

/** .env.example as name → default value. */
const envExample: Record<string, string> = Object.fromEntries(
  read('.env.example')
    .split('\n')
    .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1] as string, m[2] as string]),
);

/** The app services (built from the Dockerfile) and what each must receive. */
const APP_SERVICES = ['migrate', 'worker', 'api'] as const;
const LONG_RUNNING_APP = ['worker', 'api'] as const;

/**
 * .env.example variables that api/worker deliberately do not get in Compose
 * (name → reason). Empty: both processes share core/config.ts, so both get all.
 */
const NOT_PASSED_TO_APP: Record<string, string> = {};

/**
 * Where the Compose value differs from .env.example on purpose (name → [value, reason]).
 * Everything else must default to exactly the .env.example value.
 */
const COMPOSE_OWN: Record<string, [string, string]> = {
  TRUST_PROXY: ['1', 'the proxy service (HAProxy) appends the client address to X-Forwarded-For'],
  DATABASE_URL: ['mysql://marquee:marquee@mysql:3306/marquee', 'the mysql service of this file (docker/mysql/init creates the user)'],
  REDIS_URL: ['redis://redis:6379', 'the redis service of this file'],
  TEMPORAL_ADDRESS: ['temporal:7233', 'the temporal service of this file'],
  TEMPORAL_UI_URL: ['http://localhost:8080', 'the temporal-ui service, published on localhost:8080'],
  SMTP_URL: ['smtp://maildev:1025', 'the maildev service of this file (its web inbox is published on localhost:1080)'],
};
/** Fixed in Compose (not overridable): addresses of this file's own services, and the port the proxy and healthchecks use. */
const FIXED = new Set(['DATABASE_URL', 'REDIS_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_UI_URL', 'SMTP_URL', 'PORT']);

/** The value Compose gives with no environment and no .env file: `${X:-d}` → d, `$$` → `$`. */
function composeDefault(raw: unknown, where: string): string {
  const text = String(raw ?? '');
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, name, op, def, bare) => {
    if (all === '$$') return '$';
    if (bare || op === undefined) throw new Error(`${where}: \${${name ?? bare}} has no default`);
    if (op.endsWith('?')) throw new Error(`${where}: \${${name}${op}…} requires a value`);
    return def ?? '';
  });
}

function env(service: string): Record<string, string> {
  const e = services[service]?.environment;
  expect(e, `${service}.environment must be a mapping`).to.be.an('object').and.not.an('array');
  return Object.fromEntries(Object.entries(e ?? {}).map(([k, v]) => [k, composeDefault(v, `${service}.${k}`)]));
}

const rawEnv = (service: string): Record<string, string> =>
  Object.fromEntries(Object.entries(services[service]?.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]));

/** The shell commands a service runs, one per `&&`-separated step. */
function commandSteps(service: string): string[] {
  const c = services[service]?.command;
  expect(c, `${service}.command`).to.not.equal(undefined);
  const argv = Array.isArray(c) ? c : String(c).split(/\s+/);
  if (argv[0] === 'sh' && argv[1] === '-c') return String(argv[2]).split('&&').map((s) => s.trim());
  return [argv.join(' ')];
}

interface DockerInstruction {
  op: string;
  args: string;
}
/** Dockerfile instructions (continuations joined, comments dropped), split into stages. */
function dockerStages(): Array<{ from: string; name: string | null; instructions: DockerInstruction[] }> {
  const lines: string[] = [];
  let current = '';
  for (const raw of read('Dockerfile').split('\n')) {
    const line = raw.trim();
    // Comment and blank lines are dropped, also inside a continued instruction.
    if (line.startsWith('#') || line === '') continue;
    current += (current ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (!line.endsWith('\\')) {
      lines.push(current);
      current = '';
    }
  }
  const stages: Array<{ from: string; name: string | null; instructions: DockerInstruction[] }> = [];
  for (const line of lines) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const op = (m[1] as string).toUpperCase();
    const args = m[2] as string;
    if (op === 'FROM') {
      const f = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ from: f?.[1] ?? args, name: f?.[2] ?? null, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)?.instructions.push({ op, args });
    }
  }
  return stages;
}
const stages = dockerStages();
const finalStage = stages.at(-1);
const dockerArgs: Record<string, string> = Object.fromEntries(
  [...read('Dockerfile').matchAll(/^ARG\s+([A-Z_]+)=(\S+)/gm)].map((m) => [m[1] as string, m[2] as string]),
);

/** What the Dockerfile COPYs from the build context (every source of every COPY without --from). */
function contextSources(instructions = stages.flatMap((st) => st.instructions)): string[] {
  return instructions
    .filter((i) => i.op === 'COPY' && !/--from=/.test(i.args))
    .flatMap((i) => i.args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1));
}

const buildIncludes = (JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include;
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; engines: { node: string } };

// ------------------------------------------------------------------ docker-compose.yml

describe('deployment: docker-compose.yml', () => {
  it('is a Compose-spec file with the whole stack', () => {
    expect(compose).to.not.have.property('version');
    expect(Object.keys(services)).to.include.members([
      'mysql',
      'redis',
      'temporal-schema',
      'temporal',
      'temporal-namespace', // registers the search attributes
      'temporal-ui',
      'migrate',
      'worker',
      'api',
      'proxy',
    ]);
  });

  it('pins every image it does not build to a version', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build) continue;
      expect(s.image, `${name}.image`).to.match(/^[\w./-]+:[\w.-]+$/);
      expect(s.image, `${name}.image`).to.not.match(/:latest$/);
    }
    expect(services.mysql?.image).to.equal('mysql:8.4');
    expect(services.redis?.image).to.equal('redis:7');
  });

  it('runs migrate, worker and api from the one image built from the Dockerfile', () => {
    const images = new Set<string | undefined>();
    for (const name of APP_SERVICES) {
      const s = services[name] as Service;
      expect(s.build, `${name}.build`).to.be.an('object');
      const build = s.build as { context?: string; target?: string };
      expect(build.context, `${name}.build.context`).to.equal('.');
      expect(stages.map((st) => st.name)).to.include(build.target);
      expect(build.target, 'the last Dockerfile stage is the runtime image').to.equal(finalStage?.name);
      images.add(s.image);
    }
    expect([...images]).to.have.length(1);
  });

  it('lets api and worker scale: no container_name, no host port; the proxy owns localhost:3000', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s, `${name} has a container_name, which forbids --scale`).to.not.have.property('container_name');
    }
    for (const name of LONG_RUNNING_APP) expect(services[name], name).to.not.have.property('ports');
    expect(services.proxy?.ports).to.deep.equal(['3000:3000']);
    const haproxy = read('docker/haproxy/haproxy.cfg');
    expect(haproxy).to.match(new RegExp(`server-template\\s+\\S+\\s+\\d+\\s+api:${envExample.PORT}\\b`));
    expect(haproxy, 'Socket.IO long-polling needs a sticky node').to.match(/^\s*cookie\s+\S+\s+insert\b/m);
    expect(services['temporal-ui']?.ports).to.deep.equal(['8080:8080']);
  });

  it('gives api and worker every .env.example variable and nothing else', () => {
    const expected = Object.keys(envExample).filter((k) => !(k in NOT_PASSED_TO_APP));
    for (const name of LONG_RUNNING_APP) {
      expect(Object.keys(env(name)).sort(), name).to.deep.equal(expected.sort());
    }
  });

  it('gives migrate what db/cli.ts reads, all named in .env.example', () => {
    const names = Object.keys(env('migrate'));
    expect(names).to.include.members(Object.keys(DbCliConfigSchema.shape));
    expect(Object.keys(envExample)).to.include.members(names);
  });

  it('defaults every setting to its .env.example value, except the listed ones', () => {
    for (const name of APP_SERVICES) {
      for (const [key, value] of Object.entries(env(name))) {
        const own = COMPOSE_OWN[key];
        if (own) expect(value, `${name}.${key} (${own[1]})`).to.equal(own[0]);
        else expect(value, `${name}.${key}`).to.equal(envExample[key]);
      }
    }
  });

  it('lets the shell or .env override each setting by its own name, but not the service addresses', () => {
    for (const name of APP_SERVICES) {
      for (const [key, raw] of Object.entries(rawEnv(name))) {
        if (FIXED.has(key)) expect(raw, `${name}.${key} is fixed`).to.not.include('$');
        else expect(raw, `${name}.${key}`).to.match(new RegExp(`^\\$\\{${key}:-[^}]*\\}$`));
      }
    }
  });

  it('never bakes a secret into the image and defaults JWT_SECRET and TICKET_SECRET to dev-only values', () => {
    const dockerfile = read('Dockerfile');
    for (const secret of ['JWT_SECRET', 'TICKET_SECRET', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'ADMIN_PASSWORD', 'DATABASE_URL', 'SMTP_URL']) {
      expect(dockerfile, secret).to.not.match(new RegExp(`^\\s*(ENV|ARG)\\b.*\\b${secret}\\b`, 'm'));
    }
    expect(rawEnv('api').JWT_SECRET).to.match(/^\$\{JWT_SECRET:-dev-only-/);
    expect(rawEnv('api').TICKET_SECRET).to.match(/^\$\{TICKET_SECRET:-dev-only-/);
  });

  it('runs the mail catcher the app sends to, with its inbox on localhost:1080', () => {
    const smtp = new URL(env('worker').SMTP_URL as string);
    expect(services).to.have.property(smtp.hostname);
    const maildev = services[smtp.hostname];
    expect(maildev?.image).to.match(/^maildev\/maildev:\d+\.\d+\.\d+$/);
    expect(env(smtp.hostname).MAILDEV_SMTP_PORT).to.equal(smtp.port);
    expect(maildev?.ports).to.deep.equal([`1080:${env(smtp.hostname).MAILDEV_WEB_PORT}`]);
  });

  it('passes core/config.ts validation with the Compose defaults', () => {
    for (const name of LONG_RUNNING_APP) {
      const parsed = ConfigSchema.safeParse(env(name));
      expect(parsed.success, `${name}: ${parsed.error?.message}`).to.equal(true);
    }
    const db = DbCliConfigSchema.safeParse(env('migrate'));
    expect(db.success, db.error?.message).to.equal(true);
  });

  it('points the app at this file’s own services, with the users docker/mysql/init creates', () => {
    const e = env('api');
    const db = new URL(e.DATABASE_URL as string);
    expect(services).to.have.property(db.hostname);
    const initSql = read('docker/mysql/init/01-databases.sql');
    expect(initSql).to.include(`CREATE USER IF NOT EXISTS '${db.username}'@'%' IDENTIFIED BY '${db.password}'`);
    expect(initSql).to.include(`GRANT ALL PRIVILEGES ON ${db.pathname.slice(1)}.* TO '${db.username}'@'%'`);
    expect(services).to.have.property(new URL(e.REDIS_URL as string).hostname);
    expect(services).to.have.property((e.TEMPORAL_ADDRESS as string).split(':')[0] as string);
    expect(env('migrate').DATABASE_URL).to.equal(e.DATABASE_URL);

    const temporal = env('temporal');
    expect(initSql).to.include(`CREATE USER IF NOT EXISTS '${temporal.MYSQL_USER}'@'%' IDENTIFIED BY '${temporal.MYSQL_PWD}'`);
    for (const database of [temporal.DBNAME, temporal.VISIBILITY_DBNAME]) {
      expect(initSql).to.include(`GRANT ALL PRIVILEGES ON ${database}.* TO '${temporal.MYSQL_USER}'@'%'`);
    }
    expect(env('temporal-schema').SQL_PASSWORD).to.equal(temporal.MYSQL_PWD);
  });

  it('uses one Temporal namespace for the app, the namespace job and the UI', () => {
    const ns = rawEnv('api').TEMPORAL_NAMESPACE;
    expect(rawEnv('worker').TEMPORAL_NAMESPACE).to.equal(ns);
    expect(rawEnv('temporal-namespace').TEMPORAL_NAMESPACE).to.equal(ns);
    expect(rawEnv('temporal-ui').TEMPORAL_DEFAULT_NAMESPACE).to.equal(ns);
    expect(env('temporal-namespace').TEMPORAL_ADDRESS).to.equal(env('api').TEMPORAL_ADDRESS);
  });

  it('registers exactly the search attributes declared in workflows/contracts.ts', () => {
    const typeNames: Record<string, string> = {
      KEYWORD: 'Keyword',
      TEXT: 'Text',
      INT: 'Int',
      DOUBLE: 'Double',
      BOOL: 'Bool',
      DATETIME: 'Datetime',
      KEYWORD_LIST: 'KeywordList',
    };
    const declared = Object.values(contracts as Record<string, unknown>)
      .filter((v): v is { name: string; type: string } => {
        const o = v as { name?: unknown; type?: unknown } | null;
        return typeof o === 'object' && o !== null && typeof o.name === 'string' && typeof o.type === 'string' && o.type in typeNames;
      })
      .map((k) => `${k.name}=${typeNames[k.type]}`);
    expect(declared).to.have.length.greaterThan(0);
    const registered = (env('temporal-namespace').SEARCH_ATTRIBUTES as string).split(/\s+/).filter(Boolean);
    expect(registered.sort()).to.deep.equal(declared.sort());
  });

  it('runs, in the app services, only files the build produces', () => {
    for (const name of APP_SERVICES) {
      for (const step of commandSteps(name)) {
        const node = /^node\s+dist\/(\S+)\.js(\s|$)/.exec(step);
        const npm = /^npm\s+run\s+(\S+)/.exec(step);
        expect(node ?? npm, `${name}: "${step}" is neither "node dist/….js" nor "npm run …"`).to.not.equal(null);
        if (node) {
          const source = `${node[1]}.ts`;
          expect(existsSync(path.join(root, source)), `${name}: ${source} (compiled to dist/${node[1]}.js)`).to.equal(true);
          expect(buildIncludes, `${name}: tsconfig.build.json compiles ${source}`).to.include(source.split('/')[0]);
        }
        if (npm) expect(pkg.scripts, `${name}: npm script ${npm[1]}`).to.have.property(npm[1] as string);
      }
    }
    expect(commandSteps('migrate')).to.deep.equal(['node dist/db/cli.js migrate', 'node dist/db/cli.js seed']);
  });

  it('starts api and worker exactly as the npm start scripts and the image do', () => {
    expect(commandSteps('api')).to.deep.equal([pkg.scripts['start:api']]);
    expect(commandSteps('worker')).to.deep.equal([pkg.scripts['start:worker']]);
    const cmd = finalStage?.instructions.filter((i) => i.op === 'CMD').at(-1);
    expect(JSON.parse(cmd?.args ?? 'null')).to.deep.equal(services.api?.command);
  });

  it('mounts only files that exist and runs the job scripts it mounts', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        if (typeof v !== 'string' || !v.startsWith('./')) continue;
        const source = v.split(':')[0] as string;
        expect(existsSync(path.join(root, source)), `${name} mounts ${source}`).to.equal(true);
      }
    }
    for (const job of ['temporal-schema', 'temporal-namespace']) {
      const [shell, script] = services[job]?.command as string[];
      expect(shell).to.equal('sh');
      const mount = (services[job]?.volumes ?? []).find((v) => typeof v === 'string' && script?.startsWith(`${v.split(':')[1]}/`));
      expect(mount, `${job} mounts the folder of ${script}`).to.be.a('string');
      const [hostDir, containerDir] = (mount as string).split(':') as [string, string];
      expect(existsSync(path.join(root, hostDir, (script as string).slice(containerDir.length + 1))), `${job}: ${script}`).to.equal(true);
    }
    expect(rawEnv('temporal').DYNAMIC_CONFIG_FILE_PATH).to.equal('/etc/temporal/config/dynamicconfig/marquee.yaml');
    expect(existsSync(path.join(root, 'docker/temporal/dynamicconfig/marquee.yaml'))).to.equal(true);
  });

  it('has healthchecks on mysql, redis, temporal, worker and api that probe the right ports', () => {
    for (const name of ['mysql', 'redis', 'temporal', 'worker', 'api']) {
      const hc = services[name]?.healthcheck;
      expect(hc?.test, `${name}.healthcheck.test`).to.be.an('array').with.length.greaterThan(1);
      expect(hc?.disable, name).to.not.equal(true);
    }
    expect(services.mysql?.healthcheck?.test).to.satisfy((t: string[]) => t.join(' ').includes('mysqladmin ping'));
    expect(String(services.api?.healthcheck?.test)).to.include('process.env.PORT').and.include('/healthz');
    expect(String(services.worker?.healthcheck?.test)).to.include('process.env.WORKER_METRICS_PORT').and.include('/metrics');
  });

  it('orders start-up by health and completion only, never by mere start', () => {
    const imageHasHealthcheck = finalStage?.instructions.some((i) => i.op === 'HEALTHCHECK') ?? false;
    for (const [name, s] of Object.entries(services)) {
      if (!s.depends_on) continue;
      expect(s.depends_on, `${name}.depends_on must be a mapping with conditions`).to.not.be.an('array');
      for (const [dep, { condition }] of Object.entries(s.depends_on as Record<string, { condition?: string }>)) {
        const target = services[dep];
        expect(target, `${name} depends on unknown ${dep}`).to.be.an('object');
        expect(condition, `${name} → ${dep}`).to.be.oneOf(['service_healthy', 'service_completed_successfully']);
        if (condition === 'service_healthy') {
          const own = target?.healthcheck && target.healthcheck.disable !== true;
          expect(Boolean(own || (target?.build && imageHasHealthcheck)), `${name} waits for ${dep} to be healthy: it needs a healthcheck`).to.equal(true);
        } else {
          expect(target?.restart, `${dep} is a one-shot job`).to.equal('no');
        }
      }
    }
    for (const name of LONG_RUNNING_APP) {
      const deps = services[name]?.depends_on as Record<string, { condition: string }>;
      expect(deps.migrate?.condition, `${name} after migrations`).to.equal('service_completed_successfully');
      expect(deps['temporal-namespace']?.condition, `${name} after the search attributes`).to.equal('service_completed_successfully');
      expect(deps.redis?.condition, name).to.equal('service_healthy');
    }
    expect(services.migrate?.depends_on).to.deep.equal({ mysql: { condition: 'service_healthy' } });
    expect(services.temporal?.depends_on).to.deep.equal({ 'temporal-schema': { condition: 'service_completed_successfully' } });
  });
});

// ------------------------------------------------------------------ Dockerfile, .dockerignore

describe('deployment: Dockerfile', () => {
  it('is multi-stage on an official Debian-slim Node that satisfies package.json engines', () => {
    expect(stages.length).to.be.at.least(3);
    for (const st of stages) {
      const image = st.from.replace(/\$\{NODE_VERSION\}/, dockerArgs.NODE_VERSION ?? '');
      if (stages.some((other) => other.name === st.from)) continue; // FROM an earlier stage
      expect(image, 'glibc (core-bridge, @swc/core): Debian slim, not Alpine').to.match(/^node:\d+-(bookworm|trixie)-slim$/);
      const major = Number(/^node:(\d+)/.exec(image)?.[1]);
      const minMajor = Number(/(\d+)/.exec(pkg.engines.node)?.[1]);
      expect(major).to.be.at.least(minMajor);
    }
    expect(Number(dockerArgs.NPM_VERSION?.split('.')[0]), 'npm ≥ 11 honours package.json allowScripts').to.be.at.least(11);
    const build = stages.find((st) => st.instructions.some((i) => i.op === 'RUN' && i.args.includes('npm run build')));
    expect(build?.instructions.some((i) => i.op === 'RUN' && /npm prune --omit=dev/.test(i.args)), 'production dependencies only').to.equal(true);
    expect(stages.some((st) => st.instructions.some((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args)))).to.equal(true);
  });

  it('compiles exactly the folders tsconfig.build.json includes, and bundles web/', () => {
    const build = stages.find((st) => st.instructions.some((i) => i.op === 'RUN' && i.args.includes('npm run build')));
    expect(build, 'a stage runs npm run build').to.be.an('object');
    const dirs = contextSources(build?.instructions).filter((source) => statSync(path.join(root, source)).isDirectory());
    expect(dirs.filter((d) => d !== 'web').sort()).to.deep.equal([...buildIncludes].sort());
    expect(dirs, 'the web pages are bundled in the build stage').to.include('web');
    expect(pkg.scripts.build, 'npm run build also bundles the web pages').to.match(/&& npm run build:web$/);
    expect(pkg.scripts['build:web']).to.equal('tsx web/build.ts');
    expect(contextSources()).to.include.members(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']);
  });

  it('ships package.json, production node_modules, dist/ and the built web pages (not their sources) in the runtime image', () => {
    const copies = (finalStage?.instructions ?? []).filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies).to.include.members([
      'package.json ./',
      '--from=build /app/web/dist ./web/dist',
      '--from=build /app/dist ./dist',
      '--from=build /app/node_modules ./node_modules',
    ]);
    expect(copies.filter((c) => /(^|\s)web\b/.test(c) && !c.startsWith('--from=build /app/web/dist '))).to.deep.equal([]);
  });

  it('runs as a non-root user', () => {
    const user = finalStage?.instructions.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user, 'USER in the runtime stage').to.be.a('string');
    expect((user as string).split(':')[0]).to.not.be.oneOf(['root', '0']);
  });

  it('has a HEALTHCHECK on the API’s /healthz at PORT and EXPOSEs PORT', () => {
    const hc = finalStage?.instructions.find((i) => i.op === 'HEALTHCHECK')?.args;
    expect(hc).to.include('/healthz').and.include('process.env.PORT');
    const exposed = (finalStage?.instructions ?? []).filter((i) => i.op === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
    expect(exposed).to.include(envExample.PORT).and.include(envExample.WORKER_METRICS_PORT);
    const envLine = finalStage?.instructions.find((i) => i.op === 'ENV' && /\bPORT=/.test(i.args))?.args ?? '';
    expect(/\bPORT=(\d+)/.exec(envLine)?.[1]).to.equal(envExample.PORT);
  });

  it('keeps dependencies, build output, tools, secrets and test artifacts out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).to.include.members(['node_modules', 'dist', 'web/dist', '.tools', '.stack', '.git', '.env', 'bench', 'test']);
    for (const source of contextSources()) expect(ignored, `${source} is COPYed, so it must reach the context`).to.not.include(source);
  });
});

// ------------------------------------------------------------------ the real validators

describe('deployment: validators', function () {
  // First run installs the pinned tools (docker/lint-requirements.txt) from PyPI.
  this.timeout(300_000);
  let bin = '';
  before(async () => {
    bin = (await run(path.join(root, 'docker/lint'), ['--path'], { cwd: root })).stdout.trim();
  });

  const composeConfig = (file: string, ...args: string[]) =>
    run(path.join(bin, 'docker-compose'), ['--project-directory', root, '-f', file, '--env-file', '/dev/null', 'config', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
      maxBuffer: 16 * 1024 * 1024,
    });

  it('docker compose config (Compose v2) and hadolint accept the files', async () => {
    const { stdout } = await run(path.join(root, 'docker/lint'), [], { cwd: root });
    expect(stdout).to.include('docker-compose.yml OK').and.include('Dockerfile OK');
  });

  it('docker compose rejects a file with a bad depends_on condition (the validator is real)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'marquee-compose-'));
    try {
      const bad = read('docker-compose.yml').replace('condition: service_completed_successfully', 'condition: service_started_eventually');
      writeFileSync(path.join(dir, 'docker-compose.yml'), bad);
      const err = await composeConfig(path.join(dir, 'docker-compose.yml'), '--quiet').then(
        () => null,
        (e: Error & { stderr?: string }) => e,
      );
      expect(err, 'compose accepted an invalid condition').to.not.equal(null);
      expect(err?.stderr).to.match(/condition/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Docker Compose itself resolves the app environment to the defaults checked above', async () => {
    const { stdout } = await composeConfig(path.join(root, 'docker-compose.yml'), '--format', 'json');
    const resolved = JSON.parse(stdout) as ComposeFile;
    for (const name of APP_SERVICES) {
      expect(resolved.services[name]?.environment, name).to.deep.equal(env(name));
    }
  });
});
