import type Router from '@koa/router';
import type { Knex } from 'knex';
import { login, logout, refresh } from '../auth/sessions.js';
import type { TokenSigner } from '../auth/tokens.js';
import { createAccount, userView, type NewAccount } from '../users/accounts.js';
import { findActiveUserById } from '../users/repository.js';
import { UnauthorizedError } from '../errors.js';
import { validate } from '../validation.js';
import { authenticate } from './authenticate.js';

interface LoginBody {
  email: string;
  password: string;
}

export function registerAuthRoutes(router: Router, db: Knex, signer: TokenSigner): void {
  router.post('/auth/register', async (ctx) => {
    const body = validate<NewAccount>('auth-register.json', ctx.request.body);
    ctx.status = 201;
    ctx.body = userView(await createAccount(db, 'customer', body));
  });

  router.post('/auth/login', async (ctx) => {
    const body = validate<LoginBody>('auth-login.json', ctx.request.body);
    ctx.body = await login(db, signer, { email: body.email, address: ctx.ip }, body.password);
  });

  router.post('/auth/refresh', async (ctx) => {
    const body = validate<{ refresh_token: string }>('auth-refresh.json', ctx.request.body);
    ctx.body = await refresh(db, signer, body.refresh_token);
  });

  router.post('/auth/logout', async (ctx) => {
    const body = validate<{ refresh_token: string }>('auth-refresh.json', ctx.request.body);
    await logout(db, body.refresh_token);
    ctx.status = 204;
  });

  router.get('/auth/me', authenticate(db, signer), async (ctx) => {
    // Read afresh: a user deactivated elsewhere a moment ago may still pass `authenticate` for reads.
    const user = await findActiveUserById(db, ctx.state.user.id);
    if (!user) throw new UnauthorizedError('Invalid token');
    ctx.body = userView(user);
  });
}
