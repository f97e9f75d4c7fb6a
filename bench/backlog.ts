/**
 * The million-ticket backlog the tickets and reports benches share: seeded once into its own
 * MySQL database and reused while it holds as many tickets as asked, seeded by this seed.
 */
import type { Knex } from 'knex';
import { ensureDatabaseExists } from '../src/db/connect.js';
import { migrateLatest } from '../src/db/migrate.js';
import { countPendingTickets } from '../src/reports/rollups/roller.js';
import { freshDatabase, mysqlTarget } from './database.js';
import { seedTickets, type SeedPlan } from './ticket-seed.js';

/** Raised whenever the seed changes what it writes, so an older backlog is seeded anew. */
const SEED_VERSION = 3;

async function seededTickets(db: Knex): Promise<number> {
  try {
    const [seed] = (await db('bench_seed').select('version', 'tickets')) as Array<{ version: number; tickets: number }>;
    return seed?.version === SEED_VERSION ? Number(seed.tickets) : 0;
  } catch {
    return 0; // no backlog yet
  }
}

/** Runs the `reports` job over every ticket it has not counted yet, as a deployment would in the background. */
async function countForReports(db: Knex): Promise<void> {
  const started = Date.now();
  const { counted } = await countPendingTickets(db);
  if (counted > 0) console.log(`  the reports job counted ${counted} tickets into the rollups in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Seeds `tickets` tickets, or reuses the backlog already there: seeding a million takes minutes. */
export async function prepareBacklog(db: Knex, url: string, tickets: number, reseed: boolean): Promise<void> {
  await ensureDatabaseExists(mysqlTarget(url));
  if (!reseed && (await seededTickets(db)) === tickets) {
    console.log(`reusing the ${tickets} tickets in ${mysqlTarget(url).database} (BENCH_RESEED=1 to seed anew)`);
    await migrateLatest(db);
    await countForReports(db);
    return;
  }
  await freshDatabase(url);
  const plan: SeedPlan = { tickets, agents: 50, customers: 20_000, messagesEvery: 10, days: 1000 };
  const started = Date.now();
  await seedTickets(url, plan, (done) => {
    if (done % 100_000 === 0 || done === plan.tickets) console.log(`  seeded ${done} tickets, ${Math.round((Date.now() - started) / 1000)} s`);
  });
  await db.raw('INSERT INTO report_pending (case_id) SELECT id FROM cases');
  await countForReports(db);
  await db.raw('ANALYZE TABLE cases, case_tags, messages, users, search_words, report_counts');
  await db.schema.createTable('bench_seed', (t) => {
    t.integer('version').notNullable();
    t.integer('tickets').notNullable();
  });
  await db('bench_seed').insert({ version: SEED_VERSION, tickets });
}
