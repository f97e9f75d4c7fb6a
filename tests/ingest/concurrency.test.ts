import type { TestApp } from '../helpers/app.js';
import { caseBody, getCase, ingest, message, uid, type TestIntegration, withIngestApp } from '../helpers/ingest.js';

let app: TestApp;
let crm: TestIntegration;
withIngestApp((started) => ({ app, crm } = started));

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('concurrent delivery', () => {
  it('50 concurrent PUTs of one new caseUid with different messages end in one case with all 50 messages', async () => {
    const caseUid = uid('race');
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ingest(app, crm, 'PUT', '/v1/case', caseBody({ caseUid, messages: [message({ messageUid: `m-${i}`, text: `message ${i}` })] })),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    expect(await app.db('cases').where({ integration_id: crm.rowId, case_uid: caseUid }).count({ n: '*' })).toEqual([{ n: 1 }]);
    const { body } = await getCase(app, crm, caseUid);
    expect(body.messages.map((m) => m.messageUid).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `m-${i}`).sort());
  });

  it('the same message sent 30 times at once, then again in sequence, is stored once', async () => {
    const body = caseBody();
    await ingest(app, crm, 'PUT', '/v1/case', body);
    const storm = { caseUid: body.caseUid, ...message({ messageUid: 'dup' }) };
    const responses = await Promise.all(Array.from({ length: 30 }, () => ingest(app, crm, 'POST', '/v1/case/messages', storm)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(29);
    for (let i = 0; i < 5; i++) expect((await ingest(app, crm, 'POST', '/v1/case/messages', storm)).status).toBe(200);
    const row = await app.db('cases').where({ case_uid: body.caseUid as string }).first();
    expect(await app.db('messages').where({ case_id: row.id, message_uid: 'dup' }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('shuffled updates, sent concurrently, end in the newest state', async () => {
    const caseUid = uid('order');
    await ingest(app, crm, 'PUT', '/v1/case', caseBody({ caseUid, updated: '2024-01-01T00:00:00Z', subject: 'version 0' }));
    const versions = Array.from({ length: 20 }, (_, i) => i + 1);
    const responses = await Promise.all(
      shuffle(versions).map((v) =>
        ingest(app, crm, 'PUT', '/v1/case', caseBody({
          caseUid,
          updated: `2024-01-01T00:00:${String(v).padStart(2, '0')}Z`,
          subject: `version ${v}`,
          tags: [`v${v}`],
          messages: [message({ messageUid: `v${v}` })],
        })),
      ),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const { body } = await getCase(app, crm, caseUid);
    expect(body).toMatchObject({ subject: 'version 20', tags: ['v20'], updated: '2024-01-01T00:00:20.000000Z' });
    expect(body.messages).toHaveLength(21);
  });

  it('numbers concurrently created tickets uniquely and without gaps', async () => {
    const responses = await Promise.all(Array.from({ length: 40 }, () => ingest(app, crm, 'PUT', '/v1/case', caseBody())));
    const numbers = await Promise.all(responses.map(async (r) => ((await r.json()) as { number: string }).number));
    expect(new Set(numbers).size).toBe(40);
    const today = numbers[0]!.slice(0, 14);
    const all = (await app.db('cases').where('number', 'like', `${today}%`).pluck('number')) as string[];
    const sequence = all.map((n) => Number(n.slice(14))).sort((a, b) => a - b);
    expect(sequence).toEqual(Array.from({ length: sequence.length }, (_, i) => i + 1));
  });
});
