import { startTestApp, type TestApp } from './app.js';
import { jsonRequest } from './json.js';
import { signIn, type SignedIn } from './users.js';

export interface Ticket {
  id: string;
  number: string;
  subject: string;
  description: string | null;
  status: string;
  priority: string;
  category: string | null;
  category_source: 'user' | 'auto' | null;
  priority_source: 'user' | 'auto' | null;
  classification_confidence: number | null;
  tags: string[];
  customer_id: string | null;
  customer_email: string | null;
  assignee_id: string | null;
  source: string;
  resolution_comment: string | null;
  created_at: string;
  first_response_due_at: string | null;
  resolution_due_at: string | null;
  resolved_at: string | null;
  sla_breached: { first_response: boolean; resolution: boolean };
  archived: boolean;
}

export interface TicketPage {
  total_exact: boolean;
  items: Ticket[];
  total: number;
  limit: number;
  offset: number;
  next_cursor: string | null;
}

/** A JSON call to /api/v1 as the signed-in user. */
export function call(app: TestApp, who: SignedIn, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init = body === undefined ? { method, headers: { ...who.auth, ...headers } } : jsonRequest(method, body, { ...who.auth, ...headers });
  return app.request(`/api/v1${path}`, init);
}

export async function openTicket(app: TestApp, who: SignedIn, body: Record<string, unknown> = {}): Promise<Ticket> {
  const response = await call(app, who, 'POST', '/tickets', { subject: 'Cannot log in', description: 'The reset mail never arrives', ...body });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Ticket;
}

export async function listTickets(app: TestApp, who: SignedIn, query = ''): Promise<TicketPage> {
  const response = await call(app, who, 'GET', `/tickets${query}`);
  if (response.status !== 200) throw new Error(`list failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as TicketPage;
}

export interface Cast {
  app: TestApp;
  admin: SignedIn;
  agent: SignedIn;
  customer: SignedIn;
}

/** A test file's own app with an admin, an agent and a customer signed in. */
export function withCast(ready: (cast: Cast) => void): void {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp();
    const [admin, agent, customer] = await Promise.all([signIn(app, 'admin'), signIn(app, 'agent'), signIn(app, 'customer')]);
    ready({ app, admin, agent, customer });
  });
  afterAll(() => app?.close());
}
