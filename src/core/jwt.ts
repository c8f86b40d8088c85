/** Reading (never verifying) the claims of a JWT: the user id (`sub`) and the expiry (`exp`). */

export interface JwtClaims {
  sub?: string;
  exp?: number;
  role?: string;
  [claim: string]: unknown;
}

function base64UrlDecode(part: string): string {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  const bin = atob(padded);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

/** The payload of a JWT, or null when the string is not a JWT (e.g. an `sb_publishable_…` key). */
export function decodeJwt(token: string | null | undefined): JwtClaims | null {
  if (!token) return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(base64UrlDecode(parts[1]));
    return claims && typeof claims === 'object' ? (claims as JwtClaims) : null;
  } catch {
    return null;
  }
}

/** Epoch ms at which the token expires, or null when unknown. */
export function tokenExpiry(token: string | null | undefined): number | null {
  const exp = decodeJwt(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : null;
}

/**
 * When the token was issued (epoch ms), read as a time of the project's servers, or null: only for
 * a token Supabase Auth issued (`iss` an address ending in `/auth/v1`). Another issuer's clock
 * (Clerk, Auth0, Firebase, a token server of the page's own) is not the server's: one running
 * seconds fast would make on-time changes read as late (QA48 F1).
 */
export function supabaseAuthIssuedAt(token: string | null | undefined): number | null {
  const { iat, iss } = decodeJwt(token) ?? {};
  return typeof iat === 'number' && /^https?:.*\/auth\/v1\/?$/.test(String(iss)) ? iat * 1000 : null;
}

/** The signed-in user's id: `sub` of an authenticated token (anon/service keys have none). */
export function tokenUserId(token: string | null | undefined): string | null {
  const claims = decodeJwt(token);
  return typeof claims?.sub === 'string' && claims.sub ? claims.sub : null;
}

/** Why a token that is not a JWT is refused (the error's message). */
export const NOT_A_JWT = "The access token is not a JWT (a Supabase session's access_token has three dot-separated parts).";

/** Whether `token` is given but is neither a JWT nor a Supabase API key (`sb_…`): the server will refuse it. */
export function isNotJwt(token: string | null | undefined): token is string {
  return !!token && !token.startsWith('sb_') && !decodeJwt(token);
}

/**
 * `key` unless it is a secret key — a `service_role` JWT or an `sb_secret_…` key: it bypasses Row
 * Level Security, so a page holding it shows every user's rows (and puts it in the WebSocket URL) —
 * or has a space, line break or other control character inside (copied from wrapped text: no
 * request header can carry it). Throws, naming `what` was given (never the key), for such a key.
 */
export function refuseKey<T>(key: T, what = 'The access token'): T {
  if (typeof key === 'string' && (key.startsWith('sb_secret_') || decodeJwt(key)?.role === 'service_role')) {
    throw new Error(`${what} is a secret (service_role) key: it bypasses Row Level Security and must never be in a web page. Give the anon (publishable) key, and a signed-in user's access token.`);
  }
  if (typeof key === 'string' && /[\s\0-\x1f\x7f]/.test(key.trim())) throw new Error(`${what} contains a line break or space: copy it again, in one piece.`);
  return (typeof key === 'string' ? key.trim() : key) as T;
}
