import { CompiledStatements } from '../../src/db/compiled.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { signIn } from '../helpers/users.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(() => app.close());

describe('statements compiled once', () => {
  it('builds a statement once per key, and runs it anew each time', async () => {
    const statements = new CompiledStatements();
    let built = 0;
    const build = () => {
      built++;
      return app.db('users').where({ role: 'admin' }).select('email').orderBy('id');
    };
    const before = await statements.rows<{ email: string }>(app.db, 'admins', build);
    const added = await signIn(app, 'admin');
    const after = await statements.rows<{ email: string }>(app.db, 'admins', build);
    expect(built).toBe(1);
    // The rows are read again, not remembered: the new admin is there.
    expect(after.map((r) => r.email)).toEqual([...before.map((r) => r.email), added.user.email]);
  });

  it('forgets the oldest statement past its bound, and keeps each database handle apart', async () => {
    const statements = new CompiledStatements(2);
    const builds: string[] = [];
    const run = (key: string) =>
      statements.rows(app.db, key, () => {
        builds.push(key);
        return app.db('users').count({ n: '*' });
      });
    for (const key of ['a', 'b', 'a', 'c', 'b', 'a']) await run(key);
    // a, b compiled; a known; c pushes a out; b still known; a compiled again.
    expect(builds).toEqual(['a', 'b', 'c', 'a']);

    const other = await startTestApp();
    try {
      let built = 0;
      await statements.rows(other.db, 'b', () => {
        built++;
        return other.db('users').count({ n: '*' });
      });
      expect(built).toBe(1);
    } finally {
      await other.close();
    }
  });
});
