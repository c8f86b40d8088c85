/**
 * The local GoTrue subset through the real supabase-js: password sign-in, wrong password,
 * refresh-token rotation and reuse detection, getUser, signOut, token lifetime control, and RLS
 * through the signed-in user's token. PGlite by default, PostgreSQL with RT_TEST_DB=postgres.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import type { LocalBackend } from '../../server/index.ts';
import { startTestBackend, client, signedIn, ALICE, BOB } from './helpers.ts';

let backend: LocalBackend;

async function rawAuth(path: string, body?: unknown, init: { token?: string; method?: string; apikey?: string | null } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (init.apikey !== null) headers.apikey = init.apikey ?? backend.anonKey;
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  return fetch(`${backend.url}/auth/v1${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function passwordSession(email: string, password = 'rt-monitor-demo'): Promise<Record<string, any>> {
  const r = await rawAuth('/token?grant_type=password', { email, password, gotrue_meta_security: {} });
  assert.equal(r.status, 200);
  return (await r.json()) as Record<string, any>;
}

before(async () => {
  backend = await startTestBackend();
});

after(async () => {
  await backend?.stop();
});

describe('password sign-in', () => {
  it('returns a GoTrue session with an HS256 access token carrying the user claims', async () => {
    const c = client(backend);
    const before = Math.floor(Date.now() / 1000);
    const { data, error } = await c.auth.signInWithPassword({ email: 'alice@example.com', password: 'rt-monitor-demo' });
    assert.equal(error, null);
    const s = data.session!;
    assert.equal(s.token_type, 'bearer');
    assert.equal(s.expires_in, 3600);
    const after = Math.ceil(Date.now() / 1000);
    assert.ok(s.expires_at! >= before + 3600 && s.expires_at! <= after + 3600, `expires_at ${s.expires_at} within [${before}, ${after}] + 3600`);
    assert.ok(s.refresh_token.length >= 12);
    assert.equal(data.user!.id, ALICE);
    assert.equal(data.user!.email, 'alice@example.com');
    assert.equal(data.user!.aud, 'authenticated');
    assert.equal(data.user!.role, 'authenticated');
    assert.deepEqual(data.user!.app_metadata, { provider: 'email', providers: ['email'] });
    assert.deepEqual(data.user!.user_metadata, { name: 'Alice' });
    assert.match(data.user!.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const claims = decodeJwt(s.access_token);
    assert.equal(claims.sub, ALICE);
    assert.equal(claims.role, 'authenticated');
    assert.equal(claims.aud, 'authenticated');
    assert.equal(claims.email, 'alice@example.com');
    assert.match(String(claims.session_id), /^[0-9a-f-]{36}$/);
    assert.equal(claims.exp! - claims.iat!, 3600);
    assert.deepEqual(claims.user_metadata, { name: 'Alice' });
    assert.deepEqual(claims.app_metadata, { provider: 'email', providers: ['email'] });
  });

  it('email matching ignores case', async () => {
    const s = await passwordSession('Bob@Example.COM');
    assert.equal(s.user.id, BOB);
  });

  it('wrong password and unknown email: 400 invalid_credentials, GoTrue shape', async () => {
    const c = client(backend);
    const { data, error } = await c.auth.signInWithPassword({ email: 'alice@example.com', password: 'wrong' });
    assert.equal(data.session, null);
    assert.equal(error!.status, 400);
    assert.equal(error!.code, 'invalid_credentials');
    assert.equal(error!.message, 'Invalid login credentials');
    const r = await rawAuth('/token?grant_type=password', { email: 'nobody@example.com', password: 'rt-monitor-demo' });
    assert.equal(r.status, 400);
    assert.deepEqual(await r.json(), { code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' });
  });

  it('garbage body, missing fields, unknown grant and missing apikey are refused clearly', async () => {
    const garbage = await rawAuth('/token?grant_type=password', '{"email":');
    assert.equal(garbage.status, 400);
    assert.equal(((await garbage.json()) as { error_code: string }).error_code, 'bad_json');
    const missing = await rawAuth('/token?grant_type=password', { password: 'x' });
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { error_code: string }).error_code, 'validation_failed');
    const grant = await rawAuth('/token?grant_type=magic', {});
    assert.equal(grant.status, 400);
    const noKey = await rawAuth('/token?grant_type=password', { email: 'alice@example.com', password: 'rt-monitor-demo' }, { apikey: null });
    assert.equal(noKey.status, 401);
  });
});

describe('refresh tokens', () => {
  it('refreshSession rotates: new tokens work, the old refresh token is rejected', async () => {
    const c = await signedIn(backend, 'alice@example.com');
    const first = (await c.auth.getSession()).data.session!;
    const { data, error } = await c.auth.refreshSession();
    assert.equal(error, null);
    const second = data.session!;
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.notEqual(second.access_token, first.access_token);
    assert.equal(decodeJwt(second.access_token).session_id, decodeJwt(first.access_token).session_id, 'same session');
    const streams = await c.from('streams').select('name');
    assert.equal(streams.data!.length, 2, 'the refreshed token is accepted by REST');

    const reuse = await rawAuth('/token?grant_type=refresh_token', { refresh_token: first.refresh_token });
    assert.equal(reuse.status, 400);
    assert.deepEqual(await reuse.json(), { code: 400, error_code: 'refresh_token_already_used', msg: 'Invalid Refresh Token: Already Used' });
  });

  it('reusing a rotated token ends the session (reuse detection), as GoTrue does', async () => {
    const s1 = await passwordSession('carol@example.com');
    const r2 = await rawAuth('/token?grant_type=refresh_token', { refresh_token: s1.refresh_token });
    assert.equal(r2.status, 200);
    const s2 = (await r2.json()) as Record<string, any>;
    assert.equal(s2.user.email, 'carol@example.com');
    assert.equal((await rawAuth('/token?grant_type=refresh_token', { refresh_token: s1.refresh_token })).status, 400);
    const afterReuse = await rawAuth('/token?grant_type=refresh_token', { refresh_token: s2.refresh_token });
    assert.equal(afterReuse.status, 400, 'the stolen-token family is revoked');
  });

  it('unknown refresh token: 400 refresh_token_not_found', async () => {
    const r = await rawAuth('/token?grant_type=refresh_token', { refresh_token: 'nope-nope-nope' });
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { error_code: string }).error_code, 'refresh_token_not_found');
  });

  it('/__dev/token-ttl changes the lifetime of tokens issued from then on; expires_in tells the truth', async () => {
    const set = await fetch(`${backend.url}/__dev/token-ttl?seconds=120`, { method: 'POST', headers: { apikey: backend.serviceRoleKey, Authorization: `Bearer ${backend.serviceRoleKey}` } });
    assert.equal(set.status, 200);
    try {
      const s = await passwordSession('bob@example.com');
      assert.equal(s.expires_in, 120);
      const claims = decodeJwt(s.access_token);
      assert.equal(claims.exp! - claims.iat!, 120);
    } finally {
      await fetch(`${backend.url}/__dev/token-ttl?seconds=3600`, { method: 'POST', headers: { Authorization: `Bearer ${backend.serviceRoleKey}` } });
    }
  });
});

describe('user and sign-out', () => {
  it('getUser returns the signed-in user; the anon key alone is not a user', async () => {
    const c = await signedIn(backend, 'bob@example.com');
    const { data, error } = await c.auth.getUser();
    assert.equal(error, null);
    assert.equal(data.user!.id, BOB);
    assert.equal(data.user!.email, 'bob@example.com');
    const anon = await rawAuth('/user', undefined, { token: backend.anonKey });
    assert.equal(anon.status, 403);
    assert.equal(((await anon.json()) as { error_code: string }).error_code, 'bad_jwt');
    const none = await rawAuth('/user');
    assert.equal(none.status, 401);
  });

  it('updateUser merges user_metadata', async () => {
    const c = await signedIn(backend, 'carol@example.com');
    const { data, error } = await c.auth.updateUser({ data: { theme: 'dark' } });
    assert.equal(error, null);
    assert.deepEqual(data.user!.user_metadata, { name: 'Carol', theme: 'dark' });
  });

  it('signOut revokes the session: its refresh token and /user stop working', async () => {
    const c = await signedIn(backend, 'alice@example.com');
    const session = (await c.auth.getSession()).data.session!;
    const { error } = await c.auth.signOut();
    assert.equal(error, null);
    assert.equal((await c.auth.getSession()).data.session, null);
    const refresh = await rawAuth('/token?grant_type=refresh_token', { refresh_token: session.refresh_token });
    assert.equal(refresh.status, 400);
    const user = await rawAuth('/user', undefined, { token: session.access_token });
    assert.equal(user.status, 403);
    assert.equal(((await user.json()) as { error_code: string }).error_code, 'session_not_found');
  });

  it('logout answers 204', async () => {
    const s = await passwordSession('bob@example.com');
    const r = await rawAuth('/logout?scope=local', {}, { token: s.access_token });
    assert.equal(r.status, 204);
  });

  it('settings report email sign-in enabled, sign-ups disabled', async () => {
    const r = await rawAuth('/settings');
    assert.equal(r.status, 200);
    const s = (await r.json()) as { external: { email: boolean }; disable_signup: boolean };
    assert.equal(s.external.email, true);
    assert.equal(s.disable_signup, true);
    const signup = await client(backend).auth.signUp({ email: 'new@example.com', password: 'whatever-123' });
    assert.equal(signup.error!.code, 'signup_disabled');
  });
});

describe('admin: create users (service_role)', () => {
  it('auth.admin.createUser with the service_role key makes a user who can sign in; a confirmed email is required to', async () => {
    const admin = client(backend, backend.serviceRoleKey);
    const email = `admin-made-${Date.now()}@example.com`;
    const { data, error } = await admin.auth.admin.createUser({ email, password: 'made-by-admin', email_confirm: true, user_metadata: { name: 'Made' } });
    assert.equal(error, null);
    assert.equal(data.user!.email, email);
    assert.match(data.user!.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(data.user!.user_metadata, { name: 'Made' });
    const session = await passwordSession(email, 'made-by-admin');
    assert.equal(decodeJwt(session.access_token as string).sub, data.user!.id);

    const unconfirmed = `unconfirmed-${Date.now()}@example.com`;
    assert.equal((await admin.auth.admin.createUser({ email: unconfirmed, password: 'made-by-admin' })).error, null);
    const r = await rawAuth('/token?grant_type=password', { email: unconfirmed, password: 'made-by-admin' });
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { error_code: string }).error_code, 'email_not_confirmed');

    const again = await admin.auth.admin.createUser({ email, password: 'made-by-admin', email_confirm: true });
    assert.equal(again.error!.code, 'email_exists');
  });

  it('is refused with the anon key or a user token (403 not_admin)', async () => {
    const asAnon = await client(backend).auth.admin.createUser({ email: 'nope@example.com', password: 'whatever-123', email_confirm: true });
    assert.equal(asAnon.error!.status, 403);
    assert.equal(asAnon.error!.code, 'not_admin');
    const session = await passwordSession('alice@example.com');
    const r = await rawAuth('/admin/users', { email: 'nope2@example.com', password: 'whatever-123' }, { token: session.access_token as string });
    assert.equal(r.status, 403);
  });
});

describe('RLS through the user token', () => {
  it('each user reads only their own rows', async () => {
    const alice = await signedIn(backend, 'alice@example.com');
    const bob = await signedIn(backend, 'bob@example.com');
    const aStreams = await alice.from('streams').select('name').order('name');
    assert.deepEqual(aStreams.data!.map((r) => r.name), ['Customer onboarding', 'Enterprise expansion']);
    const bStreams = await bob.from('streams').select('name');
    assert.deepEqual(bStreams.data!.map((r) => r.name), ['Product launch']);
    const aNotes = await alice.from('notifications').select('user_id');
    assert.ok(aNotes.data!.length >= 2);
    assert.ok(aNotes.data!.every((r) => r.user_id === ALICE));
    const aAlerts = await alice.from('signal_alerts').select('business_name').order('business_name');
    assert.deepEqual(aAlerts.data!.map((r) => r.business_name), ['Contoso Ltd', 'Northwind Traders']);
    const bScans = await bob.from('acquisition_scans').select('name');
    assert.deepEqual(bScans.data, [{ name: 'Fintech in Berlin' }]);
  });

  it('after sign-out the client falls back to the anon key and sees nothing', async () => {
    const c = await signedIn(backend, 'alice@example.com');
    await c.auth.signOut();
    const r = await c.from('streams').select('name');
    assert.equal(r.status, 401);
    assert.equal(r.error!.code, '42501');
  });
});
