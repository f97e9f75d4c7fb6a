import { readFile } from 'node:fs/promises';
import { countRows } from '../../src/db/count.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { errorBody } from '../helpers/json.js';
import { call, listTickets, withCast, type Cast, type Ticket } from '../helpers/tickets.js';
import { signIn, type SignedIn } from '../helpers/users.js';

interface ImportResult {
  dry_run: boolean;
  imported: number;
  skipped: number;
  failed: number;
  errors: Array<{ row: number; errors: Record<string, string[]> }>;
  ignored_columns: string[];
}

const TYPES = { csv: 'text/csv', json: 'application/json', xml: 'application/xml' } as const;
type Format = keyof typeof TYPES;

/** POST /tickets/import with the text as the multipart field `file`. */
function upload(app: TestApp, who: SignedIn, text: string, name: string, options: { type?: string; query?: string; headers?: Record<string, string> } = {}) {
  const form = new FormData();
  form.append('file', new Blob([text], { type: options.type ?? '' }), name);
  return app.request(`/api/v1/tickets/import${options.query ?? ''}`, { method: 'POST', body: form, headers: { ...who.auth, ...options.headers } });
}

async function imported(app: TestApp, who: SignedIn, text: string, format: Format, query = ''): Promise<ImportResult> {
  const response = await upload(app, who, text, `tickets.${format}`, { type: TYPES[format], query });
  expect(response.status).toBe(200);
  return (await response.json()) as ImportResult;
}

const sample = (format: Format) => readFile(`docs/import/tickets.${format}`, 'utf8');
const caseCount = (app: TestApp) => countRows(app.db('cases'));

/** The same five rows in each format: 1 and 4 good, 2 without a subject, 3 with a bad email and priority, 5 with a stranger as agent. */
function mixed(format: Format, prefix: string, agentEmail: string): string {
  const rows: Array<Record<string, string>> = [
    { external_id: `${prefix}-1`, subject: 'Printer offline', customer_email: 'pat@example.com', assigned_agent: agentEmail },
    { external_id: `${prefix}-2`, subject: '', description: 'No subject here' },
    { external_id: `${prefix}-3`, subject: 'Bad row', customer_email: 'not-an-address', priority: 'whenever' },
    { external_id: `${prefix}-4`, subject: 'Refund please', category: 'billing', tags: 'refund; vip' },
    { external_id: `${prefix}-5`, subject: 'Who?', assigned_agent: 'nobody@example.com' },
  ];
  const columns = ['external_id', 'subject', 'description', 'customer_email', 'assigned_agent', 'priority', 'category', 'tags'] as const;
  if (format === 'json') return JSON.stringify(rows);
  if (format === 'xml') {
    const fields = (r: Record<string, string>) => columns.filter((c) => r[c] !== undefined).map((c) => `<${c}>${r[c]}</${c}>`).join('');
    return `<tickets>${rows.map((r) => `<ticket>${fields(r)}</ticket>`).join('\n')}</tickets>`;
  }
  // Blank lines between records do not count as rows.
  return [columns.join(','), ...rows.map((r) => columns.map((c) => r[c] ?? '').join(',') + '\n')].join('\n');
}

describe('POST /tickets/import', () => {
  let cast: Cast;
  withCast((ready) => (cast = ready));

  it.each(['csv', 'json', 'xml'] as const)('imports the %s sample: given fields kept, missing ones classified, customers matched', async (format) => {
    const { app, admin } = cast;
    const before = await caseCount(app);
    const text = (await sample(format)).replaceAll('ZD-', `${format.toUpperCase()}-`);
    const result = await imported(app, admin, text, format);
    expect(result).toEqual({ dry_run: false, imported: 3, skipped: 0, failed: 0, errors: [], ignored_columns: [] });
    expect(await caseCount(app)).toBe(before + 3);

    const rows = await app.db('cases').where('external_id', 'like', `${format.toUpperCase()}-%`).orderBy('external_id');
    const tickets = await Promise.all(rows.map(async (r: { uuid: string }) => (await (await call(app, admin, 'GET', `/tickets/${r.uuid}`)).json()) as Ticket));
    expect(tickets[0]).toMatchObject({
      source: 'import',
      subject: 'Invoice charged twice',
      category: 'billing',
      category_source: 'user',
      priority: 'high',
      status: 'open',
      tags: ['billing', 'refund'],
      customer_email: 'ada@example.com',
      created_at: '2024-01-15T09:30:00.000Z',
    });
    // Neither category nor priority given: the classifier read "crashes with an error".
    expect(tickets[1]).toMatchObject({ category: 'technical', category_source: 'auto', priority_source: 'auto', status: 'in_progress', tags: ['crash'], created_at: '2024-01-16T14:05:00.000Z' });
    expect(tickets[2]).toMatchObject({ category: 'feature_request', priority: 'low', status: 'resolved', created_at: '2024-01-17T00:00:00.000Z' });
    expect(tickets[2]!.resolved_at).not.toBeNull();
    // Old and open: breached on arrival, recorded but not mailed.
    expect(tickets[0]!.sla_breached).toEqual({ first_response: true, resolution: true });
    expect(await countRows(app.db('mail_outbox'))).toBe(0);
  });

  it.each(['csv', 'json', 'xml'] as const)('lands the good %s rows and lists every bad one by its data row number', async (format) => {
    const { app, admin, agent } = cast;
    const result = await imported(app, admin, mixed(format, `MIX-${format}`, agent.user.email!), format);
    expect(result).toMatchObject({ imported: 2, skipped: 0, failed: 3 });
    expect(result.errors.map((e) => e.row)).toEqual([2, 3, 5]);
    expect(result.errors[0]!.errors).toEqual({ subject: ['is required'] });
    expect(Object.keys(result.errors[1]!.errors).sort()).toEqual(['customer_email', 'priority']);
    expect(result.errors[2]!.errors).toEqual({ assigned_agent: ['is not an active agent or admin'] });

    const first = await app.db('cases').where({ external_id: `MIX-${format}-1` }).first();
    expect(first).toMatchObject({ assignee_id: agent.user.id, status: 'assigned' });
    const fourth = await listTickets(app, admin, `?tag=vip&q=Refund`);
    expect(fourth.items.filter((t) => t.subject === 'Refund please').length).toBeGreaterThanOrEqual(1);
  });

  it('answers a CSV row with the wrong number of fields as a failed row and goes on', async () => {
    const { app, admin } = cast;
    const text = 'external_id,subject\nFC-1,Fine\nFC-2,Too,many,fields\nFC-3,Also fine\n';
    const result = await imported(app, admin, text, 'csv');
    expect(result).toMatchObject({ imported: 2, failed: 1, errors: [{ row: 2, errors: { row: ['has 4 fields where the header has 2'] } }] });
  });

  it('writes nothing in a dry run, and answers what a real run would do', async () => {
    const { app, admin, agent } = cast;
    const before = await caseCount(app);
    const dry = await imported(app, admin, mixed('csv', 'DRY', agent.user.email!), 'csv', '?dry_run=true');
    expect(dry).toMatchObject({ dry_run: true, imported: 2, failed: 3 });
    expect(await caseCount(app)).toBe(before);
    const real = await imported(app, admin, mixed('csv', 'DRY', agent.user.email!), 'csv', '?dry_run=false');
    expect(real).toMatchObject({ dry_run: false, imported: 2, failed: 3, errors: dry.errors });
  });

  it('creates nothing new when the same file comes again, and skips an external id repeated in a file', async () => {
    const { app, admin } = cast;
    const text = 'external_id,subject\nAGAIN-1,One\nAGAIN-2,Two\nAGAIN-1,One again\n';
    expect(await imported(app, admin, text, 'csv')).toMatchObject({ imported: 2, skipped: 1 });
    const before = await caseCount(app);
    expect(await imported(app, admin, text, 'csv')).toMatchObject({ imported: 0, skipped: 3, failed: 0 });
    expect(await imported(app, admin, text, 'csv', '?dry_run=true')).toMatchObject({ imported: 0, skipped: 3 });
    expect(await caseCount(app)).toBe(before);
  });

  it.each([
    ['csv', 'a CSV cut off inside a quote', 'external_id,subject\nQ-1,Fine\nQ-2,"Never closed\n', /Quote Not Closed/],
    ['csv', 'a CSV cut off in its last row', 'external_id,subject,description\nT-1,Fine,Good\nT-2,Half', /truncated/],
    ['csv', 'an empty CSV', '', /empty/],
    ['xml', 'broken XML', '<tickets><ticket><subject>One</subject></ticket><ticket><subject>Two</subj></ticket></tickets>', /not valid XML/],
    ['xml', 'XML with another root', '<export><ticket><subject>One</subject></ticket></export>', /root element is <export>/],
    ['json', 'JSON that is not an array', '{"subject": "One"}', /must be an array/],
    ['json', 'JSON cut off', '[{"subject": "One"}, {"subject": "Tw', /not valid JSON/],
  ] as const)('refuses %s (%s) with a 400 and imports nothing, dry run or not', async (format, _what, text, message) => {
    const { app, admin } = cast;
    const before = await caseCount(app);
    for (const query of ['', '?dry_run=true']) {
      const response = await upload(app, admin, text, `broken.${format}`, { query });
      expect(response.status).toBe(400);
      const body = await errorBody(response);
      expect(body).toMatchObject({ code: 'VALIDATION_ERROR', errors: { file: [expect.any(String)] } });
      expect(body.message).toMatch(message);
    }
    expect(await caseCount(app)).toBe(before);
  });

  it('reports columns it does not know, and takes the usual other names for known ones', async () => {
    const { app, admin } = cast;
    const text = 'Ticket ID,Title,Requester Email,Colour\nALIAS-1,Hello there,Rae@Example.com,blue\n';
    const result = await imported(app, admin, text, 'csv');
    expect(result).toMatchObject({ imported: 1, ignored_columns: ['Colour'] });
    const row = await app.db('cases').where({ external_id: 'ALIAS-1' }).first();
    expect(row.subject).toBe('Hello there');
    expect(await app.db('users').where({ id: row.customer_id }).first('email')).toEqual({ email: 'rae@example.com' });
  });

  it('tells the format by content type, else by extension, and refuses a file it cannot tell', async () => {
    const { app, admin } = cast;
    const byType = await upload(app, admin, '[{"subject":"By type","external_id":"FMT-1"}]', 'export.txt', { type: 'application/json' });
    expect(await byType.json()).toMatchObject({ imported: 1 });
    const byName = await upload(app, admin, 'subject,external_id\nBy name,FMT-2\n', 'export.CSV');
    expect(await byName.json()).toMatchObject({ imported: 1 });
    const unknown = await upload(app, admin, 'subject\nHmm\n', 'export.txt');
    expect(unknown.status).toBe(400);
    expect((await errorBody(unknown)).errors).toHaveProperty('file');
  });

  it('is for admins only, needs a file field, and checks its query', async () => {
    const { app, agent, customer, admin } = cast;
    expect((await upload(app, agent, 'subject\nx\n', 'a.csv')).status).toBe(403);
    expect((await upload(app, customer, 'subject\nx\n', 'a.csv')).status).toBe(403);
    expect((await app.request('/api/v1/tickets/import', { method: 'POST', body: new FormData() })).status).toBe(401);

    const noFile = new FormData();
    noFile.append('other', 'value');
    const missing = await app.request('/api/v1/tickets/import', { method: 'POST', body: noFile, headers: admin.auth });
    expect(missing.status).toBe(400);
    expect((await errorBody(missing)).errors).toEqual({ file: ['is required'] });
    const json = await call(app, admin, 'POST', '/tickets/import', { subject: 'not a file' });
    expect(json.status).toBe(400);

    const garbled = await app.request('/api/v1/tickets/import', {
      method: 'POST',
      body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nsubject\nx\n',
      headers: { ...admin.auth, 'Content-Type': 'multipart/form-data; boundary=xyz' },
    });
    expect(garbled.status).toBe(400);
    expect((await errorBody(garbled)).message).toBe('The multipart body could not be read');

    const badQuery = await upload(app, admin, 'subject\nx\n', 'a.csv', { query: '?dry_run=maybe' });
    expect(badQuery.status).toBe(400);
    expect((await errorBody(badQuery)).errors).toHaveProperty('dry_run');
  });

  it('replays the answer for the same Idempotency-Key and file, and refuses the key with another file', async () => {
    const { app, admin } = cast;
    const headers = { 'Idempotency-Key': 'import-once' };
    const text = 'external_id,subject\nIDEM-1,Once\n';
    const first = await upload(app, admin, text, 'a.csv', { headers });
    expect(await first.json()).toMatchObject({ imported: 1 });
    const replay = await upload(app, admin, text, 'a.csv', { headers });
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await replay.json()).toMatchObject({ imported: 1, skipped: 0 });
    const other = await upload(app, admin, 'external_id,subject\nIDEM-2,Other\n', 'a.csv', { headers });
    expect(other.status).toBe(409);
  });

  it('logs the decisions for rows it classified', async () => {
    const { app, admin } = cast;
    await imported(app, admin, 'external_id,subject,description\nCLS-1,Charged twice,Please refund my invoice\n', 'csv');
    const row = await app.db('cases').where({ external_id: 'CLS-1' }).first();
    const log = (await (await call(app, admin, 'GET', `/classification/log?ticket_id=${row.uuid}`)).json()) as { items: Array<Record<string, unknown>> };
    expect(log.items).toEqual([expect.objectContaining({ category: 'billing', category_decided_by: 'rules' })]);
  });
});

describe('import limits', () => {
  it('refuses a file over IMPORT_MAX_SIZE with 413 and keeps nothing', async () => {
    const app = await startTestApp({ env: { IMPORT_MAX_SIZE: '2kb' } });
    try {
      const admin = await signIn(app, 'admin');
      const text = `subject\n${'A long subject line\n'.repeat(200)}`;
      const response = await upload(app, admin, text, 'big.csv');
      expect(response.status).toBe(413);
      expect((await errorBody(response)).code).toBe('PAYLOAD_TOO_LARGE');
      expect(await caseCount(app)).toBe(0);
    } finally {
      await app.close();
    }
  });
});
