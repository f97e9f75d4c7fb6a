import { randomBytes } from 'node:crypto';
import { mysqlAdmin } from '../helpers/database.js';
import { runBuilt } from '../helpers/process.js';

const name = `casehub_new_${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  const admin = mysqlAdmin();
  await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
  await admin.destroy();
});

describe('start on MySQL', () => {
  it('creates the database named in DATABASE_URL when it does not exist', async () => {
    const url = new URL(process.env.TEST_MYSQL_URL!);
    url.pathname = `/${name}`;
    const running = runBuilt('dist/src/main.js', [], { DATABASE_URL: url.toString(), PORT: '0', HOST: '127.0.0.1' });
    const listening = await running.waitForLog(/^listening/);
    const health = await fetch(`http://127.0.0.1:${String(listening.port)}/health`);
    expect(await health.json()).toMatchObject({ status: 'healthy', database: 'connected' });
    running.child.kill('SIGTERM');
    expect(await running.exited()).toBe(0);

    const admin = mysqlAdmin();
    const [rows] = (await admin.raw('SELECT default_character_set_name AS cs FROM information_schema.schemata WHERE schema_name = ?', [
      name,
    ])) as [Array<{ cs: string }>];
    await admin.destroy();
    expect(rows).toEqual([{ cs: 'utf8mb4' }]);
  });
});
