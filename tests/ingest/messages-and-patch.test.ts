import type { TestApp } from '../helpers/app.js';
import { caseBody, getCase, ingest, message, uid, type TestIntegration, withIngestApp } from '../helpers/ingest.js';
import { errorBody } from '../helpers/json.js';

let app: TestApp;
let crm: TestIntegration;
withIngestApp((started) => ({ app, crm } = started));

function caseWithOneMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const fields = caseBody();
  delete fields.messages;
  return { ...fields, message: message(), ...overrides };
}

describe('PUT /v1/case/messages', () => {
  it('creates the case from the same body when it is missing (201), then adds to it (200)', async () => {
    const body = caseWithOneMessage();
    const first = await ingest(app, crm, 'PUT', '/v1/case/messages', body);
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ outcome: 'created', messagesAdded: 1 });

    const second = await ingest(app, crm, 'PUT', '/v1/case/messages', {
      ...body,
      updated: '2024-01-15T11:00:00Z',
      status: 'in-progress',
      message: message({ messageUid: 'reply', direction: 'Outbound', created: '2024-01-15T11:00:00Z' }),
    });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ outcome: 'updated', messagesAdded: 1 });
    const { body: stored } = await getCase(app, crm, body.caseUid as string);
    expect(stored.messages).toHaveLength(2);
    expect(stored.ticket).toMatchObject({ status: 'in_progress' });
  });

  it('answers a resend of the same message 200 unchanged', async () => {
    const body = caseWithOneMessage();
    await ingest(app, crm, 'PUT', '/v1/case/messages', body);
    const again = await ingest(app, crm, 'PUT', '/v1/case/messages', body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ outcome: 'unchanged', messagesAdded: 0 });
  });

  it('refuses a body with messages instead of message', async () => {
    const response = await ingest(app, crm, 'PUT', '/v1/case/messages', caseBody());
    expect(response.status).toBe(400);
    expect((await errorBody(response)).errors).toEqual({ message: ['is required'] });
  });
});

describe('POST /v1/case/messages', () => {
  it('answers 204 with no body when the case does not exist, and creates nothing', async () => {
    const caseUid = uid();
    const response = await ingest(app, crm, 'POST', '/v1/case/messages', { caseUid, ...message() });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(await app.db('cases').where({ case_uid: caseUid }).first()).toBeUndefined();
  });

  it('adds a message (201 created), and answers the same message again 200 unchanged', async () => {
    const body = caseBody();
    await ingest(app, crm, 'PUT', '/v1/case', body);
    const extra = { caseUid: body.caseUid, ...message({ messageUid: 'msg-003', text: 'Thank you! That fixed the issue.' }) };
    const added = await ingest(app, crm, 'POST', '/v1/case/messages', extra);
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ outcome: 'created', messagesAdded: 1, caseUid: body.caseUid });
    const again = await ingest(app, crm, 'POST', '/v1/case/messages', extra);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ outcome: 'unchanged', messagesAdded: 0 });
    expect((await getCase(app, crm, body.caseUid as string)).body.messages).toHaveLength(2);
  });

  it('moves a waiting ticket back to in progress when the customer writes', async () => {
    const body = caseBody({ status: 'pending' });
    await ingest(app, crm, 'PUT', '/v1/case', body);
    await ingest(app, crm, 'POST', '/v1/case/messages', { caseUid: body.caseUid, ...message() });
    const row = await app.db('cases').where({ case_uid: body.caseUid as string }).first();
    expect(row.status).toBe('in_progress');
    const moves = await app.db('case_history').where({ case_id: row.id, field: 'status' }).select('from_value', 'to_value');
    expect(moves).toEqual([{ from_value: 'waiting', to_value: 'in_progress' }]);
  });

  it('refuses a message without its caseUid', async () => {
    const response = await ingest(app, crm, 'POST', '/v1/case/messages', message());
    expect(response.status).toBe(400);
    expect((await errorBody(response)).errors).toEqual({ caseUid: ['is required'] });
  });
});

describe('PATCH /v1/case/{caseUid}', () => {
  async function seeded(overrides: Record<string, unknown> = {}) {
    const body = caseBody(overrides);
    await ingest(app, crm, 'PUT', '/v1/case', body);
    return body.caseUid as string;
  }
  const patch = (caseUid: string, body: unknown) => ingest(app, crm, 'PATCH', `/v1/case/${encodeURIComponent(caseUid)}`, body);

  it('answers 404 for an unknown case', async () => {
    const response = await patch(uid(), { status: 'resolved' });
    expect(response.status).toBe(404);
    expect((await errorBody(response)).code).toBe('NOT_FOUND');
  });

  it('changes only the fields present and merges custom fields by name (the seed example)', async () => {
    const caseUid = await seeded();
    const response = await patch(caseUid, {
      status: 'resolved',
      updated: '2024-01-15T13:00:00Z',
      customFields: [
        { name: 'resolutionTime', value: '3 hours' },
        { name: 'satisfaction', value: '5' },
      ],
      onlyUpdateCustomFields: false,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ outcome: 'updated' });
    const { body: stored } = await getCase(app, crm, caseUid);
    expect(stored).toMatchObject({
      status: 'resolved',
      subject: 'Customer Support Request',
      inbox: 'support@company.com',
      tags: ['support', 'urgent'],
      updated: '2024-01-15T13:00:00.000000Z',
      ticket: expect.objectContaining({ status: 'resolved' }),
    });
    expect(stored.customFields).toEqual([
      { name: 'customerType', value: 'premium' },
      { name: 'productVersion', value: '2.1.0' },
      { name: 'resolutionTime', value: '3 hours' },
      { name: 'satisfaction', value: '5' },
    ]);
  });

  it('with onlyUpdateCustomFields touches custom fields alone', async () => {
    const caseUid = await seeded();
    await patch(caseUid, { subject: 'ignored', status: 'closed', tags: [], customFields: [{ name: 'customerType', value: 'gold' }], onlyUpdateCustomFields: true });
    const { body: stored } = await getCase(app, crm, caseUid);
    expect(stored).toMatchObject({ subject: 'Customer Support Request', status: 'open', tags: ['support', 'urgent'] });
    expect(stored.customFields).toContainEqual({ name: 'customerType', value: 'gold' });
  });

  it('refuses a merge that would leave more than 10 custom fields, and changes nothing', async () => {
    const caseUid = await seeded({ customFields: Array.from({ length: 9 }, (_, i) => ({ name: `f${i}`, value: 'v' })) });
    const response = await patch(caseUid, { subject: 'new', customFields: [{ name: 'x1', value: '1' }, { name: 'x2', value: '2' }] });
    expect(response.status).toBe(400);
    expect((await errorBody(response)).errors).toEqual({
      customFields: ['would leave 11 custom fields on the case; at most 10 are allowed'],
    });
    const { body: stored } = await getCase(app, crm, caseUid);
    expect(stored.subject).toBe('Customer Support Request');
    expect(stored.customFields).toHaveLength(9);
    // Replacing an existing name does not count twice.
    expect((await patch(caseUid, { customFields: [{ name: 'f0', value: 'w' }, { name: 'x1', value: '1' }] })).status).toBe(200);
  });

  it('answers an older update with outcome stale and changes nothing', async () => {
    const caseUid = await seeded({ updated: '2024-01-15T12:00:00Z' });
    const response = await patch(caseUid, { subject: 'old news', updated: '2024-01-15T11:59:59.999Z' });
    expect(await response.json()).toMatchObject({ outcome: 'stale' });
    expect((await getCase(app, crm, caseUid)).body.subject).toBe('Customer Support Request');
  });

  it('clears inbox, status and tags when they are sent as null', async () => {
    const caseUid = await seeded();
    await patch(caseUid, { inbox: null, status: null, tags: null });
    const { body: stored } = await getCase(app, crm, caseUid);
    expect(stored).toMatchObject({ inbox: null, status: null, tags: [] });
  });

  it('answers an empty patch 200 unchanged', async () => {
    const caseUid = await seeded();
    const response = await patch(caseUid, {});
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ outcome: 'unchanged' });
  });

  it('moves the SLA deadlines when the priority changes', async () => {
    const caseUid = await seeded({ priority: 'low' });
    await patch(caseUid, { priority: 'urgent' });
    const row = await app.db('cases').where({ case_uid: caseUid }).first();
    expect(row).toMatchObject({ priority: 'urgent', first_response_due_at: '2024-01-15 12:00:00.000', resolution_due_at: '2024-01-16 10:00:00.000' });
  });

  it.each([
    [{ subject: '  ' }, 'subject'],
    [{ updated: 'soon' }, 'updated'],
    [{ customFields: [{ name: 'a b', value: 'x' }] }, 'customFields.0.name'],
    [{ tags: [' '] }, 'tags.0'],
    [{ onlyUpdateCustomFields: 'yes' }, 'onlyUpdateCustomFields'],
  ])('refuses %j', async (body, field) => {
    const caseUid = await seeded();
    const response = await patch(caseUid, body);
    expect(response.status).toBe(400);
    expect(Object.keys((await errorBody(response)).errors ?? {})).toContain(field);
  });
});

describe('GET /v1/case/{caseUid}', () => {
  it('answers 404 for an unknown case', async () => {
    const response = await ingest(app, crm, 'GET', `/v1/case/${uid()}`);
    expect(response.status).toBe(404);
  });

  it('never shows the support team internal notes', async () => {
    const body = caseBody();
    await ingest(app, crm, 'PUT', '/v1/case', body);
    const row = await app.db('cases').where({ case_uid: body.caseUid as string }).first();
    await app.db('messages').insert({
      case_id: row.id,
      uuid: '00000000-0000-4000-8000-00000000abcd',
      direction: 'outbound',
      visibility: 'internal',
      content: 'internal: customer is difficult',
      created_at: '2024-01-15 10:30:00.000',
      received_at: '2024-01-15 10:30:00.000',
    });
    const { body: stored } = await getCase(app, crm, body.caseUid as string);
    expect(JSON.stringify(stored)).not.toContain('difficult');
    expect(stored.messages).toHaveLength(1);
  });
});
