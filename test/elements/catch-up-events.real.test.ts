/**
 * rt-alert / rt-notification for rows written while the page could not hear them, when the list is
 * rebuilt while a catch-up is owed (QA round 46): `max-items` changed (a new store of the same
 * subject), `user-id` set to the signed-in user's own id, the element moved in the DOM, a second
 * list of the same user added; and the catch-up read failing in other ways (regression guards).
 * Against the real local backend. Each row fires once, oldest first.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { loadElements } from './under-test.js';
import { deleteRows, mintToken, pauseRealtime, updateRows } from '../helpers/backend.js';
import { atLeast, firedBy, intercept, isCatchUp, listPage, offLive, refuse, until, writeN, type ListPage } from './offline-helpers.js';

/**
 * The socket comes back while REST still refuses: the resync's catch-up read is refused, so one is
 * owed (`state.catchingUp`) until `state.offline` is set false.
 */
async function owedAfterOutage(p: ListPage, written: string[], prefix: string) {
  const state = { offline: true, catchUps: 0 };
  const offline = await intercept(() => state.offline, refuse);
  const counted = await intercept(
    (url) => state.offline && isCatchUp(url),
    async () => {
      state.catchUps++;
      return refuse();
    },
  );
  const restore = () => (counted(), offline());
  await pauseRealtime(3000);
  await offLive(p.el);
  await writeN(p, written, prefix, 3);
  await waitUntil(() => p.joined() && state.catchUps > 0, 'joined again, its reads refused', { timeout: 30_000, interval: 20 });
  return { state, restore };
}

describe('QA46: a list rebuilt while rows written during an outage are owed (real backend)', function () {
  this.timeout(90_000);
  before(async () => {
    await loadElements();
  });
  afterEach(async () => {
    await pauseRealtime(0).catch(() => {});
  });

  for (const [from, to] of [
    [2, 3],
    [3, 2],
  ] as const) {
    it(`max-items ${from} → ${to} during an outage: every row written meanwhile fires once, oldest first (F1)`, async () => {
      const p = await listPage('alerts', from);
      const written: string[] = [];
      await writeN(p, written, 'A', 1);
      await atLeast(p.fired, 1, 'first live');
      await pauseRealtime(4000);
      await offLive(p.el);
      await writeN(p, written, 'A', 5);
      p.el.setAttribute('max-items', String(to));
      await until(p.el, /\bLive\b/, 'Live', 20_000);
      expect(await p.settled()).to.deep.equal(written);
    });
  }

  it('max-items changed while a catch-up read is owed (refused; the socket is back): the outage rows and one Realtime delivered meanwhile fire once, oldest first (F1)', async () => {
    const p = await listPage('alerts', 2);
    const written: string[] = [];
    await writeN(p, written, 'C', 1);
    await atLeast(p.fired, 1, 'first live');
    const { state, restore } = await owedAfterOutage(p, written, 'C');
    try {
      await writeN(p, written, 'C', 1); // delivered by Realtime, waits for the catch-up
      await until(p.el, new RegExp(written[written.length - 1]!));
      p.el.setAttribute('max-items', '3');
      state.offline = false;
      await until(p.el, /\bLive\b/, 'Live', 30_000);
      expect(await p.settled()).to.deep.equal(written);
    } finally {
      restore();
    }
  });

  it('moved in the DOM (removed and re-added at once) while a catch-up read is owed: the outage rows, and those written after the move, fire once on return (F2)', async () => {
    const p = await listPage('alerts', 2);
    const written: string[] = [];
    await writeN(p, written, 'D', 1);
    await atLeast(p.fired, 1, 'first live');
    const { state, restore } = await owedAfterOutage(p, written, 'D');
    try {
      const parent = p.el.parentElement!;
      parent.removeChild(p.el);
      parent.appendChild(p.el); // a framework re-ordering its children
      await writeN(p, written, 'D', 2);
      await until(p.el, new RegExp(written[written.length - 1]!)); // shown (delivered by Realtime)
      state.offline = false;
      await until(p.el, /\bLive\b/, 'Live', 30_000);
      expect(await p.settled()).to.deep.equal(written);
    } finally {
      restore();
    }
  });

  it('a second list of the same user (one shared store) added while a catch-up read is owed: the rows written after it was added fire on it, once (F2)', async () => {
    const p = await listPage('alerts', 2);
    const written: string[] = [];
    await writeN(p, written, 'E', 1);
    await atLeast(p.fired, 1, 'first live');
    const { state, restore } = await owedAfterOutage(p, written, 'E');
    try {
      const second = document.createElement('rt-signal-alerts');
      second.setAttribute('max-items', '2');
      const secondFired = firedBy(p.wrapper, 'alerts', p.tag, second);
      p.wrapper.appendChild(second);
      await until(second, new RegExp(written[0]!)); // the shared store's rows shown
      await writeN(p, written, 'E', 2);
      const after = written.slice(-2);
      await until(second, new RegExp(after[1]!)); // delivered by Realtime
      state.offline = false;
      await until(p.el, /\bLive\b/, 'Live', 30_000);
      await until(second, /\bLive\b/, 'Live', 30_000);
      expect(await p.settled()).to.deep.equal(written);
      // Rows written before it was added may fire on it or not; those written after must, once each, last.
      const got = await p.settled(secondFired);
      expect(new Set(got).size).to.equal(got.length);
      expect(got.slice(-after.length)).to.deep.equal(after);
    } finally {
      restore();
    }
  });

  it("user-id set to the signed-in user's own id during an outage (the same subject): the rows written meanwhile fire once (F3)", async () => {
    const p = await listPage('notes', 2);
    const written: string[] = [];
    await writeN(p, written, 'U', 1);
    await atLeast(p.fired, 1, 'first live');
    await pauseRealtime(4000);
    await offLive(p.el);
    await writeN(p, written, 'U', 4);
    p.el.setAttribute('user-id', p.me);
    await until(p.el, /\bLive\b/, 'Live', 20_000);
    expect(await p.settled()).to.deep.equal(written);
  });

  it('an empty list (no rows yet) goes Live, then an outage: every row written meanwhile fires once, beyond max-items', async () => {
    const p = await listPage('alerts', 2);
    const written: string[] = [];
    await pauseRealtime(3000);
    await offLive(p.el);
    await writeN(p, written, 'F', 5);
    await until(p.el, /\bLive\b/, 'Live', 20_000);
    expect(await p.settled()).to.deep.equal(written);
  });

  it('the catch-up read fails three ways (refused, a 503, a 200 that is not a list), then answers; a row Realtime delivers meanwhile fires after the outage rows', async () => {
    const p = await listPage('alerts', 2);
    const written: string[] = [];
    await writeN(p, written, 'G', 1);
    await atLeast(p.fired, 1, 'first live');
    let n = 0;
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    const answers = [refuse, async () => json(503, { message: 'unavailable' }), async () => json(200, { rows: [] })];
    const restore = await intercept(isCatchUp, (go) => (n < answers.length ? answers[n++]!() : go()));
    try {
      await pauseRealtime(3000);
      await offLive(p.el);
      await writeN(p, written, 'G', 4);
      await waitUntil(() => p.joined() && n >= 1, 'joined again, a catch-up read failed', { timeout: 20_000, interval: 20 });
      await writeN(p, written, 'G', 1);
      await until(p.el, /\bLive\b/, 'Live', 40_000);
      expect(n).to.equal(3);
      expect(await p.settled()).to.deep.equal(written);
    } finally {
      restore();
    }
  });

  it('a refill read (a row of the full list deleted) whose catch-up read fails: not Live meanwhile, and rows written then fire once, in order', async () => {
    const p = await listPage('alerts', 2);
    const written: string[] = [];
    await writeN(p, written, 'H', 3);
    await atLeast(p.fired, 3, 'three live');
    let failing = true;
    let failed = 0;
    const restore = await intercept(
      (url) => failing && isCatchUp(url),
      async () => {
        failed++;
        return refuse();
      },
    );
    try {
      await deleteRows('signal_alerts', { business_name: written[2]! }); // the full list refills: a read after Live
      await waitUntil(() => failed > 0, 'the refill read its catch-up', { timeout: 20_000, interval: 20 });
      await offLive(p.el);
      const after: string[] = [];
      await writeN(p, after, 'H', 3);
      failing = false;
      await until(p.el, /\bLive\b/, 'Live', 30_000);
      expect(await p.settled()).to.deep.equal([...written, ...after]);
    } finally {
      restore();
    }
  });

  it('an outage row deleted and another updated before the return: the rest fire once, oldest first, the deleted one not at all', async () => {
    const p = await listPage('alerts', 2);
    const written: string[] = [];
    await writeN(p, written, 'I', 1);
    await atLeast(p.fired, 1, 'first live');
    await pauseRealtime(3000);
    await offLive(p.el);
    await writeN(p, written, 'I', 5);
    await deleteRows('signal_alerts', { business_name: written[2]! });
    await updateRows('signal_alerts', { business_name: written[4]! }, { read: true });
    await until(p.el, /\bLive\b/, 'Live', 20_000);
    expect(await p.settled()).to.deep.equal(written.filter((_, i) => i !== 2));
  });

  it('the token expires during an outage and a new one comes with the return: the rows written meanwhile fire once, oldest first', async () => {
    const p = await listPage('alerts', 2, 12);
    const written: string[] = [];
    await writeN(p, written, 'T', 1);
    await atLeast(p.fired, 1, 'first live');
    await pauseRealtime(60_000);
    await offLive(p.el);
    await writeN(p, written, 'T', 4);
    await until(p.el, /expired|sign in/i, 'the session expired', 30_000);
    await writeN(p, written, 'T', 2);
    p.wrapper.setAttribute('access-token', await mintToken(p.me, 3600));
    await pauseRealtime(0);
    await until(p.el, /\bLive\b/, 'Live', 30_000);
    expect(await p.settled()).to.deep.equal(written);
  });
});
