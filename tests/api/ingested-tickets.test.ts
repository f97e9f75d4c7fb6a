import type { TestApp } from '../helpers/app.js';
import { caseBody, getCase, ingest, type TestIntegration, withIngestApp } from '../helpers/ingest.js';
import { call, listTickets, type Ticket } from '../helpers/tickets.js';
import { signIn } from '../helpers/users.js';

let app: TestApp;
let crm: TestIntegration;
withIngestApp((started) => ({ app, crm } = started));

describe('tickets created by ingest', () => {
  it('are the same tickets: listed, worked, and seen by the integration as worked', async () => {
    const body = caseBody({ subject: 'Pushed by the CRM', tags: ['vip'] });
    const pushed = (await (await ingest(app, crm, 'PUT', '/v1/case', body)).json()) as { id: string; number: string };
    const [admin, agent] = [await signIn(app, 'admin'), await signIn(app, 'agent')];

    const page = await listTickets(app, admin, `?source=${encodeURIComponent(crm.name)}&tag=VIP`);
    expect(page.items.map((t) => t.id)).toEqual([pushed.id]);
    const ticket = (await (await call(app, agent, 'GET', `/tickets/${pushed.number}`)).json()) as Ticket & { case_uid: string };
    expect(ticket).toMatchObject({ subject: 'Pushed by the CRM', source: crm.name, case_uid: body.caseUid, customer_email: 'john@customer.com' });

    await call(app, agent, 'POST', `/tickets/${pushed.id}/assign`, { agent_id: agent.user.uuid });
    await call(app, agent, 'POST', `/tickets/${pushed.id}/messages`, { content: 'internal remark', visibility: 'internal' });
    const seen = (await getCase(app, crm, body.caseUid as string)).body as { ticket: { status: string; assignee_id: string }; messages: unknown[] };
    expect(seen.ticket).toMatchObject({ status: 'assigned', assignee_id: agent.user.uuid });
    // Internal notes of the support team stay out of the integration's view.
    expect(seen.messages).toHaveLength((body.messages as unknown[]).length);
  });
});
