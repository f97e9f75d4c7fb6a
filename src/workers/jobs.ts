import type { Knex } from 'knex';
import type { Classifier } from '../classification/classifier.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Notifier } from '../mail/notifications.js';
import type { Mailer } from '../mail/transport.js';
import { runAutomations } from './automations.js';
import { sendDueMail } from './email.js';
import { checkSlaClocks } from './sla.js';
import { indexPendingTickets } from '../search/indexer.js';
import { countPendingTickets } from '../reports/rollups/roller.js';

export interface WorkerDeps {
  db: Knex;
  config: Config;
  logger: Logger;
  mailer: Mailer;
  notifier: Notifier;
  classifier: Classifier;
}

export interface Job {
  /** node-cron expression (a leading seconds field is allowed). */
  schedule: string;
  /** How long a run may hold the job before another instance may start it. */
  leaseMs: number;
  run(deps: WorkerDeps): Promise<object>;
}

/** The scheduled jobs (DESIGN §7), each also callable once: `npx casehub worker run-once JOB`. */
export const JOBS: Readonly<Record<string, Job>> = {
  sla: {
    schedule: '0 * * * * *',
    leaseMs: 5 * 60_000,
    run: ({ db, notifier }) => checkSlaClocks(db, notifier),
  },
  email: {
    schedule: '*/5 * * * * *',
    leaseMs: 5 * 60_000,
    run: ({ db, mailer, logger, config }) =>
      sendDueMail({ db, mailer, logger, maxAttempts: config.mailMaxAttempts, claimSeconds: config.mailClaimSeconds }),
  },
  automations: {
    schedule: '30 */10 * * * *',
    leaseMs: 30 * 60_000,
    run: ({ db, notifier, config }) => runAutomations({ db, notifier, ingestLogDays: config.ingestLogDays }),
  },
  // Search words of tickets changed since (docs/search.md); a minute at most per run, so a
  // large backlog of marks (after an upgrade) is indexed over several runs.
  search: {
    schedule: '*/5 * * * * *',
    leaseMs: 5 * 60_000,
    run: ({ db }) => indexPendingTickets(db, Date.now() + 60_000),
  },
  // Report rollups of tickets changed since (docs/reports.md, "Rollups"); a minute at most per
  // run, like the search job.
  reports: {
    schedule: '*/5 * * * * *',
    leaseMs: 5 * 60_000,
    run: ({ db }) => countPendingTickets(db, Date.now() + 60_000),
  },
  // Learns from the labels people set since the last version; makes none when nothing changed.
  classifier: {
    schedule: '45 */15 * * * *',
    leaseMs: 30 * 60_000,
    run: ({ db, classifier }) => classifier.retrain(db, true),
  },
};
