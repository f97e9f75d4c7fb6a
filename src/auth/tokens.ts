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

/** Most tokens whose good signature is remembered; past it the oldest is forgotten first. */
const VERIFIED_TOKENS = 10_000;

/**
 * Access tokens whose signature was found good, with their claims, until they expire: a client
 * sends the same token with every request for a quarter of an hour, and checking its HMAC
 * again (a job on libuv's thread pool through WebCrypto) was 6 % of a busy server's time.
 * Only tokens that passed the full check are kept, so a remembered answer is the one a new
 * check would give, up to the expiry, which is checked again on every use.
 */
class VerifiedTokens {
  private readonly tokens = new Map<string, { claims: AccessClaims; expiresMs: number }>();

  recall(token: string): AccessClaims | undefined {
    const entry = this.tokens.get(token);
    if (entry && entry.expiresMs > Date.now()) return entry.claims;
    if (entry) this.tokens.delete(token);
    return undefined;
  }

  remember(token: string, claims: AccessClaims, expiresSeconds: number): void {
    if (this.tokens.size >= VERIFIED_TOKENS) this.tokens.delete(this.tokens.keys().next().value!);
    this.tokens.set(token, { claims, expiresMs: expiresSeconds * 1000 });
  }
}

/** HS256 only: a token naming any other algorithm (`none` included) is refused. */
export function createTokenSigner(secret: string): TokenSigner {
  const verified = new VerifiedTokens();
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
      const known = verified.recall(token);
      if (known) return known;
      try {
        const { payload } = await jwtVerify(token, await key, { algorithms: ['HS256'], issuer: ISSUER, requiredClaims: ['exp'] });
        if (typeof payload.sub !== 'string' || typeof payload.role !== 'string') throw new UnauthorizedError('Invalid token');
        const claims = { sub: payload.sub, role: payload.role as UserRole };
        verified.remember(token, claims, payload.exp!);
        return claims;
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
