/**
 * Session: the connection's view of the user's session (src/core/session.ts), with an in-memory
 * token source and no realtime client.
 */
import { expect } from '@open-wc/testing';
import { Session } from '../../src/core/session.js';
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
});
