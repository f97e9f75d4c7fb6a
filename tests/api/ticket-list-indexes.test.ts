import { LIST_INDEXES } from '../../src/tickets/list.js';
import type { TestApp } from '../helpers/app.js';
import { dialect } from '../helpers/dialect.js';
import { listTickets, withCast } from '../helpers/tickets.js';
import type { SignedIn } from '../helpers/users.js';

let app: TestApp;
let admin: SignedIn;
let agent: SignedIn;
let customer: SignedIn;

withCast((cast) => ({ app, admin, agent, customer } = cast));

/** The names of the indexes on `cases`. */
async function indexesOfCases(): Promise<string[]> {
  if (dialect === 'mysql') {
    const [rows] = (await app.db.raw('SHOW INDEX FROM cases')) as [Array<{ Key_name: string }>];
    return rows.map((row) => row.Key_name);
  }
  const rows = (await app.db.raw("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'")) as Array<{ name: string }>;
  return rows.map((row) => row.name);
}

/** The statements one list request runs. */
async function statementsOf(who: SignedIn, query: string): Promise<string[]> {
  const seen: string[] = [];
  const capture = (q: { sql: string }) => seen.push(q.sql);
  app.db.on('query', capture);
  try {
    await listTickets(app, who, query);
  } finally {
    app.db.off('query', capture);
  }
  return seen.filter((sql) => /\bfrom `?cases`?/i.test(sql));
}

describe('the indexes lists are read through', () => {
  it('all exist on cases (a renamed index would break every list pinned to it)', async () => {
    const present = await indexesOfCases();
    for (const index of Object.values(LIST_INDEXES).filter((name) => name !== 'PRIMARY')) expect(present).toContain(index);
    if (dialect === 'mysql') expect(present).toContain('PRIMARY');
  });

  it('are named to MySQL for the lists whose best index is known, and SQLite is left to plan', async () => {
    const cases: Array<[SignedIn, string, string]> = [
      [agent, '?assignee_id=me&status=assigned,in_progress,reopened', LIST_INDEXES.assigneeStatus],
      [admin, `?assignee_id=${agent.user.uuid}`, LIST_INDEXES.assignee],
      [admin, '?status=open,in_progress&priority=high,urgent', LIST_INDEXES.statusPriority],
      [admin, '?tag=vip', LIST_INDEXES.byId],
      [admin, '', LIST_INDEXES.created],
    ];
    for (const [who, query, index] of cases) {
      const [statement] = await statementsOf(who, query);
      if (dialect === 'mysql') expect(statement).toContain(`FORCE INDEX (\`${index}\`)`);
      else expect(statement).not.toMatch(/FORCE INDEX|INDEXED BY/i);
    }
    // A sort of its own, and the few archived tickets, are left to the planner everywhere.
    for (const query of ['?sort=priority', '?archived=true']) {
      const [statement] = await statementsOf(admin, query);
      expect(statement).not.toMatch(/FORCE INDEX/i);
    }
  });
});

describe('a status × priority list', () => {
  it('reads its pairs as parts of one union: in parentheses on MySQL, a derived table apiece on SQLite', async () => {
    const [statement] = await statementsOf(admin, '?status=open,in_progress&priority=high,urgent');
    expect(statement!.match(/union all/gi)).toHaveLength(3);
    if (dialect === 'mysql') expect(statement).not.toMatch(/as `part`/);
    else expect(statement!.match(/as `part`/g)).toHaveLength(4);
  });
});

describe('people named by a list', () => {
  it('are looked up inside the list statement, not by statements before it', async () => {
    const seen: Array<{ sql: string; bindings: readonly unknown[] }> = [];
    const capture = (q: { sql: string; bindings?: readonly unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
    const email = customer.user.email!;
    app.db.on('query', capture);
    try {
      await listTickets(app, admin, `?assignee_id=${agent.user.uuid}&customer_email=${encodeURIComponent(email)}`);
    } finally {
      app.db.off('query', capture);
    }
    // Left out: the signed-in admin's own read, when its second of trust is over.
    const list = seen.filter((statement) => !statement.bindings.includes(admin.user.uuid));
    expect(list).toHaveLength(1);
    expect(list[0]!.sql).toMatch(/`cases`/);
    expect(list[0]!.bindings).toEqual(expect.arrayContaining([agent.user.uuid, email]));
  });
});
