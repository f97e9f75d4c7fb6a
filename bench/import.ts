/**
 * `npm run bench -- import`: a generated CSV of IMPORT_ROWS tickets (100,000 by default)
 * imported into a fresh MySQL database the way `casehub import FILE` does it (check, then
 * write), timed, with the process's peak resident memory. About half the rows give a
 * category and a priority; the others are classified. A tenth name an agent.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Classifier } from '../src/classification/classifier.js';
import { createDb } from '../src/db/connect.js';
import { importTickets } from '../src/import/importer.js';
import { createLogger } from '../src/logger.js';
import { freshDatabase, mysqlTarget } from './database.js';

const SUBJECTS = ['Invoice charged twice', 'App crashes on start', 'Please add a dark mode', 'Question about opening hours', 'Cannot log in', 'Refund for my subscription', 'Export is very slow', 'Feature request: calendar sync'];
const WORDS = 'the account page shows an error after the update and our team cannot work since this morning please help us as soon as possible thanks'.split(' ');
const CATEGORIES = ['technical', 'billing', 'general', 'feature_request'];
const PRIORITIES = ['low', 'medium', 'high', 'urgent'];
const STATUSES = ['open', 'in_progress', 'waiting', 'resolved', 'closed'];
const AGENTS = 10;

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write('external_id,customer_name,customer_email,subject,description,category,priority,status,tags,created_at,assigned_agent\n');
  for (let i = 1; i <= rows; i++) {
    const words = Array.from({ length: 40 + (i % 60) }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ');
    const labelled = i % 2 === 0;
    const fields = [
      `BENCH-${i}`,
      `Customer ${i % 5000}`,
      `customer${i % 5000}@example.com`,
      `${SUBJECTS[i % SUBJECTS.length]} #${i}`,
      words,
      labelled ? CATEGORIES[i % 4]! : '',
      labelled ? PRIORITIES[(i >> 1) % 4]! : '',
      STATUSES[i % STATUSES.length]!,
      `tag${i % 50}, batch${i % 7}`,
      new Date(Date.UTC(2024, 0, 1) + (i % 600) * 86_400_000).toISOString(),
      i % 10 === 0 ? `agent${i % AGENTS}@example.com` : '',
    ];
    await write(fields.map(csvField).join(',') + '\n');
  }
  out.end();
  await once(out, 'finish');
}

export async function runImportBench(): Promise<void> {
  const rows = Number(process.env.IMPORT_ROWS ?? 100_000);
  const url = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/casehub_bench_import';
  const file = join(tmpdir(), `casehub-import-${rows}.csv`);
  console.log(`writing ${rows} rows to ${file}`);
  await writeCsv(file, rows);
  await freshDatabase(url);
  const db = createDb({ database: mysqlTarget(url), dbPoolMax: 4 }, createLogger('warn'));
  const now = new Date().toISOString().slice(0, 23).replace('T', ' ');
  await db('users').insert(
    Array.from({ length: AGENTS }, (_, i) => ({ uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, role: 'agent', email: `agent${i}@example.com`, first_name: 'Agent', last_name: String(i), active: true, created_at: now, updated_at: now })),
  );

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const started = process.hrtime.bigint();
  try {
    const result = await importTickets(db, new Classifier(undefined), () => createReadStream(file), { format: 'csv', dryRun: false, actorId: null });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(JSON.stringify({ ...result, errors: result.errors.slice(0, 3) }));
    console.log(`${rows} rows in ${seconds.toFixed(1)} s: ${Math.round(result.imported / seconds)} rows/s imported; peak RSS ${Math.round(peakRss / 1024 / 1024)} MB`);
  } finally {
    clearInterval(sampler);
    await db.destroy();
  }
}
