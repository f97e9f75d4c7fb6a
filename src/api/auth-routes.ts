import type Router from '@koa/router';
import type { Knex } from 'knex';
import { login } from '../auth/login.js';
import type { TokenSigner } from '../auth/tokens.js';
import { validate } from '../validation.js';

interface LoginBody {
  email: string;
  password: string;
}

export function registerAuthRoutes(router: Router, db: Knex, signer: TokenSigner): void {
  router.post('/auth/login', async (ctx) => {
    const body = validate<LoginBody>('auth-login.json', ctx.request.body);
    ctx.body = await login(db, signer, body.email, body.password);
  });
}
