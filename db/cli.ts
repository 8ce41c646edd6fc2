import { DbCliConfigSchema, loadConfigOrExit } from '../core/config.js';
import { systemClock } from '../core/clock.js';
import { createLogger } from '../core/logger.js';
import { createDataSource, ensureDatabase } from './data-source.js';
import { seed } from './seed.js';

const commands = ['migrate', 'revert', 'seed'] as const;
type Command = (typeof commands)[number];

const command = process.argv[2] as Command;
if (!commands.includes(command)) {
  process.stderr.write(`usage: db/cli.ts ${commands.join('|')}\n`);
  process.exit(64);
}

const config = loadConfigOrExit(process.env, DbCliConfigSchema);
const log = createLogger(config.LOG_LEVEL, { component: 'db' });
if (command === 'migrate') await ensureDatabase(config.DATABASE_URL);
const ds = createDataSource({ url: config.DATABASE_URL, poolSize: 2 });
await ds.initialize();
try {
  if (command === 'migrate') {
    const ran = await ds.runMigrations();
    log.info({ migrations: ran.map((m) => m.name) }, 'migrations applied');
  } else if (command === 'revert') {
    await ds.undoLastMigration();
    log.info('last migration reverted');
  } else {
    await seed(ds, {
      adminEmail: config.ADMIN_EMAIL,
      adminPassword: config.ADMIN_PASSWORD,
      cleaningBufferMin: config.CLEANING_BUFFER_MINUTES,
      clock: systemClock,
    });
    log.info('seed applied');
  }
} finally {
  await ds.destroy();
}
