import type { TestApp } from '../helpers/app.js';
import { caseBody, getCase, ingest, message, uid, type TestIntegration, withIngestApp } from '../helpers/ingest.js';
import { errorBody } from '../helpers/json.js';

let app: TestApp;
let crm: TestIntegration;
withIngestApp((started) => ({ app, crm } = started));

const put = (body: unknown) => ingest(app, crm, 'PUT', '/v1/case', body);

describe('PUT /v1/case', () => {
  it('creates the seed example: 201, outcome created, a ticket number, and it reads back as sent', async () => {
    const body = caseBody();
    const response = await put(body);
    expect(response.status).toBe(201);
    const answer = (await response.json()) as Record<string, unknown>;
    expect(answer).toEqual({
      outcome: 'created',
      caseUid: body.caseUid,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      number: expect.stringMatching(/^TICK-\d{8}-\d{4}$/),
      messagesAdded: 1,
    });

    const { status, body: stored } = await getCase(app, crm, body.caseUid as string);
    expect(status).toBe(200);
    expect(stored).toMatchObject({
      caseUid: body.caseUid,
      source: 'email-system',
      created: '2024-01-15T10:00:00.000Z',
      updated: '2024-01-15T10:00:00.000000Z',
      subject: 'Customer Support Request',
      inbox: 'support@company.com',
      status: 'open',
      priority: null,
      tags: ['support', 'urgent'],
      customFields: [
        { name: 'customerType', value: 'premium' },
        { name: 'productVersion', value: '2.1.0' },
      ],
      id: answer.id,
      number: answer.number,
      // No category and no priority came in: the classifier read "trouble logging into my account".
      ticket: { status: 'open', priority: 'medium', category: 'technical', assignee_id: null },
    });
    expect(stored.messages).toEqual([
      {
        messageUid: 'msg-001',
        created: '2024-01-15T10:00:00.000Z',
        type: 'email',
        direction: 'Inbound',
        from: { name: 'John Customer', email: 'john@customer.com', id: 'cust-123' },
        to: [{ name: 'Support Team', email: 'support@company.com', id: 'support-team' }],
        subject: 'Help with login issues',
        text: "I'm having trouble logging into my account...",
        attachments: ['screenshot-login-error.png'],
      },
    ]);
  });

  it('makes the inbound sender a customer, sets SLA deadlines from created, and records the creation', async () => {
    const body = caseBody({ priority: 'high', messages: [message({ from: { name: 'Ada Q. Lovelace', email: 'Ada@Example.org', id: 'a1' } })] });
    await put(body);
    const row = await app.db('cases').where({ case_uid: body.caseUid as string }).first();
    const customer = await app.db('users').where({ id: row.customer_id }).first();
    expect(customer).toMatchObject({ role: 'customer', email: 'ada@example.org', first_name: 'Ada', last_name: 'Q. Lovelace', password_hash: null });
    expect(row).toMatchObject({
      priority: 'high',
      external_priority: 'high',
      created_at: '2024-01-15 10:00:00.000',
      first_response_due_at: '2024-01-15 14:00:00.000',
      resolution_due_at: '2024-01-17 10:00:00.000',
      source: crm.name,
    });
    const history = await app.db('case_history').where({ case_id: row.id }).select('field', 'to_value', 'actor_type', 'note');
    // Created in 2024, so both SLA clocks were breached before it arrived: recorded at once.
    expect(history).toEqual([
      { field: 'created', to_value: 'open', actor_type: 'integration', note: crm.name },
      { field: 'sla_first_response', to_value: 'breached', actor_type: 'system', note: crm.name },
      { field: 'sla_resolution', to_value: 'breached', actor_type: 'system', note: crm.name },
    ]);

    // The same sender on another case is the same customer.
    const again = caseBody({ messages: [message({ from: { name: 'Ada', email: 'ada@example.org', id: 'a1' } })] });
    await put(again);
    const second = await app.db('cases').where({ case_uid: again.caseUid as string }).first();
    expect(second.customer_id).toBe(row.customer_id);
  });

  it('is safe to retry: the same body again is 200 unchanged and stores nothing twice', async () => {
    const body = caseBody();
    expect((await put(body)).status).toBe(201);
    const retry = await put(body);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ outcome: 'unchanged', messagesAdded: 0 });
    const { body: stored } = await getCase(app, crm, body.caseUid as string);
    expect(stored.messages).toHaveLength(1);
    expect(await app.db('cases').where({ case_uid: body.caseUid as string }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('overwrites every case field, tags and custom fields with a newer update, and keeps messages it does not list', async () => {
    const body = caseBody();
    await put(body);
    const newer = {
      ...body,
      updated: '2024-01-15T11:00:00Z',
      subject: 'Login fixed?',
      inbox: null,
      status: 'in-progress',
      tags: ['followup'],
      customFields: [{ name: 'customerType', value: 'standard' }],
      messages: [message({ messageUid: 'msg-002', created: '2024-01-15T11:00:00Z', direction: 'Outbound' })],
    };
    const response = await put(newer);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ outcome: 'updated', messagesAdded: 1 });
    const { body: stored } = await getCase(app, crm, body.caseUid as string);
    expect(stored).toMatchObject({
      subject: 'Login fixed?',
      inbox: null,
      status: 'in-progress',
      tags: ['followup'],
      customFields: [{ name: 'customerType', value: 'standard' }],
      ticket: expect.objectContaining({ status: 'in_progress' }),
    });
    expect(stored.messages.map((m) => m.messageUid)).toEqual(['msg-001', 'msg-002']);
    const row = await app.db('cases').where({ case_uid: body.caseUid as string }).first();
    // The outbound reply is the first response.
    expect(row.first_response_at).toBe('2024-01-15 11:00:00.000');
  });

  it('reads custom fields ordered by name; the same fields in another order are unchanged, one new value is an update', async () => {
    const fields = [
      { name: 'zone', value: 'eu' },
      { name: 'Plan', value: 'pro' },
      { name: 'account', value: 'say "hi" \\ 🚀' },
    ];
    const body = caseBody({ customFields: fields });
    expect((await put(body)).status).toBe(201);
    const byName = [fields[1], fields[2], fields[0]];
    expect((await getCase(app, crm, body.caseUid as string)).body.customFields).toEqual(byName);

    const reordered = await put({ ...body, customFields: [...fields].reverse() });
    expect(await reordered.json()).toMatchObject({ outcome: 'unchanged' });
    const changed = await put({ ...body, customFields: [{ name: 'zone', value: 'us' }, ...fields.slice(1)] });
    expect(await changed.json()).toMatchObject({ outcome: 'updated' });
    expect((await getCase(app, crm, body.caseUid as string)).body.customFields).toEqual([fields[1], fields[2], { name: 'zone', value: 'us' }]);
    const cleared = await put({ ...body, customFields: [] });
    expect(await cleared.json()).toMatchObject({ outcome: 'updated' });
    expect((await getCase(app, crm, body.caseUid as string)).body.customFields).toEqual([]);
  });

  it('answers an older update with outcome stale: no field changes, but its new messages still land', async () => {
    const body = caseBody({ updated: '2024-01-15T12:00:00.000002Z' });
    await put(body);
    const older = { ...body, updated: '2024-01-15T12:00:00.000001Z', subject: 'OLD subject', messages: [message({ messageUid: 'late' })] };
    const response = await put(older);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ outcome: 'stale', messagesAdded: 1 });
    const { body: stored } = await getCase(app, crm, body.caseUid as string);
    expect(stored.subject).toBe('Customer Support Request');
    expect(stored.updated).toBe('2024-01-15T12:00:00.000002Z');
    expect(stored.messages.map((m) => m.messageUid).sort()).toEqual(['late', 'msg-001']);
  });

  it('lets the later arrival win when `updated` is equal, compared across offsets', async () => {
    const body = caseBody({ updated: '2024-01-15T12:00:00+02:00' });
    await put(body);
    const sameInstant = { ...body, updated: '2024-01-15T10:00:00Z', subject: 'Second word' };
    const response = await put(sameInstant);
    expect(await response.json()).toMatchObject({ outcome: 'updated' });
    expect((await getCase(app, crm, body.caseUid as string)).body.subject).toBe('Second word');
  });

  it('stores HTML as plain text: tags removed, entities decoded, paragraphs as lines, script dropped', async () => {
    const body = caseBody({
      subject: 'Invoice &amp; <b>refund</b>',
      messages: [
        message({
          subject: '<i>Re:</i> 1 &lt; 2',
          text: '<p>Hello,</p><p>1 &lt; 2 &amp; 3 &gt; 2<br>thanks</p><script>steal()</script>',
        }),
      ],
    });
    await put(body);
    const { body: stored } = await getCase(app, crm, body.caseUid as string);
    expect(stored.subject).toBe('Invoice & refund');
    expect(stored.messages[0]).toMatchObject({ subject: 'Re: 1 < 2', text: 'Hello,\n\n1 < 2 & 3 > 2\nthanks' });
  });

  it('trims tags and drops case-insensitive duplicates, keeping the first spelling and order', async () => {
    const body = caseBody({ tags: ['  Billing ', 'vip', 'billing', 'VIP', 'Urgent'] });
    await put(body);
    expect((await getCase(app, crm, body.caseUid as string)).body.tags).toEqual(['Billing', 'vip', 'Urgent']);
  });

  it('keeps unknown extra properties, on the case and on messages', async () => {
    const body = caseBody({ channelRef: { id: 7 }, messages: [message({ sentiment: 0.4 })] });
    await put(body);
    const { body: stored } = await getCase(app, crm, body.caseUid as string);
    expect(stored.channelRef).toEqual({ id: 7 });
    expect(stored.messages[0]!.sentiment).toBe(0.4);
  });

  it('treats abc, ABC and "abc " as three different cases', async () => {
    const base = uid('x');
    for (const caseUid of [base, base.toUpperCase(), `${base} `]) {
      const response = await put(caseBody({ caseUid }));
      expect({ caseUid, status: response.status }).toEqual({ caseUid, status: 201 });
    }
    expect((await getCase(app, crm, `${base} `)).body.caseUid).toBe(`${base} `);
  });

  it('treats messageUids byte-exactly too', async () => {
    const body = caseBody({ messages: [message({ messageUid: 'm' }), message({ messageUid: 'M' }), message({ messageUid: 'm ' })] });
    expect(await (await put(body)).json()).toMatchObject({ messagesAdded: 3 });
  });

  it.each([
    ['new', 'open'],
    ['Pending', 'waiting'],
    ['in_progress', 'in_progress'],
    ['SOLVED', 'resolved'],
    ['closed', 'closed'],
    ['escalated', 'open'],
  ])('keeps status %j verbatim and works the ticket as %s', async (external, status) => {
    const body = caseBody({ status: external });
    await put(body);
    const { body: stored } = await getCase(app, crm, body.caseUid as string);
    expect(stored.status).toBe(external);
    expect(stored.ticket).toMatchObject({ status });
  });

  it.each([
    ['low', 'low'],
    ['Normal', 'medium'],
    ['high', 'high'],
    ['critical', 'urgent'],
    ['P1', 'medium'],
  ])('keeps priority %j verbatim and works the ticket as %s', async (external, priority) => {
    const body = caseBody({ priority: external });
    await put(body);
    const { body: stored } = await getCase(app, crm, body.caseUid as string);
    expect(stored.priority).toBe(external);
    expect(stored.ticket).toMatchObject({ priority });
  });
});

describe('PUT /v1/case validation', () => {
  async function rejected(body: unknown): Promise<Record<string, string[]>> {
    const response = await put(body);
    expect(response.status).toBe(400);
    const error = await errorBody(response);
    expect(error.code).toBe('VALIDATION_ERROR');
    return error.errors ?? {};
  }

  it('lists every failing field in one answer', async () => {
    const errors = await rejected({ caseUid: '  ', source: '', created: 'yesterday', subject: 42, messages: [] });
    expect(errors).toEqual({
      caseUid: ['must not be empty or whitespace'],
      source: ['must NOT have fewer than 1 characters', 'must not be empty or whitespace'],
      created: ['must be an RFC 3339 date-time with an offset'],
      updated: ['is required'],
      subject: ['must be string'],
      messages: ['must NOT have fewer than 1 items'],
    });
  });

  it.each([
    ['a time without an offset', { created: '2024-01-15T10:00:00' }, 'created'],
    ['an impossible date', { updated: '2024-02-30T10:00:00Z' }, 'updated'],
    ['a year before 1970', { created: '1969-12-31T23:59:59Z' }, 'created'],
    ['a whitespace subject', { subject: ' \t ' }, 'subject'],
    ['a null tag', { tags: ['ok', null] }, 'tags.1'],
    ['an empty tag', { tags: [''] }, 'tags.0'],
    ['a whitespace tag', { tags: ['  '] }, 'tags.0'],
    ['eleven custom fields', { customFields: Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, value: 'v' })) }, 'customFields'],
    ['a custom field name with a dash', { customFields: [{ name: 'bad-name', value: 'v' }] }, 'customFields.0.name'],
    ['a custom field value that is a number', { customFields: [{ name: 'n', value: 5 }] }, 'customFields.0.value'],
    ['the same custom field twice', { customFields: [{ name: 'a', value: '1' }, { name: 'a', value: '2' }] }, 'customFields.1.name'],
    ['no messages', { messages: undefined }, 'messages'],
    ['an unknown direction', { messages: [message({ direction: 'Sideways' })] }, 'messages.0.direction'],
    ['a message without from', { messages: [message({ from: undefined })] }, 'messages.0.from'],
    ['a message with a blank messageUid', { messages: [message({ messageUid: ' ' })] }, 'messages.0.messageUid'],
    ['a message time without an offset', { messages: [message({ created: '2024-01-15 10:00' })] }, 'messages.0.created'],
    ['a caseUid over 255 characters', { caseUid: 'c'.repeat(256) }, 'caseUid'],
  ])('refuses %s', async (_name, overrides, field) => {
    const errors = await rejected(caseBody(overrides));
    expect(Object.keys(errors)).toContain(field);
  });

  it('refuses a body that is not an object', async () => {
    expect(await rejected([caseBody()])).toEqual({ body: ['must be object'] });
  });
});
