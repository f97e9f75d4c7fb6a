import type { Middleware } from 'koa';

// The API answers JSON only; the Swagger UI page relaxes the policy for its own assets.
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Content-Security-Policy': API_POLICY,
    });
    ctx.remove('X-Powered-By');
    await next();
  };
}
