import { randomBytes } from 'node:crypto';
import { createIntegration } from '../../src/integrations/service.js';
import { startTestApp, type TestApp } from './app.js';

export interface TestIntegration {
  id: string;
  rowId: number;
  name: string;
  key: string;
}

export async function newIntegration(app: TestApp, name = `crm-${randomBytes(3).toString('hex')}`): Promise<TestIntegration> {
  const created = await createIntegration(app.db, name);
  const row = await app.db('integrations').where({ uuid: created.id }).first<{ id: number }>('id');
  return { id: created.id, rowId: Number(row!.id), name, key: created.api_key };
}

export function uid(prefix = 'case'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** The seed's message example, with a fresh messageUid unless one is given. */
export function message(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    messageUid: uid('msg'),
    created: '2024-01-15T10:00:00Z',
    type: 'email',
    direction: 'Inbound',
    from: { name: 'John Customer', email: 'john@customer.com', id: 'cust-123' },
    to: [{ name: 'Support Team', email: 'support@company.com', id: 'support-team' }],
    subject: 'Help with login issues',
    text: "I'm having trouble logging into my account...",
    attachments: ['screenshot-login-error.png'],
    ...overrides,
  };
}

/** The seed's `PUT /v1/case` example, with a fresh caseUid unless one is given. */
export function caseBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    caseUid: uid(),
    source: 'email-system',
    created: '2024-01-15T10:00:00Z',
    updated: '2024-01-15T10:00:00Z',
    subject: 'Customer Support Request',
    inbox: 'support@company.com',
    status: 'open',
    tags: ['support', 'urgent'],
    customFields: [
      { name: 'customerType', value: 'premium' },
      { name: 'productVersion', value: '2.1.0' },
    ],
    messages: [message({ messageUid: 'msg-001' })],
    ...overrides,
  };
}

/** Sends an ingest request as the integration, with its key as a Bearer token. */
export function ingest(
  app: TestApp,
  integration: Pick<TestIntegration, 'key'>,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return app.request(path, {
    method,
    headers: { Authorization: `Bearer ${integration.key}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
}

export async function getCase(app: TestApp, integration: Pick<TestIntegration, 'key'>, caseUid: string) {
  const response = await ingest(app, integration, 'GET', `/v1/case/${encodeURIComponent(caseUid)}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { messages: Array<Record<string, unknown>> } };
}

export interface IngestContext {
  app: TestApp;
  crm: TestIntegration;
}

/**
 * For a file or describe block: starts the app with one integration before its tests and
 * closes it after them, handing both to `ready`.
 */
export function withIngestApp(ready: (context: IngestContext) => void, env: Record<string, string> = {}): void {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp({ env });
    ready({ app, crm: await newIntegration(app) });
  });
  afterAll(() => app?.close());
}
