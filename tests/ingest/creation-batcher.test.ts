import { randomUUID } from 'node:crypto';
import { Classifier } from '../../src/classification/classifier.js';
import type { RulesDecision } from '../../src/classification/rules.js';
import { CreationBatcher } from '../../src/ingest/creation-batcher.js';
import { toCaseInput, toMessageInput, type CaseBody } from '../../src/ingest/payload.js';
import { createLogger } from '../../src/logger.js';
import type { IngestLogEntry } from '../../src/ingest/log.js';
import type { TestApp } from '../helpers/app.js';
import { caseBody, getCase, ingest, uid, type TestIntegration, withIngestApp } from '../helpers/ingest.js';
import { dialect } from '../helpers/dialect.js';

let app: TestApp;
let crm: TestIntegration;
withIngestApp((started) => ({ app, crm } = started));

function newCase(caseUid = uid()) {
  const body = caseBody({ caseUid }) as unknown as CaseBody;
  return {
    integration: { id: crm.rowId, name: crm.name },
    input: toCaseInput(body),
    messages: body.messages!.map((m, i) => toMessageInput(m, `messages.${i}`)),
  };
}

const logEntry = (caseUid: string) => (): IngestLogEntry => ({
  integrationId: crm.rowId,
  requestId: randomUUID(),
  method: 'PUT',
  route: 'PUT /v1/case',
  caseUid,
  statusCode: 201,
  outcome: 'created',
  error: null,
  rawBody: null,
  replayOf: null,
});

describe('the creation batcher', () => {
  it('creates many new cases in one go, numbered without gaps, each with its log entry', async () => {
    const batcher = new CreationBatcher(app.db, new Classifier(undefined), createLogger('silent'), { concurrency: 1 });
    const uids = Array.from({ length: 25 }, () => uid('batch'));
    const results = await Promise.all(uids.map((u) => batcher.create(newCase(u), 100, logEntry(u))));
    expect(results.every((r) => r?.outcome === 'created')).toBe(true);
    const numbers = results.map((r) => Number(r!.number.slice(14))).sort((a, b) => a - b);
    expect(numbers[numbers.length - 1]! - numbers[0]!).toBe(24);
    expect(await app.db('ingest_log').whereIn('case_uid', uids).count({ n: '*' })).toEqual([{ n: 25 }]);
    for (const u of uids.slice(0, 3)) expect((await getCase(app, crm, u)).body.messages).toHaveLength(1);
  });

  it("classifies by the rules' reading it is handed, without reading the text again", async () => {
    const batcher = new CreationBatcher(app.db, new Classifier(undefined), createLogger('silent'), { concurrency: 1 });
    const item = newCase(uid('read'));
    // The text is about a login; the reading handed in (as a body thread's would be) says otherwise.
    const byRules: RulesDecision = {
      category: { label: 'feature_request', confidence: 0.9, keywords: ['roadmap'] },
      priority: { label: 'low', confidence: 0.8, keywords: ['no rush'] },
    };
    const created = await batcher.create({ ...item, input: { ...item.input, priority: null }, byRules }, 100, logEntry(item.input.caseUid));
    const row = await app.db('cases').where({ uuid: created!.id }).first('category', 'priority', 'category_source', 'priority_source');
    expect(row).toEqual({ category: 'feature_request', priority: 'low', category_source: 'auto', priority_source: 'auto' });
  });

  it('puts cases that arrive in separate callbacks of one turn of the event loop into one batch', async () => {
    // As the body thread answers: each body in its own callback, several in one turn.
    const batcher = new CreationBatcher(app.db, new Classifier(undefined), createLogger('silent'), { concurrency: 2 });
    const uids = Array.from({ length: 10 }, () => uid('turn'));
    let caseInserts = 0;
    const count = ({ sql }: { sql: string }) => {
      if (/^insert into [`"]cases[`"]/i.test(sql)) caseInserts++;
    };
    app.db.on('query', count);
    try {
      const results = await Promise.all(uids.map((u) => new Promise((resolve) => setImmediate(() => resolve(batcher.create(newCase(u), 100, logEntry(u)))))));
      expect(results.every((r) => (r as { outcome?: string } | undefined)?.outcome === 'created')).toBe(true);
    } finally {
      app.db.off('query', count);
    }
    expect(caseInserts).toBe(1);
  });

  it('hands back what it did not create: an existing case, and the second of one caseUid', async () => {
    const batcher = new CreationBatcher(app.db, new Classifier(undefined), createLogger('silent'));
    const existing = uid('exists');
    await ingest(app, crm, 'PUT', '/v1/case', caseBody({ caseUid: existing }));
    const twice = uid('twice');
    const [a, b, c] = await Promise.all([
      batcher.create(newCase(existing), 100, logEntry(existing)),
      batcher.create(newCase(twice), 100, logEntry(twice)),
      batcher.create(newCase(twice), 100, logEntry(twice)),
    ]);
    expect(a).toBeUndefined();
    expect([b?.outcome, c?.outcome].sort()).toEqual(['created', undefined]);
  });

  if (dialect === 'mysql') {
    it('hands the whole batch back when another writer creates one of its cases first', async () => {
      const batcher = new CreationBatcher(app.db, new Classifier(undefined), createLogger('silent'), { concurrency: 1 });
      const contested = uid('contested');
      const other = uid('bystander');
      // Another instance is creating `contested` and has not committed yet.
      const rival = await app.db.transaction();
      await rival('cases').insert({
        uuid: randomUUID(),
        integration_id: crm.rowId,
        case_uid: contested,
        source: 'rival',
        subject: 'from the rival',
        status: 'open',
        priority: 'medium',
        created_at: '2024-01-01 00:00:00.000',
        updated_at: '2024-01-01 00:00:00.000',
      });
      const pending = Promise.all([batcher.create(newCase(contested), 100, logEntry(contested)), batcher.create(newCase(other), 100, logEntry(other))]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await rival.commit();
      expect(await pending).toEqual([undefined, undefined]);
      // Nothing of the failed batch was kept: the bystander does not exist yet either.
      expect(await app.db('cases').where({ case_uid: other }).first()).toBeUndefined();
    });
  }
});

describe('creation through the API under contention', () => {
  it('ends with every case and message when batches, fallbacks and retries mix', async () => {
    const shared = uid('shared');
    const bodies = [
      ...Array.from({ length: 20 }, () => caseBody()),
      ...Array.from({ length: 10 }, (_, i) => caseBody({ caseUid: shared, messages: [{ ...(caseBody().messages as object[])[0], messageUid: `s${i}` }] })),
    ];
    const responses = await Promise.all(bodies.map((b) => ingest(app, crm, 'PUT', '/v1/case', b)));
    expect(responses.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(21);
    expect((await getCase(app, crm, shared)).body.messages).toHaveLength(10);
  });
});
