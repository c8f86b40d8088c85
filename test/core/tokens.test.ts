/**
 * TokenSource.recheck: a token source that can be asked again is asked on the client's watchdog
 * tick (at most every USER_CHECK_MS), so a sign-out or another user is noticed on a quiet page.
 */
import { expect } from '@open-wc/testing';
import { TokenSource, USER_CHECK_MS } from '../../src/core/tokens.js';
import { observeServerTime, resetServerClock } from '../../src/core/server-clock.js';

const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const jwt = (sub: string, exp = Math.floor(Date.now() / 1000) + 3600) => `${b64({ alg: 'none' })}.${b64({ sub, role: 'authenticated', exp })}.x`;
const settle = () => new Promise((r) => setTimeout(r, 0));

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
    source.recheck(t0 + 10); // just asked: not again
    await settle();
    expect(calls).to.equal(1);
    source.recheck(t0 + USER_CHECK_MS + 10);
    await settle();
    expect(calls).to.equal(2);
    expect(users).to.deep.equal(['bob']);

    current = null;
    source.recheck(t0 + 2 * USER_CHECK_MS + 20);
    await settle();
    expect(users).to.deep.equal(['bob', null]);
  });

  it('has nothing to ask for a fixed token: no call, no user change', async () => {
    const token = jwt('alice');
    const fixed = new TokenSource(token);
    const users: Array<string | null> = [];
    fixed.onUserChange = (u) => users.push(u);
    fixed.recheck(Date.now() + 10 * USER_CHECK_MS);
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
});
