/**
 * The floor the ingest benchmark measures Casehub against: a bare Koa route on mysql2 that reads
 * the same body, parses it, and writes it as one row with one INSERT … ON DUPLICATE KEY UPDATE.
 * No validation, no sanitising, no transaction: the least a service could do and still store it.
 */
import http from 'node:http';
import Koa from 'koa';
import mysql from 'mysql2/promise';
import getRawBody from 'raw-body';

const port = Number(process.env.PORT ?? 3902);
const url = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/casehub_bench');

const pool = mysql.createPool({
  host: url.hostname,
  port: Number(url.port || 3306),
  user: decodeURIComponent(url.username) || 'root',
  password: decodeURIComponent(url.password),
  database: url.pathname.slice(1),
  connectionLimit: Number(process.env.DB_POOL_MAX ?? 10),
  charset: 'utf8mb4',
});

await pool.query(`CREATE TABLE IF NOT EXISTS floor_cases (
  case_uid VARBINARY(255) PRIMARY KEY,
  body MEDIUMTEXT NOT NULL,
  updated_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.method !== 'PUT' || ctx.path !== '/v1/case') {
    ctx.status = ctx.path === '/health' ? 200 : 404;
    return;
  }
  const raw = await getRawBody(ctx.req, { limit: 5 * 1024 * 1024, encoding: 'utf8' });
  const body = JSON.parse(raw) as { caseUid: string };
  await pool.execute(
    'INSERT INTO floor_cases (case_uid, body, updated_at) VALUES (?, ?, NOW(3)) ON DUPLICATE KEY UPDATE body = VALUES(body), updated_at = VALUES(updated_at)',
    [body.caseUid, raw],
  );
  ctx.status = 201;
  ctx.body = { outcome: 'created', caseUid: body.caseUid };
});

const server = http.createServer(app.callback());
server.keepAliveTimeout = 5000;
server.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port })));
process.once('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
