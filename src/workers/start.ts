import type { Knex } from 'knex';
import { Classifier } from '../classification/classifier.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { Notifier } from '../mail/notifications.js';
import { createMailer } from '../mail/transport.js';
import { JOBS, type WorkerDeps } from './jobs.js';
import { startSchedules } from './scheduler.js';

/** What the jobs run with: the database, and mail going where the configuration says. */
export function workerDeps(db: Knex, config: Config, logger: Logger): WorkerDeps {
  return { db, config, logger, mailer: createMailer(config), notifier: new Notifier(config.publicUrl), classifier: new Classifier(config.classifyLogDir) };
}

/** ROLE=worker or all: the jobs on their schedules, until stop(). */
export function startWorkers(db: Knex, config: Config, logger: Logger) {
  const deps = workerDeps(db, config, logger);
  const schedules = startSchedules(deps);
  logger.info({ jobs: Object.keys(JOBS), mail: deps.mailer.description }, `workers started; mail goes to ${deps.mailer.description}`);
  return {
    async stop() {
      await schedules.stop();
      deps.mailer.close();
    },
  };
}
