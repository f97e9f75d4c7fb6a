import { parse } from 'yaml';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { errorBody } from '../helpers/json.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(() => app.close());

describe('operational routes', () => {
  it('GET /health answers healthy with a current timestamp', async () => {
    const before = Date.now();
    const response = await app.request('/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { status: string; database: string; timestamp: string };
    expect(body).toEqual({ status: 'healthy', database: 'connected', timestamp: expect.any(String) });
    expect(Date.parse(body.timestamp)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('GET / redirects to /health', async () => {
    const response = await app.request('/', { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/health');
  });

  it('sets security headers on every answer, errors included', async () => {
    for (const path of ['/health', '/nowhere']) {
      const response = await app.request(path);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('GET /openapi.yaml serves the OpenAPI 3.1 document', async () => {
    const response = await app.request('/openapi.yaml');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/yaml/);
    const doc = parse(await response.text()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths).toHaveProperty('/health');
  });

  it('GET /schemas/<file> serves the JSON Schemas openapi.yaml refers to, and nothing else', async () => {
    const response = await app.request('/schemas/auth-login.json');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { $id: string }).$id).toBe('auth-login.json');
    expect((await app.request('/schemas/nope.json')).status).toBe(404);
    expect((await app.request('/schemas/..%2Fpackage.json')).status).toBe(404);
  });

  it('GET /docs serves Swagger UI from the app itself, with every asset it loads', async () => {
    const response = await app.request('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await response.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/docs\//); // no CDN
      const fetched = await app.request(asset);
      expect({ asset, status: fetched.status }).toEqual({ asset, status: 200 });
      expect((await fetched.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    expect(await (await app.request('/docs/init.js')).text()).toContain("url: '/openapi.yaml'");
  });

  it('GET /docs/<anything else> is a 404, not a file read', async () => {
    for (const path of ['/docs/package.json', '/docs/..%2F..%2Fpackage.json', '/docs/index.html']) {
      const response = await app.request(path);
      expect(response.status).toBe(404);
      expect((await errorBody(response)).code).toBe('NOT_FOUND');
    }
  });

  it('GET /dashboard serves the page and every script and style it loads from the app itself', async () => {
    const response = await app.request('/dashboard');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await response.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.sort()).toEqual(['/dashboard/chart.umd.js', '/dashboard/dashboard.css', '/dashboard/dashboard.js']);
    for (const asset of assets) {
      const fetched = await app.request(asset);
      expect({ asset, status: fetched.status }).toEqual({ asset, status: 200 });
      expect((await fetched.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    expect(await (await app.request('/dashboard/chart.umd.js')).text()).toContain('Chart');
  });

  it('GET /dashboard/<anything else> is a 404, not a file read', async () => {
    for (const path of ['/dashboard/index.html', '/dashboard/..%2F..%2Fpackage.json', '/dashboard/chart.cjs']) {
      const response = await app.request(path);
      expect(response.status).toBe(404);
      expect((await errorBody(response)).code).toBe('NOT_FOUND');
    }
  });

  it('GET /metrics counts requests by route pattern and status, and reports the pool', async () => {
    await app.request('/health');
    await app.request('/nowhere/42');
    const response = await app.request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/casehub_http_requests_total\{method="GET",route="\/health",status="200"\} [1-9]/);
    expect(text).toMatch(/casehub_http_requests_total\{method="GET",route="unmatched",status="404"\} [1-9]/);
    expect(text).not.toContain('/nowhere/42');
    expect(text).toMatch(/casehub_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/health",status="200"\}/);
    expect(text).toMatch(/^casehub_db_pool_used \d+$/m);
    expect(text).toMatch(/^casehub_db_pool_free \d+$/m);
    expect(text).toMatch(/^casehub_db_pool_pending_acquires \d+$/m);
    expect(text).toContain('process_cpu_seconds_total');
  });
});
