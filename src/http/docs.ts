import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type Router from '@koa/router';
import { projectRoot } from '../paths.js';

// swagger-ui-dist ships the UI's files; they are served from here, never from a CDN.
const swaggerDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const DOCS_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Casehub API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

// A file, not an inline script, so the page's policy can forbid inline scripts.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.yaml',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
`;

/** GET /openapi.yaml, the JSON Schemas it refers to, and the Swagger UI at GET /docs. */
export function registerDocsRoutes(router: Router): void {
  const spec = fs.readFileSync(path.join(projectRoot, 'openapi.yaml'));
  const schemaDir = path.join(projectRoot, 'schemas');
  const schemas = new Map(
    fs
      .readdirSync(schemaDir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => [file, fs.readFileSync(path.join(schemaDir, file))]),
  );

  // openapi.yaml refers to the very files Ajv validates with (`./schemas/x.json`).
  router.get('/schemas/:file', (ctx) => {
    const schema = schemas.get(ctx.params.file ?? '');
    if (schema === undefined) return;
    ctx.type = 'application/schema+json';
    ctx.body = schema;
  });

  router.get('/openapi.yaml', (ctx) => {
    ctx.type = 'application/yaml; charset=utf-8';
    ctx.body = spec;
  });

  router.get('/docs', (ctx) => {
    ctx.set('Content-Security-Policy', DOCS_POLICY);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAGE;
  });

  router.get('/docs/:asset', (ctx) => {
    const asset = ctx.params.asset ?? '';
    if (asset === 'init.js') {
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.body = INIT;
      return;
    }
    const type = ASSETS[asset];
    if (type === undefined) return; // falls through to the 404 JSON
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = fs.createReadStream(path.join(swaggerDir, asset));
  });
}
