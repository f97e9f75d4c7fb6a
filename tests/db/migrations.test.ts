import type { Knex } from 'knex';
import { migrations } from '../../migrations/index.js';
import { createDb } from '../../src/db/connect.js';
import { migrateLatest, pendingMigrations, rollbackAll } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import { tagsOfRow } from '../../src/cases/tags.js';
import { customFieldsOfRow } from '../../src/cases/custom-fields.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../helpers/database.js';
import { dialect } from '../helpers/dialect.js';

let database: TestDatabase;
let db: Knex;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(testConfig(database.url), createLogger('silent'));
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
});

const CORE_TABLES = [
  'integrations',
  'users',
  'refresh_tokens',
  'cases',
  'messages',
  'case_tags',
  'case_history',
  'ticket_counters',
  'ingest_log',
  'mail_outbox',
  'job_leases',
  'sla_policies',
  'classification_log',
  'classification_models',
  'idempotency_keys',
  'settings',
  'login_throttle',
  'search_words',
  'search_pending',
  'report_counts',
  'report_tickets',
  'report_pending',
  'report_state',
];

async function tables(): Promise<string[]> {
  const names =
    dialect === 'mysql'
      ? ((await db.raw('SHOW TABLES'))[0] as Record<string, string>[]).map((row) => Object.values(row)[0]!)
      : ((await db.raw("SELECT name FROM sqlite_master WHERE type = 'table'")) as { name: string }[]).map((r) => r.name);
  return names.filter((name) => !name.startsWith('knex_') && !name.startsWith('sqlite_')).sort();
}

const now = '2026-11-21 10:00:00.000';

async function insertCase(integrationId: number, caseUid: string): Promise<void> {
  await db('cases').insert({
    uuid: crypto.randomUUID(),
    number: `TICK-20261121-${Math.random().toString().slice(2, 10)}`,
    integration_id: integrationId,
    case_uid: caseUid,
    source: 'test',
    subject: 's',
    status: 'open',
    priority: 'medium',
    created_at: now,
    updated_at: now,
  });
}

/** Back to just before migration `name`; `seed` writes as a database of that time would; then up again. */
async function acrossMigration(name: string, seed: () => Promise<void>): Promise<void> {
  const since = migrations.slice(migrations.findIndex(([each]) => each === name));
  for (const [, migration] of [...since].reverse()) await migration.down(db);
  await seed();
  for (const [, migration] of since) await migration.up(db);
}

/** Bare open cases with these subjects, as migration tests seed them; the id of the first. */
async function bareCases(...subjects: string[]): Promise<number> {
  const at = '2025-05-05 05:05:05.000';
  for (const subject of subjects) await db('cases').insert({ uuid: crypto.randomUUID(), source: 'test', subject, status: 'open', priority: 'low', created_at: at, updated_at: at });
  const { id } = (await db('cases').where({ subject: subjects[0] }).first('id')) as { id: number };
  return id;
}

describe('migrations', () => {
  it('go up from empty, creating every core table with nothing left pending', async () => {
    const applied = await migrateLatest(db);
    expect(applied).toEqual(migrations.map(([name]) => name));
    expect(await tables()).toEqual([...CORE_TABLES].sort());
    expect(await pendingMigrations(db)).toEqual([]);
    expect(await migrateLatest(db)).toEqual([]);
  });

  it('seed the default SLA policies of the contract', async () => {
    const rows = await db('sla_policies').select('priority', 'first_response_minutes', 'resolution_minutes').orderBy('resolution_minutes');
    expect(rows).toEqual([
      { priority: 'urgent', first_response_minutes: 120, resolution_minutes: 1440 },
      { priority: 'high', first_response_minutes: 240, resolution_minutes: 2880 },
      { priority: 'medium', first_response_minutes: 480, resolution_minutes: 7200 },
      { priority: 'low', first_response_minutes: 1440, resolution_minutes: 14400 },
    ]);
  });

  it('keep caseUids byte-exact: abc, ABC and "abc " are three cases, a second abc is refused', async () => {
    const [id] = await db('integrations').insert({
      uuid: crypto.randomUUID(),
      name: 'crm',
      key_prefix: 'ch_x',
      key_hash: 'a'.repeat(64),
      created_at: now,
      updated_at: now,
    });
    const integrationId = Number(id);
    for (const uid of ['abc', 'ABC', 'abc ', 'äbc']) await insertCase(integrationId, uid);
    await expect(insertCase(integrationId, 'abc')).rejects.toMatchObject({
      code: expect.stringMatching(/ER_DUP_ENTRY|SQLITE_CONSTRAINT_UNIQUE/),
    });
    const uids = (await db('cases').where({ integration_id: integrationId }).pluck('case_uid')) as unknown[];
    expect(uids.sort()).toEqual(['ABC', 'abc', 'abc ', 'äbc']);
    // Read back as strings, not driver buffers.
    expect(await db('cases').where({ integration_id: integrationId, case_uid: 'abc ' }).first('case_uid')).toEqual({ case_uid: 'abc ' });
  });

  it("fill the tag rows' copies of their ticket's creation time and archived flag for tickets already there", async () => {
    const archivedAt = '2025-05-05 05:05:05.000';
    let id = 0;
    await acrossMigration('20261121_0014_ticket_list_indexes', async () => {
      await db('cases').insert({ uuid: crypto.randomUUID(), source: 'test', subject: 'old', status: 'closed', priority: 'low', archived: true, created_at: archivedAt, updated_at: archivedAt });
      ({ id } = (await db('cases').where({ subject: 'old' }).first('id')) as { id: number });
      await db('case_tags').insert({ case_id: id, position: 0, tag: 'Legacy', tag_key: 'legacy' });
    });
    const row = (await db('case_tags').where({ case_id: id }).first('case_created_at', 'case_archived')) as { case_created_at: string; case_archived: number | boolean };
    expect({ createdAt: row.case_created_at, archived: Boolean(row.case_archived) }).toEqual({ createdAt: archivedAt, archived: true });
  });

  it("fill each ticket's own tag list, in order, for tickets already there", async () => {
    // Out of position order on purpose, with characters JSON must escape.
    const tags = ['Zeta "quoted"', 'back\\slash', 'ünïcode 🚀'];
    await acrossMigration('20261122_0022_case_tag_list', async () => {
      const id = await bareCases('tagged', 'untagged');
      await db('case_tags').insert(tags.map((tag, position) => ({ case_id: id, position, tag, tag_key: tag.toLowerCase() })).reverse());
    });
    const lists = (await db('cases').whereIn('subject', ['tagged', 'untagged']).orderBy('subject').select('subject', 'tag_list')) as Array<{ subject: string; tag_list: string | null }>;
    expect(lists.map((row) => [row.subject, tagsOfRow(row)])).toEqual([
      ['tagged', tags],
      ['untagged', []],
    ]);
  });

  it("fill each case's own custom field list, ordered by name, and keep the fields when going down", async () => {
    // Names differing only in case, and values JSON must escape.
    const fields = [
      { name: 'Zeta', value: 'say "hi"' },
      { name: 'alpha', value: 'back\\slash\nnew line' },
      { name: 'beta', value: 'ünïcode 🚀' },
    ];
    let id = 0;
    await acrossMigration('20261205_0023_case_custom_fields', async () => {
      id = await bareCases('fielded', 'plain');
      await db('case_custom_fields').insert(fields.map((f) => ({ case_id: id, ...f })));
    });
    const rows = (await db('cases').whereIn('subject', ['fielded', 'plain']).orderBy('subject').select('subject', 'custom_fields')) as Array<{ subject: string; custom_fields: string | null }>;
    // By code unit, as the app sorts: capitals first.
    const byName = [fields[0], fields[1], fields[2]];
    expect(rows.map((row) => [row.subject, customFieldsOfRow(row)])).toEqual([
      ['fielded', byName],
      ['plain', []],
    ]);

    const [, migration0023] = migrations.find(([name]) => name === '20261205_0023_case_custom_fields')!;
    await migration0023.down(db);
    const back = (await db('case_custom_fields').where({ case_id: id }).orderBy('name').select('name', 'value')) as Array<{ name: string; value: string }>;
    expect(back).toEqual(byName);
    await migration0023.up(db);
  });

  it('go down completely and up again', async () => {
    const reverted = await rollbackAll(db);
    expect(reverted).toHaveLength(migrations.length);
    expect(await tables()).toEqual([]);
    expect(await migrateLatest(db)).toHaveLength(migrations.length);
    expect(await tables()).toEqual([...CORE_TABLES].sort());
  });
});
