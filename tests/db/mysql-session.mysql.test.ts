import type { Knex } from 'knex';
import { createDb } from '../../src/db/connect.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../helpers/database.js';

let database: TestDatabase;
let db: Knex;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(testConfig(database.url), createLogger('silent'));
  await migrateLatest(db);
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
});

describe('MySQL sessions', () => {
  it('run in UTC with utf8mb4 and a strict sql_mode', async () => {
    const [rows] = (await db.raw('SELECT @@session.time_zone AS tz, @@session.sql_mode AS mode, @@character_set_client AS cs')) as [
      Array<{ tz: string; mode: string; cs: string }>,
    ];
    expect(rows[0]!.tz).toBe('+00:00');
    expect(rows[0]!.mode).toContain('STRICT_ALL_TABLES');
    expect(rows[0]!.cs).toBe('utf8mb4');
  });

  it('refuse a value that does not fit instead of truncating it', async () => {
    await expect(
      db('sla_policies').insert({
        priority: 'x'.repeat(11),
        first_response_minutes: 1,
        resolution_minutes: 1,
        updated_at: '2026-11-21 10:00:00.000',
      }),
    ).rejects.toMatchObject({ code: 'ER_DATA_TOO_LONG' });
  });

  it('store four-byte characters intact', async () => {
    await db('settings').insert({ name: 'emoji', value: 'ticket 🎫 ok', created_at: '2026-11-21 10:00:00.000' });
    expect(await db('settings').where({ name: 'emoji' }).first('value')).toEqual({ value: 'ticket 🎫 ok' });
  });

  it('use InnoDB for every table', async () => {
    const [rows] = (await db.raw('SELECT table_name AS name, engine FROM information_schema.tables WHERE table_schema = DATABASE()')) as [
      Array<{ name: string; engine: string }>,
    ];
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((row) => row.engine !== 'InnoDB')).toEqual([]);
  });

  it('read identities (a caseUid here) back as text in rows, raw results and plucks, and raw bodies as bytes', async () => {
    const at = '2026-11-21 10:00:00.000';
    const [integrationId] = await db('integrations').insert({ uuid: crypto.randomUUID(), name: 'crm', key_prefix: 'ch_y', key_hash: 'b'.repeat(64), created_at: at, updated_at: at });
    await db('ingest_log').insert({ integration_id: integrationId, request_id: 'r-1', method: 'PUT', route: '/v1/case', case_uid: 'Case 🎫 ', status_code: 200, raw_body: Buffer.from([0xff, 0x00]), received_at: at });
    expect(await db('ingest_log').first('case_uid', 'raw_body')).toEqual({ case_uid: 'Case 🎫 ', raw_body: Buffer.from([0xff, 0x00]) });
    expect(await db('ingest_log').pluck('case_uid')).toEqual(['Case 🎫 ']);
    const [rows] = (await db.raw('SELECT case_uid FROM ingest_log')) as [Array<{ case_uid: unknown }>];
    expect(rows).toEqual([{ case_uid: 'Case 🎫 ' }]);
  });
});
