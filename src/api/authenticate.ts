import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import type { TokenSigner } from '../auth/tokens.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { activeUser } from '../users/active-users.js';
import type { UserRole } from '../users/repository.js';

export interface CurrentUser {
  id: number;
  uuid: string;
  role: UserRole;
  email: string | null;
}

declare module 'koa' {
  interface DefaultState {
    /** Set by `authenticate` for every route behind it. */
    user: CurrentUser;
  }
}

/**
 * A valid access token for an active user, or 401. Deactivating a user cuts off their tokens at
 * once for writes, and for reads within a second (src/users/active-users.ts).
 */
export function authenticate(db: Knex, signer: TokenSigner): Middleware {
  return async (ctx, next) => {
    const match = /^Bearer ([^\s]+)$/i.exec(ctx.get('Authorization'));
    if (!match) throw new UnauthorizedError('A Bearer access token is required');
    const claims = await signer.verifyAccess(match[1]!);
    const user = await activeUser(db, claims.sub, ctx.method === 'GET' || ctx.method === 'HEAD');
    if (!user) throw new UnauthorizedError('Invalid token');
    ctx.state.user = { id: user.id, uuid: user.uuid, role: user.role, email: user.email };
    await next();
  };
}

export function requireRole(...roles: UserRole[]): Middleware {
  return async (ctx, next) => {
    if (!roles.includes(ctx.state.user.role)) throw new ForbiddenError(`Requires the ${roles.join(' or ')} role`);
    await next();
  };
}
