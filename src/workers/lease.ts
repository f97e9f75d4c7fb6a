import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { RunCoordinator } from 'node-cron';
import { toDbTime } from '../db/time.js';
import { now } from '../time/clock.js';

/**
 * node-cron's RunCoordinator over the `job_leases` table: every instance fires each job on
 * schedule, and the one whose UPDATE takes the job's row for that fire runs it. The row says
 * which fire ran last (so one fire runs once, however many instances there are) and who holds
 * it until when (so a run still going, within its lease, is not joined by another).
 */
export class LeaseCoordinator implements RunCoordinator {
  readonly holder = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(private readonly db: Knex) {}

  /** node-cron's key is `<job name>:<fire time, ISO 8601>`. */
  private static parse(key: string): { name: string; fire: string } {
    const at = key.indexOf(':');
    return { name: key.slice(0, at), fire: toDbTime(new Date(key.slice(at + 1))) };
  }

  async shouldRun(key: string, ttlMs: number): Promise<boolean> {
    const { name, fire } = LeaseCoordinator.parse(key);
    const at = now();
    await this.db('job_leases').insert({ name, holder: '', expires_at: toDbTime(new Date(0)), last_fired_at: null }).onConflict('name').ignore();
    const taken = await this.db('job_leases')
      .where({ name })
      .where((q) => q.whereNull('last_fired_at').orWhere('last_fired_at', '<', fire))
      .where((q) => q.where('expires_at', '<=', toDbTime(at)).orWhere('holder', this.holder))
      .update({ holder: this.holder, expires_at: toDbTime(new Date(at.getTime() + ttlMs)), last_fired_at: fire });
    return taken === 1;
  }

  /** The run is over: the lease ends now, so the next fire need not wait for it to expire. */
  async onComplete(key: string): Promise<void> {
    const { name } = LeaseCoordinator.parse(key);
    await this.db('job_leases').where({ name, holder: this.holder }).update({ expires_at: toDbTime(now()) });
  }
}
