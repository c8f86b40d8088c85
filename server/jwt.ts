/** HS256 JWTs, signed and verified with the backend's dev secret (as Supabase's legacy JWT secret). */
import { SignJWT, jwtVerify, errors } from 'jose';
import type { Claims } from './db.ts';

export type VerifyResult =
  | { ok: true; claims: Claims & { exp: number } }
  | { ok: false; reason: 'expired' | 'malformed' | 'signature' | 'claims'; message: string; expiredSecondsAgo?: number };

const enc = (secret: string) => new TextEncoder().encode(secret);

export async function signJwt(
  secret: string,
  claims: Record<string, unknown>,
  ttlSeconds: number,
  issuedAt = Math.floor(Date.now() / 1000),
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(enc(secret));
}

/** Verifies signature and expiry; returns Supabase-style failure reasons instead of throwing. */
export async function verifyJwt(secret: string, token: string | null | undefined): Promise<VerifyResult> {
  if (!token || token.split('.').length !== 3) return { ok: false, reason: 'malformed', message: 'The token provided is not a valid JWT' };
  try {
    const { payload } = await jwtVerify(token, enc(secret), { algorithms: ['HS256'], clockTolerance: 0 });
    if (typeof payload.role !== 'string' || typeof payload.exp !== 'number') {
      return { ok: false, reason: 'claims', message: 'Fields `role` and `exp` are required in JWT' };
    }
    return { ok: true, claims: payload as Claims & { exp: number } };
  } catch (err) {
    if (err instanceof errors.JWTExpired) {
      const exp = Number((err.payload as { exp?: number }).exp ?? 0);
      const ago = Math.max(0, Math.floor(Date.now() / 1000) - exp);
      return { ok: false, reason: 'expired', message: `Token has expired ${ago} seconds ago`, expiredSecondsAgo: ago };
    }
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      return { ok: false, reason: 'signature', message: 'Failed to validate JWT signature' };
    }
    return { ok: false, reason: 'malformed', message: 'The token provided is not a valid JWT' };
  }
}
