import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import { dialect } from '../helpers/dialect.js';
import { call, openTicket, withCast } from '../helpers/tickets.js';
import { TEST_PASSWORD, type SignedIn } from '../helpers/users.js';

/**
 * The dashboard page in headless Chromium (Debian's `chromium`; CHROMIUM_PATH to use another):
 * it signs in, and shows the figures and charts the report routes answer. A screenshot of each
 * run is kept in test-artifacts/.
 */

const BROWSER_TIMEOUT = 60_000;

let app: TestApp;
let admin: SignedIn;
let agent: SignedIn;
let customer: SignedIn;
withCast((cast) => ({ app, admin, agent, customer } = cast));

const ZONE = 'Europe/Copenhagen';
const ARTIFACTS = path.resolve('test-artifacts');
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Root in a container needs --no-sandbox; the rest keeps Chromium off the (closed) network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const open = await openTicket(app, admin, { subject: 'Printer on fire', priority: 'urgent', category: 'technical', customer_email: customer.user.email });
  await call(app, admin, 'POST', `/tickets/${open.id}/assign`, { agent_id: agent.user.uuid });
  const answered = await openTicket(app, admin, { subject: 'Invoice twice', priority: 'low', category: 'billing', customer_email: customer.user.email });
  await call(app, admin, 'POST', `/tickets/${answered.id}/assign`, { agent_id: agent.user.uuid });
  await call(app, agent, 'POST', `/tickets/${answered.id}/messages`, { content: 'Refunded', visibility: 'public' });
  await call(app, agent, 'PUT', `/tickets/${answered.id}/status`, { status: 'in_progress' });
  await call(app, agent, 'PUT', `/tickets/${answered.id}/status`, { status: 'resolved', resolution_comment: 'Refunded' });
  await openTicket(app, admin, { subject: 'Dark mode please', priority: 'medium', category: 'feature_request', customer_email: customer.user.email });
}, BROWSER_TIMEOUT);
afterAll(() => browser?.close());

/** A new page in the manager's time zone; any script error or refused resource fails the test. */
async function newPage(problems: string[]): Promise<Page> {
  const context = await browser.newContext({ timezoneId: ZONE, viewport: { width: 1280, height: 1400 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  return page;
}

async function signInOnPage(page: Page, who: SignedIn, password = TEST_PASSWORD): Promise<void> {
  await page.goto(`${app.baseUrl}/dashboard`);
  await page.fill('input[name=email]', who.user.email!);
  await page.fill('input[name=password]', password);
  await page.click('#login button[type=submit]');
}

const apiJson = async <T>(who: SignedIn, route: string): Promise<T> => (await (await call(app, who, 'GET', route)).json()) as T;
const figure = (page: Page, name: string) => page.textContent(`[data-figure="${name}"]`);
// Evaluated in the page, where Chart.js and the DOM are (this file is compiled without DOM types).
const chartData = (page: Page, id: string) => page.evaluate(`Chart.getChart(${JSON.stringify(id)}).data`) as Promise<{ labels: string[]; datasets: Array<{ data: number[] }> }>;

describe('the dashboard page', () => {
  it('signs an admin in and shows the numbers and charts the API gives', async () => {
    const problems: string[] = [];
    const page = await newPage(problems);
    await signInOnPage(page, admin);
    await page.waitForSelector('body[data-state=ready]');

    const dashboard = await apiJson<{ open: { total: number; unassigned: number; by_status: Record<string, number> }; created: { today: number }; resolved: { today: number } }>(
      admin,
      `/admin/dashboard?time_zone=${ZONE}`,
    );
    expect(dashboard.open.total).toBe(2);
    expect(await figure(page, 'open.total')).toBe(String(dashboard.open.total));
    expect(await figure(page, 'open.unassigned')).toBe(String(dashboard.open.unassigned));
    expect(await figure(page, 'created.today')).toBe(String(dashboard.created.today));
    expect(await figure(page, 'resolved.today')).toBe(String(dashboard.resolved.today));
    expect((await chartData(page, 'chart-status')).datasets[0]!.data).toEqual(Object.values(dashboard.open.by_status));

    // The page asks for the last 30 days in the browser's own time zone.
    const range = (await page.evaluate("Object.fromEntries(new FormData(document.querySelector('#range')))")) as Record<string, string>;
    expect(range.time_zone).toBe(ZONE);
    const tickets = await apiJson<{ totals: { created: number }; by_day: Array<{ date: string; created: number }> }>(admin, `/admin/reports/tickets?${new URLSearchParams(range)}`);
    expect(tickets.totals.created).toBe(3);
    expect(await figure(page, 'totals.created')).toBe('3');
    const volume = await chartData(page, 'chart-volume');
    expect(volume.labels).toEqual(tickets.by_day.map((day) => day.date));
    expect(volume.datasets[0]!.data).toEqual(tickets.by_day.map((day) => day.created));

    const agentRow = await page.textContent('#agent-rows');
    expect(agentRow).toContain('agent');
    expect(await page.locator('#agent-rows tr').count()).toBe((await apiJson<{ agents: unknown[] }>(admin, `/admin/reports/agents?${new URLSearchParams(range)}`)).agents.length);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${dialect}.png`), fullPage: true });
    expect(problems).toEqual([]);
  }, BROWSER_TIMEOUT);

  it('shows an agent their own row only, and a wrong password an error', async () => {
    const problems: string[] = [];
    const page = await newPage(problems);
    await signInOnPage(page, agent, 'not-the-password');
    await page.waitForSelector('#login-error:not(:empty)');
    expect(await page.isVisible('#overview')).toBe(false);

    await signInOnPage(page, agent);
    await page.waitForSelector('body[data-state=ready]');
    expect(await page.isVisible('#overview')).toBe(false);
    expect(await page.locator('#agent-rows tr').count()).toBe(1);
    expect(await page.textContent('#agent-rows tr td:nth-child(3)')).toBe('1');

    await page.click('#sign-out');
    expect(await page.isVisible('#login')).toBe(true);
    // Failed logins are logged by the browser as failed resources; nothing else may be.
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  }, BROWSER_TIMEOUT);
});
