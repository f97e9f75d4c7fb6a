import cron, { type ScheduledTask } from 'node-cron';
import { JOBS, type WorkerDeps } from './jobs.js';
import { LeaseCoordinator } from './lease.js';

export interface Schedules {
  stop(): Promise<void>;
}

/**
 * Starts every job on its schedule. On several instances each fire runs on one of them only
 * (see LeaseCoordinator); within an instance a run never overlaps the previous one.
 */
export function startSchedules(deps: WorkerDeps, jobs = JOBS): Schedules {
  const coordinator = new LeaseCoordinator(deps.db);
  const tasks: ScheduledTask[] = Object.entries(jobs).map(([name, job]) =>
    cron.schedule(
      job.schedule,
      async (context) => {
        const fire = context.date.toISOString();
        try {
          const result = await job.run(deps);
          deps.logger.debug({ job: name, fire, result }, 'job ran');
        } catch (err) {
          deps.logger.error({ job: name, fire, err }, 'job failed');
        }
      },
      { name, noOverlap: true, distributed: true, runCoordinator: coordinator, distributedLease: job.leaseMs },
    ),
  );
  return {
    async stop() {
      for (const task of tasks) await task.destroy();
    },
  };
}
