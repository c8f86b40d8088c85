/**
 * Session: the connection's view of the user's session (src/core/session.ts), with an in-memory
 * token source and no realtime client.
 */
import { expect } from '@open-wc/testing';
import { ASK_AGAIN_MS, EARLY_REFUSAL_MS, HAND_OVER_MS, Session } from '../../src/core/session.js';
import { skewClock } from '../helpers/clock.js';
import { RestSource } from '../../src/core/rest-source.js';
import { SchemaMap } from '../../src/core/schema-map.js';
import type { RestLike, SupabaseLike } from '../../src/core/supabase-like.js';
import { observeServerTime, resetServerClock } from '../../src/core/server-clock.js';

const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const jwt = (sub: string, seconds: number) => `${b64({ alg: 'none' })}.${b64({ sub, role: 'authenticated', exp: Math.floor(Date.now() / 1000) + seconds })}.x`;

describe('Session', () => {
  beforeEach(() => {
    resetServerClock();
    observeServerTime(Date.now()); // a server time seen: expiry is judged on it
  });
  afterEach(() => resetServerClock());

  it('a fresh token that a read got while the session read expired renews it at the next watchdog tick (QA17: "Session expired" over a valid session until the next rejoin)', async () => {
    let renewed = 0;
    let next = jwt('alice', -60); // the source first answers with an expired token
    const session = new Session(async () => next, undefined, { changed() {}, renewed: () => void renewed++ });
    await session.tokens.get();
    session.checkExpiry();
    expect(session.expired, 'an expired token from a source that gives no fresh one').to.equal(true);
    next = jwt('alice', 3600);
    expect(await session.tokens.get(), 'a read asks the source and gets the fresh token').to.equal(next);
    expect(session.expired, 'not yet noticed').to.equal(true);
    session.checkExpiry(); // the client's watchdog tick
    for (let i = 0; i < 50 && session.expired; i++) await new Promise((r) => setTimeout(r));
    expect(session.expired).to.equal(false);
    expect(renewed).to.equal(1);
  });

  it("a read refused once the host's session expired while Supabase Auth was unreachable reads \"Session expired\", not \"No access\" (QA18: supabase-js sends the anon key when its session cannot be refreshed)", async () => {
    const alice = jwt('alice', 1);
    let auth: { data: { session: { access_token: string } | null }; error: unknown } = { data: { session: { access_token: alice } }, error: null };
    const host = { auth: { getSession: async () => auth }, realtime: { accessTokenValue: null } } as unknown as SupabaseLike;
    const session = new Session(undefined, host, { changed() {}, renewed() {} });
    expect(await session.tokens.get()).to.equal(alice);
    while (Date.now() < (JSON.parse(atob(alice.split('.')[1]!)).exp as number) * 1000 + 10) await new Promise((r) => setTimeout(r, 50));
    auth = { data: { session: null }, error: Object.assign(new Error('Failed to fetch'), { name: 'AuthRetryableFetchError', status: 0 }) };
    // PostgREST's answer to the anon key where only signed-in users may read.
    const denied = { data: null, error: { code: '42501', message: 'permission denied for table org_members', details: null, hint: null }, status: 401, statusText: 'Unauthorized' };
    const chain: Record<string, unknown> = {};
    for (const m of ['select', 'eq']) chain[m] = () => chain;
    chain.then = (ok: (v: unknown) => void) => Promise.resolve(denied).then(ok);
    const rest = { from: () => chain } as unknown as RestLike;
    const result = await new RestSource(rest, session, new SchemaMap()).orgsOf('alice');
    expect(result).to.include({ code: 'session-expired' });
    expect(session.expired).to.equal(true);
  });

  it('a refusal of the expired token that arrives after the page handed over a new one does not expire the renewed session again: the channel rejoins, the read is sent again (a race that left "Session expired" over a valid token on a loaded machine)', async () => {
    const old = jwt('alice', -60);
    const fresh = jwt('alice', 3600);
    const session = new Session(old, undefined, { changed() {}, renewed() {} });
    const handed: string[] = [];
    session.attach({ setAuth: async (t: string) => void handed.push(t), accessTokenValue: old } as never);
    // The channel: its join with the old token refused, and nothing new in hand: expired.
    expect(await session.refresh('InvalidJWTToken: Token has expired 60 seconds ago')).to.equal(false);
    expect(session.expired).to.equal(true);
    // A read sent with the old token, answered only after the page handed over a new one.
    let calls = 0;
    let release: (() => void) | undefined;
    const refused = { data: null, error: { code: 'PGRST303', message: 'JWT expired', details: null, hint: null }, status: 401, statusText: 'Unauthorized' };
    const rows = { data: [{ org_id: 'o1' }], error: null, status: 200, statusText: 'OK' };
    const chain: Record<string, unknown> = {};
    for (const m of ['select', 'eq']) chain[m] = () => chain;
    chain.then = (ok: (v: unknown) => void) => (++calls === 1 ? new Promise((r) => (release = () => r(refused))) : Promise.resolve(rows)).then(ok);
    const read = new RestSource({ from: () => chain } as unknown as RestLike, session, new SchemaMap()).orgsOf('alice');
    while (!release) await new Promise((r) => setTimeout(r));
    session.set(fresh);
    release();
    expect(await read).to.deep.equal(['o1']);
    expect(calls, 'sent again with the new token').to.equal(2);
    // The channel's late refusal of the old token.
    expect(await session.refresh('InvalidJWTToken: Token has expired 60 seconds ago')).to.equal(true);
    expect(session.expired).to.equal(false);
    expect(handed.at(-1), 'the channels rejoin with the new token').to.equal(fresh);
  });

  it("an expiry's words carry no count of seconds that stands still (QA40: \"Token has expired 0 seconds ago\" for half a minute)", () => {
    const session = new Session(jwt('alice', -60), undefined, { changed() {}, renewed() {} });
    const e = session.refused('InvalidJWTToken: Token has expired 3 seconds ago');
    expect(e.code).to.equal('session-expired');
    expect(e.message).to.include('InvalidJWTToken: Token has expired');
    expect(e.message).not.to.match(/seconds? ago/);
  });

  it('a refusal judged after a new token was handed over (the answer had come before it) is of the old token: the session now in hand is not failed (CI15)', () => {
    const old = jwt('alice', -60);
    const fresh = jwt('alice', 3600);
    const session = new Session(old, undefined, { changed() {}, renewed() {} });
    session.set(fresh);
    const e = session.refused('The access token has expired: JWT expired', old);
    expect(e.code).to.equal('unauthorized');
    expect(session.failed).to.equal(null);
    expect(session.expired).to.equal(false);
    // The same words of the token in hand still fail it.
    expect(session.refused('JWT expired', fresh).code).to.equal('session-expired');
  });

  it("a host's Supabase Auth session that expired while Auth was unreachable is renewed on the watchdog ticks once Auth answers again (QA18 re-check: \"Session expired\" for good, nothing asked the host again)", async () => {
    const alice = jwt('alice', 1);
    let auth: { data: { session: { access_token: string } | null }; error: unknown } = { data: { session: { access_token: alice } }, error: null };
    let asked = 0;
    const host = { auth: { getSession: async () => (asked++, auth) }, realtime: { accessTokenValue: null } } as unknown as SupabaseLike;
    let renewed = 0;
    const session = new Session(undefined, host, { changed() {}, renewed: () => void renewed++ });
    session.attach({ setAuth: async () => {}, accessTokenValue: null } as never);
    expect(await session.tokens.get()).to.equal(alice);
    auth = { data: { session: null }, error: Object.assign(new Error('Failed to fetch'), { name: 'AuthRetryableFetchError', status: 0 }) };
    while (Date.now() < (JSON.parse(atob(alice.split('.')[1]!)).exp as number) * 1000 + 10) await new Promise((r) => setTimeout(r, 50));
    // The channels' refusal of the expired token: the host cannot refresh it.
    expect(await session.refresh('InvalidJWTToken: Token has expired 0 seconds ago')).to.equal(false);
    expect(session.expired).to.equal(true);
    const fresh = jwt('alice', 3600);
    auth = { data: { session: { access_token: fresh } }, error: null }; // Auth reachable again; the host refreshed
    const before = asked;
    while (session.expired) {
      session.checkExpiry(); // the client's watchdog tick (every 2.5 s)
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(asked, 'the host was asked again').to.be.greaterThan(before);
    expect(session.tokens.current).to.equal(fresh);
    expect(renewed).to.equal(1);
  });

  it('a fixed token refused for its signature while its exp is ahead is rejected, not expired (onSessionExpired once, with that cause); the same refusal of a token past its exp, or one that says expired, is an expiry (QA22 F10)', async () => {
    const refusals = ['JwtSignatureError: Failed to validate JWT signature', 'Realtime refused the access token: Failed to validate JWT signature', 'MalformedJWT: The token provided is not a valid JWT'];
    for (const reason of refusals) {
      const session = new Session(jwt('alice', 3600), undefined, { changed() {}, renewed() {} });
      session.attach({ setAuth: async () => {}, accessTokenValue: null } as never);
      const announced: Array<string | undefined> = [];
      session.onExpired((e) => announced.push(e.detail));
      // A channel's refusal (join or `system` error) …
      expect(await session.refresh(reason), reason).to.equal(false);
      // … and a REST read's (src/core/rest-source.ts).
      const read = session.refused('The access token was refused: JWSError JWSInvalidSignature');
      await Promise.resolve();
      expect([session.error?.code, session.error?.detail, read.detail, session.expired, !!session.failed, announced], reason).to.deep.equal(['unauthorized', 'token-rejected', 'token-rejected', false, true, ['token-rejected']]);
      expect(session.error?.message, reason).to.not.match(/expire/i);
    }
    for (const [token, reason] of [
      [jwt('alice', -60), 'JwtSignatureError: Failed to validate JWT signature'],
      [jwt('alice', 3600), 'The access token has expired: JWT expired'],
    ] as const) {
      const session = new Session(token, undefined, { changed() {}, renewed() {} });
      let announced = 0;
      session.onExpired(() => announced++);
      session.refused(reason);
      await Promise.resolve();
      expect([session.error?.code, session.expired, announced], reason).to.deep.equal(['session-expired', true, 1]);
    }
  });

  it("a source's token refused as expired while its exp is an hour ahead, the source answering it again, is no expiry for EARLY_REFUSAL_MS: then it is one, told once (QA84 F1); a refusal for its signature is rejected at once", async () => {
    const token = jwt('alice', 3600);
    const session = new Session(async () => token, undefined, { changed() {}, renewed() {} });
    session.attach({ setAuth: async () => {}, accessTokenValue: null } as never);
    let announced = 0;
    session.onExpired(() => announced++);
    await session.tokens.get();
    const REASON = 'Realtime refused the access token: Token has expired 0 seconds ago';
    expect(await session.refresh(REASON)).to.equal(false);
    await Promise.resolve();
    expect([session.error, session.failed, announced], 'the first refusal').to.deep.equal([null, null, 0]);
    const restore = skewClock(EARLY_REFUSAL_MS - 1000);
    try {
      expect(await session.refresh(REASON)).to.equal(false);
      expect([session.failed, announced], 'within the window').to.deep.equal([null, 0]);
    } finally {
      restore();
    }
    const later = skewClock(EARLY_REFUSAL_MS + 100);
    try {
      expect(await session.refresh(REASON)).to.equal(false);
      await Promise.resolve();
      expect([session.error?.code, announced], 'past the window').to.deep.equal(['session-expired', 1]);
      // Healthy again (a rejoin with it was accepted): the next early refusal starts a window of its own.
      session.clearError();
      expect(await session.refresh(REASON)).to.equal(false);
      expect(session.failed, 'a new window').to.equal(null);
    } finally {
      later();
    }
    const rejected = new Session(async () => token, undefined, { changed() {}, renewed() {} });
    rejected.attach({ setAuth: async () => {}, accessTokenValue: null } as never);
    await rejected.tokens.get();
    expect(await rejected.refresh('Realtime refused the access token: JwtSignatureError: Failed to validate JWT signature')).to.equal(false);
    expect(rejected.failed?.detail, 'a signature refusal is not waited on').to.equal('token-rejected');
  });

  it('a host that answers onSessionExpired with a refused or expired token is not asked again in a loop: the token just refused is not tried again, an expired one is not sent, and each ask after a refusal in a row waits longer until the connection is healthy (QA35 H1: 658 events and 933 refused reads in 10 s)', async () => {
    const REASON = 'JwtSignatureError: Failed to validate JWT signature';
    const bad = jwt('alice', 3600);
    const session = new Session(bad, undefined, { changed() {}, renewed() {} });
    session.attach({ setAuth: async () => {}, accessTokenValue: null } as never);
    const asked: number[] = [];
    let answer: (() => string) | null = null;
    session.onExpired(() => {
      asked.push(Date.now());
      if (answer) session.set(answer());
    });
    const tick = () => new Promise((r) => setTimeout(r));
    const until = async (ok: () => boolean, what: string) => {
      for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(ok(), what).to.equal(true);
    };
    // The token just refused, handed back unchanged: the session stays failed (nothing to send).
    answer = () => bad;
    session.refused(REASON);
    await tick();
    expect(asked.length, 'asked at once the first time').to.equal(1);
    expect(session.failed?.detail, 'still failed: the same token is not tried again').to.equal('token-rejected');
    await until(() => asked.length === 2, 'asked again, after a wait');
    expect(asked[1]! - asked[0]!, 'the second ask waited').to.be.at.least(ASK_AGAIN_MS[0]! - 50);
    // An already-expired token: not sent, the session reads expired at once.
    answer = null;
    session.set(jwt('alice', -60));
    expect(session.expired, 'an expired token handed over is not sent').to.equal(true);
    // A new token refused again in a row: asked again only after a wait.
    session.set(jwt('alice', 7200));
    expect(session.failed, 'a new token is tried').to.equal(null);
    const before = asked.length;
    session.refused(REASON);
    await tick();
    expect(asked.length, 'not asked at once after refusals in a row').to.equal(before);
    await until(() => asked.length === before + 1, 'asked after the wait');
    // Healthy in between (the connection was up): the next refusal asks at once again.
    session.set(jwt('alice', 7200));
    session.clearError();
    session.refused(REASON);
    await tick();
    expect(asked.length, 'asked at once after a healthy connection').to.equal(before + 2);
  });

  it('a source token about to expire before the next heartbeat has its successor handed to realtime at a watchdog tick, once per token (tokens shorter-lived than a heartbeat interval were refused once each)', async () => {
    const handed: string[] = [];
    let next = jwt('alice', 5); // under HAND_OVER_MS left
    let asks = 0;
    const session = new Session(async () => (asks++, next), undefined, { changed() {}, renewed() {} });
    const realtime = { accessTokenValue: null as string | null, setAuth: async (t: string) => void handed.push((realtime.accessTokenValue = t)) };
    session.attach(realtime as never);
    realtime.accessTokenValue = await session.tokens.get();
    const first = realtime.accessTokenValue;
    expect(HAND_OVER_MS).to.be.above(5000);
    next = jwt('alice', 3600);
    session.checkExpiry();
    for (let i = 0; i < 50 && !handed.length; i++) await new Promise((r) => setTimeout(r));
    expect(handed, 'the next token handed over at the tick').to.deep.equal([next]);
    // Far from expiry: the heartbeats hand tokens over; a tick asks nothing.
    const before = asks;
    session.checkExpiry(); // decides at once: nothing is started
    expect(handed.length).to.equal(1);
    expect(asks, 'not asked for an hour-long token').to.equal(before);
    expect(first).to.not.equal(next);
  });

  it("a source's newer token already in hand (a read's ask answered after it stopped waiting) is handed over at the tick, without asking again (QA51 F1: a 2.5 s callback, refused twice a minute)", async () => {
    let next = jwt('alice', 5);
    let asks = 0;
    const session = new Session(async () => (asks++, next), undefined, { changed() {}, renewed() {} });
    const handed: string[] = [];
    const realtime = { accessTokenValue: null as string | null, setAuth: async (t: string) => void handed.push((realtime.accessTokenValue = t)) };
    session.attach(realtime as never);
    realtime.accessTokenValue = await session.tokens.get();
    next = jwt('alice', 3600);
    await session.tokens.get(true); // cached only: realtime still holds the short one
    const asked = asks;
    session.checkExpiry();
    await new Promise((r) => setTimeout(r));
    expect(handed).to.deep.equal([next]);
    expect(asks, 'nothing asked').to.equal(asked);
  });

  it("another user's token in hand is not handed to the connection of the first (the user change rebuilds it)", async () => {
    let next = jwt('alice', 5);
    const session = new Session(async () => next, undefined, { changed() {}, renewed() {} });
    const handed: string[] = [];
    const realtime = { accessTokenValue: null as string | null, setAuth: async (t: string) => void handed.push((realtime.accessTokenValue = t)) };
    session.attach(realtime as never);
    realtime.accessTokenValue = await session.tokens.get();
    next = jwt('bob', 3600);
    await session.tokens.get(true);
    session.checkExpiry();
    await new Promise((r) => setTimeout(r));
    expect(handed).to.deep.equal([]);
  });

  it('a source that answers the same short token again is asked once for it, not at every tick, and nothing is handed over', async () => {
    const stuck = jwt('alice', 4);
    let asks = 0;
    const session = new Session(async () => (asks++, stuck), undefined, { changed() {}, renewed() {} });
    const handed: string[] = [];
    session.attach({ accessTokenValue: stuck, setAuth: async (t: string) => void handed.push(t) } as never);
    await session.tokens.get();
    const asked = asks;
    session.checkExpiry();
    session.checkExpiry();
    session.checkExpiry();
    await new Promise((r) => setTimeout(r)); // the one ask's answer settled (microtasks drained)
    expect(asks - asked, 'one ask for the stuck token').to.equal(1);
    expect(handed).to.deep.equal([]);
  });

  it('a fixed token near its expiry is not handed over again (nothing to renew it with)', async () => {
    const token = jwt('alice', 4);
    const session = new Session(token, undefined, { changed() {}, renewed() {} });
    const handed: string[] = [];
    session.attach({ accessTokenValue: token, setAuth: async (t: string) => void handed.push(t) } as never);
    session.checkExpiry(); // decides at once: nothing is started
    expect(handed).to.deep.equal([]);
  });
});
