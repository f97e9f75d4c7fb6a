import { createHash, randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { UnauthorizedError } from '../errors.js';
import type { UserRole } from '../users/repository.js';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_DAYS = 30;
const ISSUER = 'casehub';

export interface AccessClaims {
  /** The user's public UUID. */
  sub: string;
  role: UserRole;
}

export interface TokenSigner {
  signAccess(claims: AccessClaims): Promise<string>;
  verifyAccess(token: string): Promise<AccessClaims>;
}

/** HS256 only: a token naming any other algorithm (`none` included) is refused. */
export function createTokenSigner(secret: string): TokenSigner {
  // Imported once: given the raw bytes, jose imports the key again for every token it checks,
  // and every request checks one.
  const key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  return {
    signAccess: async (claims) =>
      new SignJWT({ role: claims.role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
        .sign(await key),
    async verifyAccess(token) {
      try {
        const { payload } = await jwtVerify(token, await key, { algorithms: ['HS256'], issuer: ISSUER });
        if (typeof payload.sub !== 'string' || typeof payload.role !== 'string') throw new UnauthorizedError('Invalid token');
        return { sub: payload.sub, role: payload.role as UserRole };
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) throw new UnauthorizedError('Token expired');
        throw new UnauthorizedError('Invalid token');
      }
    },
  };
}

/** An opaque refresh token; only its SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
