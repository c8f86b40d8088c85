/**
 * TokenSource.recheck: a token source that can be asked again is asked on the client's watchdog
 * tick (at most every USER_CHECK_MS), so a sign-out or another user is noticed on a quiet page.
 */
import { expect } from '@open-wc/testing';
import { isTokenUnavailable, TokenSource, TokenUnavailableError, USER_CHECK_MS } from '../../src/core/tokens.js';
import type { SupabaseLike } from '../../src/core/supabase-like.js';
import { tokenUserId } from '../../src/core/jwt.js';
import { clockSkew, observeServerTime, resetServerClock } from '../../src/core/server-clock.js';

const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const jwt = (sub: string, exp = Math.floor(Date.now() / 1000) + 3600) => `${b64({ alg: 'none' })}.${b64({ sub, role: 'authenticated', exp })}.x`;
const settle = () => new Promise((r) => setTimeout(r, 0));
/** Waits for `ok`, asking `source` again on every step (it asks only once its back-off, 1 s after a first failure, is over). */
async function waitFor(ok: () => boolean, source: TokenSource): Promise<void> {
  while (!ok()) {
    source.recheck(false, Date.now() + 60_000);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('TokenSource', () => {
  it('asks a callback again at most every USER_CHECK_MS and reports another user, then none', async () => {
    let current: string | null = jwt('alice');
    let calls = 0;
    const source = new TokenSource(async () => {
      calls++;
      return current;
    });
    const users: Array<string | null> = [];
    source.onUserChange = (u) => users.push(u);
    expect(await source.get()).to.equal(current);
    expect(calls).to.equal(1);

    const t0 = Date.now();
    current = jwt('bob');
    source.recheck(false, t0 + 10); // just asked: not again
    await settle();
    expect(calls).to.equal(1);
    source.recheck(false, t0 + USER_CHECK_MS + 10);
    await settle();
    expect(calls).to.equal(2);
    expect(users).to.deep.equal(['bob']);

    current = null;
    source.recheck(false, t0 + 2 * USER_CHECK_MS + 20);
    await settle();
    expect(users).to.deep.equal(['bob', null]);
  });

  it('a callback that throws (a sign-out in Auth0) is no token: the previous one is not used again, the user reads as none, the cause is kept; its next token is a user again', async () => {
    let answer: () => string | null = () => jwt('alice');
    const source = new TokenSource(async () => answer());
    const users: Array<string | null> = [];
    source.onUserChange = (u) => users.push(u);
    expect(await source.get()).to.be.a('string');
    answer = () => {
      throw new Error('login_required');
    };
    expect(await source.get(true)).to.equal(null);
    expect(users).to.deep.equal([null]);
    expect(source.failure).to.include({ code: 'unauthorized', detail: 'token-failed' });
    expect(source.failure!.message).to.include('login_required');
    expect(await source.get(), 'not asked again before the back-off, and still no token').to.equal(null);
    answer = () => jwt('alice');
    await waitFor(() => users.length === 2, source);
    expect(users).to.deep.equal([null, 'alice']);
    expect(source.failure).to.equal(null);
  });

  it('a source unreachable once its token has expired: the session has expired (the last token stays, no user change); any other failure then is a sign-out (QA18: rows kept under "Session expired")', async () => {
    resetServerClock();
    observeServerTime(Date.now());
    for (const [error, signsOut] of [
      [new TokenUnavailableError('503 from the token endpoint'), false],
      [new Error('login_required'), true],
    ] as const) {
      let fail = false;
      // At least a second left when given (a second boundary may pass before get() resolves).
      const exp = Math.floor(Date.now() / 1000) + 2;
      const expired = jwt('alice', exp); // valid when given, expired when the source fails
      const source = new TokenSource(async () => {
        if (fail) throw error;
        return expired;
      });
      const users: Array<string | null> = [];
      source.onUserChange = (u) => users.push(u);
      expect(await source.get()).to.equal(expired);
      expect(source.expired).to.equal(false);
      while (Date.now() <= exp * 1000) await new Promise((r) => setTimeout(r, 50));
      fail = true;
      expect(await source.get(true), error.message).to.equal(signsOut ? null : expired);
      expect(users).to.deep.equal(signsOut ? [null] : []);
      expect(source.failure!.detail).to.equal('token-failed');
      expect(source.expired, 'expired: a refused read expires the session (not a renewable 401)').to.equal(!signsOut);
    }
    resetServerClock();
  });

  it('a callback that fails from the start, then answers: its first token is a user change (queries started with no user are rebuilt)', async () => {
    let fail = true;
    const source = new TokenSource(async () => {
      if (fail) throw new Error('503 from the token endpoint');
      return jwt('alice');
    });
    const users: Array<string | null> = [];
    source.onUserChange = (u) => users.push(u);
    expect(await source.get()).to.equal(null);
    expect(users).to.deep.equal([]);
    fail = false;
    await waitFor(() => users.length === 1, source);
    expect(users).to.deep.equal(['alice']);
  });

  it('a callback that never answers has failed after its timeout: no token, the cause says so, and it is asked again', async () => {
    let hang = true;
    let calls = 0;
    const source = new TokenSource(
      () => {
        calls++;
        return hang ? new Promise<string>(() => {}) : Promise.resolve(jwt('alice'));
      },
      undefined,
      50,
    );
    expect(await source.get()).to.equal(null);
    expect(source.failure!.message).to.include('no answer within');
    hang = false;
    await waitFor(() => source.current !== null, source);
    expect(calls).to.equal(2);
    expect(source.failure).to.equal(null);
  });

  it('reload(): a load that hangs is not waited for; its callers get the next answer (a callback replaced while the previous one hangs, QA16 N3)', async () => {
    let current: () => Promise<string | null> = () => new Promise<string>(() => {});
    const users: Array<string | null> = [];
    // A timeout far beyond the test's own: waiting for the hung load would fail the test.
    const source = new TokenSource(() => current(), undefined, 600_000);
    source.onUserChange = (u) => users.push(u);
    source.set(jwt('alice'));
    const waiting = source.get(true); // stuck behind the hung callback
    current = async () => jwt('bob');
    const reloaded = source.reload();
    expect(tokenUserId(await waiting), 'the hung load\'s caller').to.equal('bob');
    expect(tokenUserId(await reloaded)).to.equal('bob');
    expect(users).to.deep.equal(['bob']);
    expect(source.failure).to.equal(null);
    // The next load is a load of its own (the superseded one left no state behind).
    current = async () => jwt('carol');
    expect(tokenUserId(await source.get(true))).to.equal('carol');
  });

  it('a source rebuilt over the same failed callback starts from its failure: the cause at once, the back-off kept, its next token a user change (QA16 N2)', async () => {
    let fail = true;
    let calls = 0;
    const callback = async () => {
      calls++;
      if (fail) throw new Error('login_required');
      return jwt('alice');
    };
    const first = new TokenSource(callback);
    expect(await first.get()).to.equal(null);
    expect(calls).to.equal(1);
    // The client built anew after that failure's sign-out (ManagedClient), over the same option.
    const rebuilt = new TokenSource(callback);
    const users: Array<string | null> = [];
    rebuilt.onUserChange = (u) => users.push(u);
    expect(rebuilt.failure?.detail, 'the cause, before anything is asked').to.equal('token-failed');
    expect(await rebuilt.get()).to.equal(null);
    expect(calls, 'not asked again within the back-off').to.equal(1);
    fail = false;
    await waitFor(() => rebuilt.current !== null, rebuilt);
    expect(users).to.deep.equal(['alice']);
    expect(rebuilt.failure).to.equal(null);
    expect(new TokenSource(callback).failure, 'answered since: nothing to start from').to.equal(null);
  });

  it('no token a moment ago (signed out): reads get that answer until the next user check, not one request each (QA17: a burst of token requests after a sign-out)', async () => {
    let calls = 0;
    let token: string | null = null;
    const source = new TokenSource(async () => {
      calls++;
      return token;
    });
    expect(await source.get()).to.equal(null);
    expect(await Promise.all([source.get(), source.get(), source.get()])).to.deep.equal([null, null, null]);
    expect(calls, 'the widgets of a rebuilt client read at once').to.equal(1);
    token = jwt('alice');
    source.recheck(false, Date.now() + 60_000); // the user check still asks
    await waitFor(() => source.current !== null, source);
    expect(calls).to.equal(2);
    expect(await source.get(true), 'a forced read with a token asks').to.equal(token);
  });

  it('a client rebuilt for the signed-out user takes the source\'s "no token" until the next user check, forced reads (a refused join) too; its next token is a user change (QA17 re-check: 4 token requests within 0.5 s of a sign-out)', async () => {
    let calls = 0;
    let token: string | null = jwt('alice');
    const callback = async () => {
      calls++;
      return token;
    };
    const first = new TokenSource(callback);
    const signedOut = new Promise<string | null>((resolve) => (first.onUserChange = resolve));
    expect(await first.get()).to.equal(token);
    token = null;
    first.recheck(false, Date.now() + 60_000);
    expect(await signedOut).to.equal(null);
    expect(calls).to.equal(2);
    // The managed client builds a new client over the same callback.
    const rebuilt = new TokenSource(callback);
    const users: Array<string | null> = [];
    rebuilt.onUserChange = (u) => users.push(u);
    expect(await Promise.all([rebuilt.get(), rebuilt.get(true)])).to.deep.equal([null, null]);
    expect(calls, 'not asked again before the next user check').to.equal(2);
    token = jwt('bob');
    rebuilt.recheck(false, Date.now() + 60_000);
    await waitFor(() => users.length > 0, rebuilt);
    expect(users).to.deep.equal(['bob']);
  });

  it('a source that keeps failing is asked again every 5 s at most, as often as the user check (QA17: a sign-in after a sign-in page waited up to 30 s)', async () => {
    let calls = 0;
    const source = new TokenSource(async () => {
      calls++;
      throw new Error('503 from the token endpoint');
    });
    const realNow = Date.now;
    let now = realNow();
    Date.now = () => now;
    try {
      for (let i = 0; i < 8; i++) {
        const before = calls;
        await source.get(true);
        expect(calls, `ask ${i + 1}, 5 s after the last`).to.equal(before + 1);
        now += 5000;
      }
    } finally {
      Date.now = realNow;
    }
  });

  it('a source that cannot be reached (TokenUnavailableError, fetch failing offline, Supabase Auth unreachable) is no sign-out: the valid token is kept, asked again after the back-off; once it expired, the session has', async () => {
    resetServerClock();
    observeServerTime(Date.now());
    const offline = [
      new TokenUnavailableError('token service unavailable'),
      new TypeError('Failed to fetch'),
      new TypeError('NetworkError when attempting to fetch resource.'),
      Object.assign(new Error('fetch failed'), { name: 'AuthRetryableFetchError' }),
    ];
    for (const error of offline) {
      const exp = Math.floor(Date.now() / 1000) + 2;
      const alice = jwt('alice', exp);
      let calls = 0;
      let down = false;
      const source = new TokenSource(async () => {
        calls++;
        if (down) throw error;
        return alice;
      });
      const users: Array<string | null> = [];
      source.onUserChange = (u) => users.push(u);
      expect(await source.get()).to.equal(alice);
      down = true;
      expect(await source.get(true), String(error)).to.equal(alice);
      expect(await source.get(true), 'during the back-off: not asked').to.equal(alice);
      expect(calls).to.equal(2);
      expect(users, 'no user change').to.deep.equal([]);
      expect(source.failure).to.equal(null);
      expect(source.expired).to.equal(false);
      while (Date.now() <= exp * 1000) await new Promise((r) => setTimeout(r, 50));
      await waitFor(() => source.expired, source);
      expect(users, 'expired, not signed out').to.deep.equal([]);
      expect(source.failure!.detail).to.equal('token-failed');
    }
    expect(isTokenUnavailable(new TypeError("Cannot read properties of undefined (reading 'fetch')")), 'a bug in the callback is no outage').to.equal(false);
    resetServerClock();
  });

  it("a host's Supabase Auth session that cannot be refreshed (offline: AuthRetryableFetchError) keeps its valid token; no session is a sign-out", async () => {
    const alice = jwt('alice');
    let reply: { data: { session: { access_token: string } | null }; error: unknown } = { data: { session: { access_token: alice } }, error: null };
    const host = { auth: { getSession: async () => reply }, realtime: { accessTokenValue: null } } as unknown as SupabaseLike;
    const source = new TokenSource(undefined, host);
    const users: Array<string | null> = [];
    source.onUserChange = (u) => users.push(u);
    expect(await source.get()).to.equal(alice);
    reply = { data: { session: null }, error: Object.assign(new Error('Failed to fetch'), { name: 'AuthRetryableFetchError', status: 0 }) };
    expect(await source.get()).to.equal(alice);
    expect(users).to.deep.equal([]);
    reply = { data: { session: null }, error: null }; // signed out: asked again once the back-off (1 s) is over
    while ((await source.get()) !== null) await new Promise((r) => setTimeout(r, 100));
    expect(users).to.deep.equal([null]);
  });

  it("a signed-out host client's realtime token is its anon key: no token expiry is reported (QA34: \"expires in 18 years\")", async () => {
    const anonKey = `${b64({ alg: 'none' })}.${b64({ role: 'anon', exp: Math.floor(Date.now() / 1000) + 18 * 365 * 86_400 })}.x`;
    const alice = jwt('alice');
    let session: { access_token: string } | null = null;
    const realtime = { accessTokenValue: anonKey };
    const host = { auth: { getSession: async () => ({ data: { session }, error: null }) }, realtime } as unknown as SupabaseLike;
    const source = new TokenSource(undefined, host);
    expect(await source.get()).to.equal(null);
    expect(source.expiresAt).to.equal(null);
    session = { access_token: alice };
    realtime.accessTokenValue = alice;
    await source.get(true);
    expect(source.expiresAt).to.be.a('number');
  });

  it('a slow callback does not hold a read up while its token is still valid (within 30 s of expiry): the token serves, the answer the next read', async () => {
    const soon = jwt('alice', Math.floor(Date.now() / 1000) + 40);
    const later = jwt('alice');
    let answer: ((t: string) => void) | null = null;
    let calls = 0;
    const source = new TokenSource(() => (++calls === 1 ? Promise.resolve(soon) : new Promise<string>((r) => (answer = r))));
    expect(await source.get()).to.equal(soon);
    try {
      observeServerTime(new Date(Date.now() + 25_000).toISOString()); // 25 s later: 15 s left, within half
      expect(await source.get(), 'the valid token, after at most SLOW_SOURCE_MS').to.equal(soon);
      answer!(later);
      while (source.current !== later) await settle();
      expect(await source.get()).to.equal(later);
      expect(calls).to.equal(2);
    } finally {
      resetServerClock();
    }
  });

  it('a token that lives less than 60 s (exp − iat) serves half its life before it is asked for again (QA57 F1: asked on every read)', async () => {
    let calls = 0;
    const now = () => Math.floor(Date.now() / 1000);
    const source = new TokenSource(() => (++calls, `${b64({ alg: 'none' })}.${b64({ sub: 'alice', role: 'authenticated', iat: now(), exp: now() + 20 })}.x`));
    const first = await source.get();
    for (let i = 0; i < 5; i++) expect(await source.get(), 'read ' + i).to.equal(first);
    expect(calls).to.equal(1);
    try {
      observeServerTime(new Date(Date.now() + 11_000).toISOString()); // 9 s left: within half
      await source.get();
      expect(calls).to.equal(2);
    } finally {
      resetServerClock();
    }
  });

  it('has nothing to ask for a fixed token: no call, no user change', async () => {
    const token = jwt('alice');
    const fixed = new TokenSource(token);
    const users: Array<string | null> = [];
    fixed.onUserChange = (u) => users.push(u);
    fixed.recheck(false, Date.now() + 10 * USER_CHECK_MS);
    await settle();
    expect(users).to.deep.equal([]);
    expect(await fixed.get()).to.equal(token);
  });

  it("judges a token's expiry on the server's clock: a page clock 2 h fast does not expire a valid token", async () => {
    const HOUR = 3_600_000;
    try {
      resetServerClock();
      observeServerTime(new Date(Date.now() - 2 * HOUR).toISOString()); // a change stamped by a server 2 h behind this page
      const token = jwt('alice', Math.floor((Date.now() - 2 * HOUR + HOUR) / 1000)); // an hour left on the server
      const fixed = new TokenSource(token);
      expect(fixed.expired).to.equal(false);
      let calls = 0;
      const callback = new TokenSource(async () => {
        calls++;
        return token;
      });
      await callback.get();
      await callback.get(); // cached: far from its expiry on the server's clock
      expect(calls).to.equal(1);
      // No server time seen yet: the page's clock alone does not expire it (the server's refusal will).
      resetServerClock();
      expect(fixed.expired).to.equal(false);
      observeServerTime(new Date().toISOString()); // a server agreeing with this page: an hour ago
      expect(fixed.expired).to.equal(true);
    } finally {
      resetServerClock();
    }
  });

  it("reads a token's iat as the server's time only when Supabase Auth issued it (`iss` …/auth/v1): another issuer's clock running fast made on-time changes read as late (QA48 F1)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = (iss: string | undefined) => `${b64({ alg: 'none' })}.${b64({ ...(iss ? { iss } : {}), sub: 'alice', role: 'authenticated', iat: now + 20, exp: now + 3600 })}.x`;
    try {
      for (const iss of [undefined, 'https://clerk.example.com', 'https://tenant.auth0.com/', 'https://securetoken.google.com/project', 'supabase', 'https://evil.example/auth/v1/extra']) {
        resetServerClock();
        await new TokenSource(async () => token(iss)).get();
        new TokenSource(token(iss));
        expect(clockSkew(), `iss ${iss}: no sample`).to.equal(null);
      }
      for (const iss of ['https://abcd.supabase.co/auth/v1', 'http://127.0.0.1:54321/auth/v1', 'https://api.example.com/base/auth/v1/']) {
        resetServerClock();
        await new TokenSource(async () => token(iss)).get();
        expect(clockSkew(), `iss ${iss}: a sample (the issuer's clock 20 s ahead)`).to.be.below(-15_000);
      }
    } finally {
      resetServerClock();
    }
  });
});
