#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { rollbackAll } from './db/migrate.js';
import { describeDatabase, loadConfigOrExit, openDatabase } from './startup.js';
import { createAdmin } from './users/bootstrap-admin.js';
import { createLogger } from './logger.js';
import { Classifier } from './classification/classifier.js';
import { importFile } from './import/command.js';
import { JOBS } from './workers/jobs.js';
import { workerDeps } from './workers/start.js';

const USAGE = `Usage: casehub <command> [options]

Commands:
  migrate                 apply pending migrations (the database is created if missing)
  migrate --rollback      revert every migration (drops all Casehub tables)
  create-admin --email E [--password P]
                          create an admin account; without a password one is generated and printed
  worker run-once JOB     run one scheduled job now and print what it did (${Object.keys(JOBS).join(', ')})
  import FILE [--dry-run] [--format csv|json|xml]
                          import tickets from a CSV, JSON or XML file; prints the result as JSON
                          (exit 0: every row imported or skipped, 3: some rows failed, 1: unreadable file)

Configuration comes from the environment (DATABASE_URL and the rest; see README.md).
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  async migrate(args) {
    const { values } = parseArgs({ args, options: { rollback: { type: 'boolean', default: false } } });
    const config = loadConfigOrExit(process.env);
    const { db, applied } = await openDatabase(config, createLogger('warn'));
    try {
      if (values.rollback) {
        const reverted = await rollbackAll(db);
        console.log(`Reverted ${reverted.length} migration(s) on ${describeDatabase(config)}`);
      } else {
        console.log(`Applied ${applied.length} migration(s) on ${describeDatabase(config)}`);
        for (const name of applied) console.log(`  ${name}`);
      }
    } finally {
      await db.destroy();
    }
    return 0;
  },

  async 'create-admin'(args) {
    const { values } = parseArgs({ args, options: { email: { type: 'string' }, password: { type: 'string' } } });
    if (!values.email || !/^[^\s@]+@[^\s@]+$/.test(values.email)) {
      console.error('create-admin needs --email with an email address');
      return 2;
    }
    if (values.password !== undefined && values.password.length < 12) {
      console.error('--password must be at least 12 characters');
      return 2;
    }
    const config = loadConfigOrExit(process.env);
    const { db } = await openDatabase(config, createLogger('warn'));
    try {
      const result = await createAdmin(db, values.email, values.password);
      if (!result.created) {
        console.error(`An account with the email ${values.email} already exists`);
        return 1;
      }
      console.log(`Created admin ${result.email}`);
      if (result.generatedPassword) console.log(`Generated password: ${result.generatedPassword}`);
    } finally {
      await db.destroy();
    }
    return 0;
  },

  async import(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false }, format: { type: 'string' } } });
    if (positionals.length !== 1) {
      console.error('Usage: casehub import FILE [--dry-run] [--format csv|json|xml]');
      return 2;
    }
    const config = loadConfigOrExit(process.env);
    const { db } = await openDatabase(config, createLogger('warn'));
    try {
      const result = await importFile(db, new Classifier(config.classifyLogDir), positionals[0]!, { dryRun: values['dry-run'], format: values.format });
      console.log(JSON.stringify(result, null, 2));
      return result.failed > 0 ? 3 : 0;
    } finally {
      await db.destroy();
    }
  },

  async worker(args) {
    const [action, name] = args;
    const job = name === undefined ? undefined : JOBS[name];
    if (action !== 'run-once' || job === undefined) {
      console.error(`Usage: casehub worker run-once JOB, where JOB is one of ${Object.keys(JOBS).join(', ')}`);
      return 2;
    }
    const config = loadConfigOrExit(process.env);
    const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    const { db } = await openDatabase(config, logger);
    const deps = workerDeps(db, config, logger);
    try {
      console.log(JSON.stringify({ job: name, ...(await job.run(deps)) }));
    } finally {
      deps.mailer.close();
      await db.destroy();
    }
    return 0;
  },
};

async function run(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : commands[name];
  if (command === undefined) {
    process.stderr.write(name === undefined || name === '--help' || name === 'help' ? USAGE : `Unknown command: ${name}\n\n${USAGE}`);
    return name === undefined || name === '--help' || name === 'help' ? 0 : 2;
  }
  try {
    return await command(args);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
}

process.exitCode = await run(process.argv.slice(2));
