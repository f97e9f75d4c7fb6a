// The dashboard page: signs in with the API's own login, then draws what the report routes
// answer. Plain script, no build step; Chart.js is served beside it by the app.
'use strict';

const API = '/api/v1';
const session = {
  get token() { return sessionStorage.getItem('casehub.access'); },
  get refresh() { return sessionStorage.getItem('casehub.refresh'); },
  save(tokens) {
    sessionStorage.setItem('casehub.access', tokens.access_token);
    sessionStorage.setItem('casehub.refresh', tokens.refresh_token);
  },
  clear() { sessionStorage.removeItem('casehub.access'); sessionStorage.removeItem('casehub.refresh'); },
};
const charts = new Map();
const $ = (selector) => document.querySelector(selector);

class SignedOut extends Error {}

async function refreshTokens() {
  if (!session.refresh) return false;
  const response = await fetch(`${API}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: session.refresh }) });
  if (!response.ok) return false;
  session.save(await response.json());
  return true;
}

/** A GET with the access token; one refresh when it has expired, else back to the sign-in form. */
async function api(path, accept = 'application/json') {
  for (let attempt = 0; attempt < 2; attempt++) {
    const response = await fetch(API + path, { headers: { authorization: `Bearer ${session.token}`, accept } });
    if (response.status === 401 && attempt === 0 && (await refreshTokens())) continue;
    if (response.status === 401) throw new SignedOut();
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(body.message ?? `${response.status} ${response.statusText}`);
    }
    return accept === 'text/csv' ? response.text() : response.json();
  }
  throw new SignedOut();
}

const get = (object, path) => path.split('.').reduce((value, key) => value?.[key], object);

function duration(minutes) {
  if (minutes === null || minutes === undefined) return '–';
  if (minutes < 1) return '< 1 min';
  if (minutes < 60) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${(minutes / 60).toFixed(1)} h`;
  return `${(minutes / 1440).toFixed(1)} d`;
}

/** Fills every `[data-figure]` inside `root` from the report's own fields. */
function fill(root, report) {
  for (const element of root.querySelectorAll('[data-figure]')) {
    const value = get(report, element.dataset.figure);
    element.textContent = element.dataset.unit === 'duration' ? duration(value) : String(value ?? '–');
  }
}

function chart(id, config) {
  charts.get(id)?.destroy();
  charts.set(id, new Chart(document.getElementById(id), { ...config, options: { maintainAspectRatio: false, animation: false, ...config.options } }));
}

const COLOURS = ['#3867d6', '#20bf6b', '#f7b731', '#eb3b5a', '#8854d0', '#0fb9b1', '#fa8231', '#778ca3'];
const label = (key) => key.replaceAll('_', ' ');

function bars(id, counts) {
  const keys = Object.keys(counts);
  chart(id, {
    type: 'bar',
    data: { labels: keys.map(label), datasets: [{ data: keys.map((k) => counts[k]), backgroundColor: COLOURS }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    td.textContent = cell;
    tr.append(td);
  }
  return tr;
}

/** The range form's fields: from, to and time_zone. */
const rangeFields = () => Object.fromEntries(new FormData($('#range')));
const rangeQuery = () => new URLSearchParams(rangeFields()).toString();

async function showOverview() {
  const dashboard = await api(`/admin/dashboard?${new URLSearchParams({ time_zone: rangeFields().time_zone })}`);
  fill($('#overview'), dashboard);
  bars('chart-status', dashboard.open.by_status);
  bars('chart-priority', dashboard.open.by_priority);
  chart('chart-category', {
    type: 'doughnut',
    data: { labels: Object.keys(dashboard.open.by_category).map(label), datasets: [{ data: Object.values(dashboard.open.by_category), backgroundColor: COLOURS }] },
  });
  $('#overview').hidden = false;
}

async function showVolume() {
  const report = await api(`/admin/reports/tickets?${rangeQuery()}`);
  fill($('#volume'), report);
  chart('chart-volume', {
    type: 'line',
    data: {
      labels: report.by_day.map((day) => day.date),
      datasets: [
        { label: 'Created', data: report.by_day.map((day) => day.created), borderColor: COLOURS[0], backgroundColor: COLOURS[0] },
        { label: 'Resolved', data: report.by_day.map((day) => day.resolved), borderColor: COLOURS[1], backgroundColor: COLOURS[1] },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  $('#volume').hidden = false;
}

async function showSla() {
  const report = await api(`/admin/reports/sla?${rangeQuery()}`);
  fill($('#sla'), report);
  chart('chart-sla', {
    type: 'bar',
    data: {
      labels: report.by_priority.map((p) => p.priority),
      datasets: [
        { label: 'First response met %', data: report.by_priority.map((p) => p.first_response.met_percent), backgroundColor: COLOURS[0] },
        { label: 'Resolution met %', data: report.by_priority.map((p) => p.resolution.met_percent), backgroundColor: COLOURS[1] },
      ],
    },
    options: { scales: { y: { beginAtZero: true, max: 100 } } },
  });
  const breached = (t) => [t.first_response_breached && 'first response', t.resolution_breached && 'resolution'].filter(Boolean).join(', ');
  $('#breached').replaceChildren(...report.breached_tickets.items.slice(0, 20).map((t) => row([t.number ?? t.id, t.subject, t.priority, label(t.status), breached(t), new Date(t.created_at).toLocaleString()])));
  $('#sla').hidden = false;
}

async function showAgents() {
  const report = await api(`/admin/reports/agents?${rangeQuery()}`);
  const percent = (value) => (value === null ? '–' : `${value} %`);
  $('#agent-rows').replaceChildren(
    ...report.agents.map((a) => row([a.name || a.email, a.assigned, a.resolved, a.open, duration(a.median_first_response_minutes), duration(a.median_resolution_minutes), percent(a.sla_met_percent)])),
  );
  $('#agents').hidden = false;
}

async function download(report) {
  const csv = await api(`/admin/reports/${report}?${rangeQuery()}`, 'text/csv');
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const { from, to } = rangeFields();
  link.download = `${report}-${from}-${to}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
}

function showError(error) {
  if (error instanceof SignedOut) return signOut();
  $('#error').textContent = error.message;
  $('#error').hidden = false;
}

/** Admins see everything; an agent sees their own row of the agents report. */
async function show() {
  $('#error').hidden = true;
  document.body.dataset.state = 'loading';
  try {
    const me = await api('/auth/me');
    if (me.role === 'customer') throw new Error('Reports are for support staff.');
    $('#login').hidden = true;
    $('#range').hidden = false;
    $('#sign-out').hidden = false;
    await Promise.all(me.role === 'admin' ? [showOverview(), showVolume(), showSla(), showAgents()] : [showAgents()]);
    document.body.dataset.state = 'ready';
  } catch (error) {
    document.body.dataset.state = 'error';
    showError(error);
  }
}

function signOut() {
  if (session.refresh) void fetch(`${API}/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: session.refresh }) });
  session.clear();
  for (const id of ['#range', '#sign-out', '#overview', '#volume', '#sla', '#agents']) $(id).hidden = true;
  $('#login').hidden = false;
  document.body.dataset.state = 'signed-out';
}

function defaultRange() {
  const form = $('#range');
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  form.elements.from.value = from;
  form.elements.to.value = today;
  form.elements.time_zone.value = zone;
}

$('#login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const response = await fetch(`${API}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: form.get('email'), password: form.get('password') }) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    $('#login-error').textContent = body.message ?? 'Could not sign in';
    return;
  }
  $('#login-error').textContent = '';
  session.save(body);
  await show();
});
$('#range').addEventListener('submit', (event) => {
  event.preventDefault();
  void show();
});
$('#sign-out').addEventListener('click', signOut);
for (const button of document.querySelectorAll('button.csv')) button.addEventListener('click', () => download(button.dataset.report).catch(showError));

defaultRange();
if (session.token) void show();
else signOut();
