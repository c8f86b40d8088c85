/**
 * The GoTrue (Supabase Auth) subset at /auth/v1/ that supabase-js uses for email + password:
 *
 *   POST /token?grant_type=password       email + password → session
 *   POST /token?grant_type=refresh_token  rotating refresh tokens (old one revoked; reuse ⇒ 400
 *                                         and the whole session is revoked, as GoTrue does)
 *   GET  /user, PUT /user (user_metadata `data`, password)
 *   POST /logout?scope=global|local|others → 204
 *   GET  /settings, /health, /.well-known/jwks.json; POST /signup → 422 signup_disabled
 *   POST /admin/users                     service_role only: create a user (supabase-js
 *                                         `auth.admin.createUser({ email, password, email_confirm })`)
 *
 * Users live in auth.users (scrypt hashes, server/passwords.ts); refresh tokens in
 * auth.refresh_tokens. A session is alive while it has an unrevoked refresh token.
 * Access tokens are HS256 JWTs with GoTrue's claims, valid for ctx.dev.tokenTtlSeconds
 * (changed by /__dev/token-ttl); expires_in always tells the truth.
 * Errors use GoTrue's shape: {"code":400,"error_code":"invalid_credentials","msg":"…"}.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { BackendContext } from './context.ts';
import type { Queryable } from './db.ts';
import { HttpError, readBody, sendJson } from './http-util.ts';
import { signJwt, verifyJwt } from './jwt.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

interface UserRow {
  id: string;
  email: string | null;
  encrypted_password: string | null;
  role: string;
  aud: string;
  app_metadata: string;
  user_metadata: string;
  email_confirmed_at: string | null;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
}

const ts = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const USER_COLUMNS = `id::text as id, email, encrypted_password, role, aud,
  raw_app_meta_data::text as app_metadata, raw_user_meta_data::text as user_metadata,
  ${ts('email_confirmed_at')} as email_confirmed_at, ${ts('last_sign_in_at')} as last_sign_in_at,
  ${ts('created_at')} as created_at, ${ts('updated_at')} as updated_at`;

/** GoTrue's error body. */
export function authError(status: number, errorCode: string, msg: string): HttpError {
  return new HttpError(status, { code: status, error_code: errorCode, msg });
}

function parseObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw authError(400, 'bad_json', `Could not parse request body as JSON: ${(err as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw authError(400, 'bad_json', 'Request body must be a JSON object');
  return body as Record<string, unknown>;
}

function userJson(u: UserRow): Record<string, unknown> {
  const appMetadata = JSON.parse(u.app_metadata) as Record<string, unknown>;
  const userMetadata = JSON.parse(u.user_metadata) as Record<string, unknown>;
  return {
    id: u.id,
    aud: u.aud,
    role: u.role,
    email: u.email ?? '',
    email_confirmed_at: u.email_confirmed_at ?? undefined,
    phone: '',
    confirmed_at: u.email_confirmed_at ?? undefined,
    last_sign_in_at: u.last_sign_in_at ?? undefined,
    app_metadata: appMetadata,
    user_metadata: userMetadata,
    identities: [
      {
        identity_id: u.id,
        id: u.id,
        user_id: u.id,
        identity_data: { email: u.email, email_verified: !!u.email_confirmed_at, phone_verified: false, sub: u.id },
        provider: 'email',
        last_sign_in_at: u.last_sign_in_at ?? u.created_at,
        created_at: u.created_at,
        updated_at: u.updated_at,
        email: u.email,
      },
    ],
    created_at: u.created_at,
    updated_at: u.updated_at,
    is_anonymous: false,
  };
}

// Verified against when the email is unknown, so both failures take the same time.
const DUMMY_HASH = hashPassword(randomBytes(12).toString('hex'));

export function createAuthHandler(ctx: BackendContext) {
  async function requireApiKey(req: IncomingMessage, url: URL): Promise<void> {
    const key = typeof req.headers.apikey === 'string' ? req.headers.apikey : url.searchParams.get('apikey');
    if (!key) throw new HttpError(401, { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' });
    const v = await verifyJwt(ctx.jwtSecret, key);
    if (!v.ok && v.reason !== 'expired') {
      throw new HttpError(401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
    }
  }

  async function loadUser(q: Queryable, where: 'id' | 'email', value: string): Promise<UserRow | undefined> {
    const cond = where === 'id' ? `id::text = $1` : `lower(email) = lower($1)`;
    const r = await q.query<UserRow>(`select ${USER_COLUMNS} from auth.users where ${cond}`, [value]);
    return r.rows[0];
  }

  async function issueSession(q: Queryable, user: UserRow, sessionId: string, req: IncomingMessage, method: string): Promise<Record<string, unknown>> {
    const refreshToken = randomBytes(18).toString('base64url');
    await q.query(`insert into auth.refresh_tokens (token, user_id, session_id) values ($1, $2, $3)`, [refreshToken, user.id, sessionId]);
    const ttl = ctx.dev.tokenTtlSeconds;
    const iat = Math.floor(Date.now() / 1000);
    const host = typeof req.headers.host === 'string' ? req.headers.host : '127.0.0.1';
    const appMetadata = JSON.parse(user.app_metadata) as Record<string, unknown>;
    const userMetadata = JSON.parse(user.user_metadata) as Record<string, unknown>;
    const accessToken = await signJwt(
      ctx.jwtSecret,
      {
        iss: `http://${host}/auth/v1`,
        sub: user.id,
        aud: user.aud,
        email: user.email ?? '',
        phone: '',
        app_metadata: appMetadata,
        user_metadata: userMetadata,
        role: user.role,
        aal: 'aal1',
        amr: [{ method, timestamp: iat }],
        session_id: sessionId,
        is_anonymous: false,
      },
      ttl,
      iat,
    );
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: ttl,
      expires_at: iat + ttl,
      refresh_token: refreshToken,
      user: userJson(user),
    };
  }

  /** GoTrue's admin API: the bearer token must be a valid service_role JWT (the service_role key). */
  async function requireServiceRole(req: IncomingMessage): Promise<void> {
    const header = req.headers.authorization ?? '';
    const token = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : '';
    const v = await verifyJwt(ctx.jwtSecret, token);
    if (!v.ok || v.claims.role !== 'service_role') throw authError(403, 'not_admin', 'User not allowed');
  }

  /** POST /admin/users: `{ email, password?, email_confirm?, user_metadata?, app_metadata?, id? }` → the user. */
  async function adminCreateUser(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await requireServiceRole(req);
    const body = parseObject(await readBody(req));
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw authError(400, 'validation_failed', 'Unable to validate email address: invalid format');
    const password = typeof body.password === 'string' ? body.password : null;
    if (password !== null && password.length < 6) throw authError(422, 'weak_password', 'Password should be at least 6 characters.');
    const id = typeof body.id === 'string' && /^[0-9a-f-]{36}$/i.test(body.id) ? body.id : randomUUID();
    const meta = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? JSON.stringify(v) : '{}');
    const user = await ctx.db.transaction(async (tx) => {
      if (await loadUser(tx, 'email', email)) throw authError(422, 'email_exists', 'A user with this email address has already been registered');
      await tx.query(
        `insert into auth.users (id, email, encrypted_password, raw_user_meta_data, raw_app_meta_data, email_confirmed_at)
         values ($1, $2, $3, $4::jsonb, '{"provider":"email","providers":["email"]}'::jsonb || $5::jsonb, ${body.email_confirm === true ? 'now()' : 'null'})`,
        [id, email, password === null ? null : hashPassword(password), meta(body.user_metadata), meta(body.app_metadata)],
      );
      return (await loadUser(tx, 'id', id))!;
    });
    sendJson(res, 200, userJson(user));
  }

  async function passwordGrant(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (!email) {
      if (typeof body.phone === 'string' && body.phone) throw authError(400, 'phone_provider_disabled', 'Phone logins are disabled');
      throw authError(400, 'validation_failed', 'missing email or phone');
    }
    if (!password) throw authError(400, 'validation_failed', 'missing password');
    const session = await ctx.db.transaction(async (tx) => {
      const user = await loadUser(tx, 'email', email);
      const ok = verifyPassword(password, user?.encrypted_password ?? DUMMY_HASH);
      if (!user || !ok) throw authError(400, 'invalid_credentials', 'Invalid login credentials');
      if (!user.email_confirmed_at) throw authError(400, 'email_not_confirmed', 'Email not confirmed');
      await tx.query(`update auth.users set last_sign_in_at = now() where id = $1`, [user.id]);
      const fresh = (await loadUser(tx, 'id', user.id))!;
      return issueSession(tx, fresh, randomUUID(), req, 'password');
    });
    sendJson(res, 200, session);
  }

  async function refreshGrant(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const token = typeof body.refresh_token === 'string' ? body.refresh_token : '';
    if (!token) throw authError(400, 'validation_failed', 'refresh_token required');
    const outcome = await ctx.db.transaction(async (tx) => {
      // Revoke-and-return in one statement: two concurrent refreshes cannot both win.
      const used = await tx.query<{ user_id: string; session_id: string }>(
        `update auth.refresh_tokens set revoked = true where token = $1 and not revoked returning user_id::text, session_id::text`,
        [token],
      );
      const row = used.rows[0];
      if (!row) {
        const old = await tx.query<{ session_id: string }>(`select session_id::text from auth.refresh_tokens where token = $1`, [token]);
        if (!old.rows[0]) return { error: authError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found') };
        // Reuse of a rotated token: treat the session as stolen and end it (GoTrue's reuse detection).
        await tx.query(`update auth.refresh_tokens set revoked = true where session_id = $1::uuid`, [old.rows[0].session_id]);
        return { error: authError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used') };
      }
      const user = await loadUser(tx, 'id', row.user_id);
      if (!user) return { error: authError(400, 'user_not_found', 'User not found') };
      return { session: await issueSession(tx, user, row.session_id, req, 'token_refresh') };
    });
    // The reuse revocation must commit even though the request fails.
    if (outcome.error) throw outcome.error;
    sendJson(res, 200, outcome.session);
  }

  /** Verifies the user's access token as GoTrue does for /user and /logout. */
  async function requireUser(req: IncomingMessage): Promise<{ user: UserRow; sessionId: string | null }> {
    const header = req.headers.authorization;
    if (!header || !/^bearer /i.test(header) || header.slice(7).trim() === '') {
      throw authError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
    }
    const v = await verifyJwt(ctx.jwtSecret, header.slice(7).trim());
    if (!v.ok) {
      const why = v.reason === 'expired' ? 'token has invalid claims: token is expired' : v.reason === 'signature' ? 'signature is invalid' : 'token is malformed';
      throw authError(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${why}`);
    }
    const sub = v.claims.sub;
    if (typeof sub !== 'string' || sub === '') throw authError(403, 'bad_jwt', 'invalid claim: missing sub claim');
    const user = await loadUser(ctx.db, 'id', sub);
    if (!user) throw authError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
    const sessionId = typeof v.claims.session_id === 'string' ? v.claims.session_id : null;
    if (sessionId) {
      const alive = await ctx.db.query(`select 1 from auth.refresh_tokens where session_id::text = $1 and not revoked limit 1`, [sessionId]);
      if (!alive.rows.length) throw authError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
    }
    return { user, sessionId };
  }

  async function updateUser(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { user } = await requireUser(req);
    const body = parseObject(await readBody(req));
    if (body.email !== undefined || body.phone !== undefined) {
      throw authError(422, 'validation_failed', 'Changing email or phone is not supported by the local backend');
    }
    if (body.data !== undefined && (typeof body.data !== 'object' || body.data === null || Array.isArray(body.data))) {
      throw authError(400, 'validation_failed', 'data must be a JSON object');
    }
    if (body.password !== undefined && (typeof body.password !== 'string' || body.password.length < 6)) {
      throw authError(422, 'weak_password', 'Password should be at least 6 characters.');
    }
    await ctx.db.transaction(async (tx) => {
      if (body.data !== undefined) {
        await tx.query(`update auth.users set raw_user_meta_data = raw_user_meta_data || $2::jsonb, updated_at = now() where id::text = $1`, [user.id, JSON.stringify(body.data)]);
      }
      if (typeof body.password === 'string') {
        await tx.query(`update auth.users set encrypted_password = $2, updated_at = now() where id::text = $1`, [user.id, hashPassword(body.password)]);
      }
    });
    sendJson(res, 200, userJson((await loadUser(ctx.db, 'id', user.id))!));
  }

  async function logout(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const { user, sessionId } = await requireUser(req);
    await readBody(req);
    const scope = url.searchParams.get('scope') ?? 'global';
    if (scope === 'local') {
      if (sessionId) await ctx.db.query(`update auth.refresh_tokens set revoked = true where session_id::text = $1`, [sessionId]);
    } else if (scope === 'others') {
      await ctx.db.query(`update auth.refresh_tokens set revoked = true where user_id::text = $1 and session_id::text <> coalesce($2, '')`, [user.id, sessionId]);
    } else if (scope === 'global') {
      await ctx.db.query(`update auth.refresh_tokens set revoked = true where user_id::text = $1`, [user.id]);
    } else {
      throw authError(400, 'validation_failed', `Unsupported logout scope "${scope.slice(0, 40)}"`);
    }
    res.writeHead(204);
    res.end();
  }

  function settings(res: ServerResponse): void {
    sendJson(res, 200, {
      external: {
        anonymous_users: false,
        apple: false,
        azure: false,
        bitbucket: false,
        discord: false,
        email: true,
        facebook: false,
        github: false,
        gitlab: false,
        google: false,
        phone: false,
        saml: false,
      },
      disable_signup: true,
      mailer_autoconfirm: true,
      phone_autoconfirm: false,
      sms_provider: '',
      saml_enabled: false,
    });
  }

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname.slice('/auth/v1'.length).replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (path === '/health') {
      return sendJson(res, 200, { version: 'rt-monitor-local', name: 'GoTrue', description: 'rt-monitor local GoTrue subset' });
    }
    if (path === '/.well-known/jwks.json') return sendJson(res, 200, { keys: [] });
    await requireApiKey(req, url);
    try {
      switch (`${method} ${path}`) {
        case 'POST /token': {
          const body = parseObject(await readBody(req));
          const grant = url.searchParams.get('grant_type');
          if (grant === 'password') return await passwordGrant(req, res, body);
          if (grant === 'refresh_token') return await refreshGrant(req, res, body);
          throw authError(400, 'validation_failed', 'unsupported_grant_type');
        }
        case 'GET /user': {
          const { user } = await requireUser(req);
          return sendJson(res, 200, userJson(user));
        }
        case 'PUT /user':
          return await updateUser(req, res);
        case 'POST /logout':
          return await logout(req, res, url);
        case 'GET /settings':
          return settings(res);
        case 'POST /admin/users':
          return await adminCreateUser(req, res);
        case 'POST /signup':
          throw authError(422, 'signup_disabled', 'Signups not allowed for this instance');
        default:
          throw authError(404, 'not_found', `Not found: ${method} /auth/v1${path}`.slice(0, 200));
      }
    } catch (err) {
      if (err instanceof HttpError) throw err;
      // Database or unexpected failure: GoTrue's 500 shape, one log line, never a stack.
      ctx.log(`auth ${method} ${path}: ${(err as Error)?.message ?? String(err)}`);
      throw authError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information');
    }
  };
}
