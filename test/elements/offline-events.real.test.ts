/**
 * rt-alert / rt-notification for rows written while the page could not hear them (QA round 44,
 * after the QA42 F1 catch-up read and F2 order), against the real local backend: a writer's clock
 * ahead, ties with the newest seen, Realtime behind then down, REST refused too, RLS, a token
 * refresh, the dashboard. Each fires once, oldest first.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { loadElements } from './under-test.js';
import { ACME, ALICE, BOB, backendInfo, insertRows, lagRealtime, mintToken, newId, pauseRealtime, signIn, updateRows, USERS } from '../helpers/backend.js';
import { text } from './helpers.js';
import type { RtClientApi } from '../../src/core/client-types.js';
import { alert, atLeast, collect, intercept, isCatchUp, listPage, offLive, until, TIMEOUT } from './offline-helpers.js';

describe('QA44: events for rows written while the page could not hear them (real backend)', function () {
  this.timeout(60_000);
  before(async () => {
    await loadElements();
  });
  afterEach(async () => {
    await pauseRealtime(0).catch(() => {});
    await lagRealtime(0).catch(() => {});
  });

  it('an alert dated ahead (a writer clock 10 min fast) does not silence every alert written during a later outage', async () => {
    const { tag, el, fired: alerts, write } = await listPage('alerts', 3);
    // One writer's clock is ahead: its alert is dated 10 minutes from now. It fires live (an INSERT).
    const ahead = `Ahead ${tag}`;
    await write(ahead, { created_at: new Date(Date.now() + 600_000).toISOString() });
    await atLeast(alerts, 1, 'the dated-ahead alert, live');
    // An outage; five alerts written meanwhile by the database's own clock (created_at default now()).
    await pauseRealtime(3000);
    await offLive(el);
    const names = Array.from({ length: 5 }, (_, i) => `Outage ${i} ${tag}`);
    for (const n of names) await write(n);
    await until(el, /\bLive\b/);
    await until(el, new RegExp(`Outage 4 ${tag}`)); // the re-read landed: the newest are shown
    await atLeast(alerts, 6, 'rt-alert for the alerts written during the outage');
    expect(alerts).to.deep.equal([ahead, ...names]);
  });

  it('an alert written during an outage with the same created_at as the newest seen live fires (beyond max-items)', async () => {
    const { tag, el, fired: alerts, write } = await listPage('alerts', 3);
    // Signals carry the time they were detected, to the second (an upstream feed): ties happen.
    const t0 = new Date(Math.floor(Date.now() / 1000) * 1000);
    const first = `Tie A ${tag}`;
    await write(first, { created_at: t0.toISOString() });
    await atLeast(alerts, 1, 'the first alert, live');
    await pauseRealtime(3000);
    await offLive(el);
    const tie = `Tie B ${tag}`;
    await write(tie, { created_at: t0.toISOString() });
    const later = [1, 2, 3].map((i) => `Later ${i} ${tag}`);
    for (const [i, n] of later.entries()) await write(n, { created_at: new Date(t0.getTime() + (i + 1) * 1000).toISOString() });
    await until(el, /\bLive\b/);
    await until(el, new RegExp(`Later 3 ${tag}`));
    await atLeast(alerts, 5, 'rt-alert for every alert written during the outage');
    expect(alerts).to.deep.equal([first, tie, ...later]);
  });

  it('the dashboard passes on rt-alert / rt-notification for rows written during an outage, each once, oldest first', async () => {
    const tag = newId().slice(0, 8);
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const wrapper = await fixture<HTMLElement>(
      html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}><rt-monitoring-dashboard org-id=${ACME}></rt-monitoring-dashboard></rt-provider>`,
    );
    const dash = wrapper.querySelector('rt-monitoring-dashboard')!;
    const { alerts, notes } = collect(wrapper, tag);
    await waitUntil(() => dash.shadowRoot?.querySelector('rt-signal-alerts') && dash.shadowRoot?.querySelector('rt-notifications'), 'inner lists', { timeout: TIMEOUT });
    const innerA = dash.shadowRoot!.querySelector('rt-signal-alerts')!;
    const innerN = dash.shadowRoot!.querySelector('rt-notifications')!;
    await until(innerA, /\bLive\b/);
    await until(innerN, /\bLive\b/);
    const before = `Dash before ${tag}`;
    await insertRows('signal_alerts', [alert(ALICE, before)]);
    await insertRows('notifications', [{ id: newId(), user_id: ALICE, title: before, type: 'info' }]);
    await atLeast(alerts, 1, 'first alert live');
    await atLeast(notes, 1, 'first notification live');
    await pauseRealtime(3000);
    await offLive(innerA);
    const names = Array.from({ length: 14 }, (_, i) => `Dash ${String(i).padStart(2, '0')} ${tag}`);
    for (const n of names) {
      await insertRows('signal_alerts', [alert(ALICE, n)]);
      await insertRows('notifications', [{ id: newId(), user_id: ALICE, title: n, type: 'info' }]);
    }
    await atLeast(alerts, 15, 'dashboard rt-alert after the outage');
    await atLeast(notes, 15, 'dashboard rt-notification after the outage');
    await until(innerA, /\bLive\b/);
    expect(alerts).to.deep.equal([before, ...names]);
    expect(notes).to.deep.equal([before, ...names]);
  });

  it('Realtime running 3 s behind: rows read over REST meanwhile and delivered late fire once', async () => {
    const { tag, el, fired, write, settled } = await listPage('alerts', 2);
    const written = [`L00 ${tag}`];
    await write(written[0]!);
    await atLeast(fired, 1, 'first live');
    await lagRealtime(3000);
    for (let k = 1; k <= 8; k++) {
      written.push(`L${String(k).padStart(2, '0')} ${tag}`);
      await write(written[k]!);
      await until(el, new RegExp(written[k]!)); // shown: read over REST, or delivered late
    }
    await atLeast(fired, written.length, 'rt-alert for all');
    await lagRealtime(0);
    await until(el, /\bLive\b/);
    expect(await settled()).to.deep.equal(written);
  });

  it('Realtime behind, then an outage: alerts the page read over REST while Live (beyond max-items) but Realtime never delivered still fire', async () => {
    const { tag, el, fired: alerts, write, settled } = await listPage('alerts', 2);
    const written = [`B00 ${tag}`];
    await write(written[0]!);
    await atLeast(alerts, 1, 'first live');
    // Realtime runs 3 s behind the database; five alerts are written at once.
    await lagRealtime(3000);
    for (let k = 1; k <= 5; k++) {
      written.push(`B0${k} ${tag}`);
      await write(written[k]!);
    }
    // The page re-reads its list (the unread count found more rows than it knew of): the newest two
    // show, and fire, before Realtime delivers anything.
    await until(el, new RegExp(`B05 ${tag}`));
    // The socket drops before Realtime delivers the other three, and stays down past the lag.
    await pauseRealtime(6000);
    await offLive(el);
    await lagRealtime(0);
    await until(el, /\bLive\b/);
    await atLeast(alerts, written.length, 'rt-alert for every alert written');
    expect(await settled()).to.deep.equal(written);
  });

  it('two outages in a row, rows written in both and right at each reconnect: each fires once, oldest first', async () => {
    const { tag, el, fired, write, settled } = await listPage('alerts', 2);
    const written: string[] = [];
    const next = async () => {
      written.push(`W${String(written.length).padStart(2, '0')} ${tag}`);
      await write(written[written.length - 1]!);
    };
    await next();
    await atLeast(fired, 1, 'first live');
    for (let round = 0; round < 2; round++) {
      await pauseRealtime(2000);
      await offLive(el);
      for (let k = 0; k < 4; k++) await next();
      // Keep writing while the page reconnects and reads (the catch-up read races these).
      while (!/\bLive\b/.test(text(el))) await next();
      for (let k = 0; k < 3; k++) await next();
    }
    await atLeast(fired, written.length, 'rt-alert for all rows');
    expect(await settled()).to.deep.equal(written);
  });

  it('a row Realtime delivers while the catch-up read is in flight fires after the rows written during the outage (QA44 F4)', async () => {
    const info = await backendInfo();
    const { tag, wrapper, el, fired, write, settled } = await listPage('alerts', 2);
    const written = [`S00 ${tag}`];
    await write(written[0]!);
    await atLeast(fired, 1, 'first live');
    // A slow network for the catch-up read: it is held until the test lets it go.
    const realFetch = window.fetch;
    const held: (() => void)[] = [];
    let holding = true;
    window.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = decodeURIComponent(String(input instanceof Request ? input.url : input));
      if (holding && url.startsWith(info.url) && url.includes('created_at=gte.')) await new Promise<void>((r) => held.push(r));
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      const client = (wrapper as HTMLElement & { rtClient?: RtClientApi }).rtClient!;
      const joined = () => client.getActiveSubscriptions().every((s) => s.status === 'connected');
      await pauseRealtime(3000);
      await offLive(el);
      for (let k = 1; k <= 4; k++) {
        written.push(`S0${k} ${tag}`);
        await write(written[k]!);
      }
      // Reconnected: the channel joined, its read with the catch-up read beside it is in flight (and
      // held); an alert written now comes over Realtime.
      await waitUntil(() => joined() && held.length > 0, 'the channel joined again, its catch-up read held', { timeout: 20_000, interval: 20 });
      written.push(`S05 ${tag}`);
      await write(written[5]!);
      await until(el, new RegExp(`S05 ${tag}`)); // shown, live, while the read is held
      holding = false;
      for (const go of held.splice(0)) go();
      await atLeast(fired, written.length, 'rt-alert for every alert written');
      expect(await settled()).to.deep.equal(written);
    } finally {
      holding = false;
      for (const go of held.splice(0)) go();
      window.fetch = realFetch;
    }
  });

  it('offline for real (REST refused too): rows written meanwhile fire once on return, beyond max-items', async () => {
    const info = await backendInfo();
    const { tag, el, fired: notes, write } = await listPage('notes', 2);
    const written = [`N00 ${tag}`];
    await write(written[0]!);
    await atLeast(notes, 1, 'first live');
    // The page goes offline: its fetches to the backend's REST fail (the test's own service calls pass).
    const realFetch = window.fetch;
    let offline = true;
    let refused = 0;
    window.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      const h = new Headers(input instanceof Request ? input.headers : init?.headers);
      const service = h.get('apikey') === info.serviceRoleKey;
      if (offline && url.startsWith(info.url) && !service) {
        refused++;
        return Promise.reject(new TypeError('Failed to fetch'));
      }
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      await pauseRealtime(60_000);
      await offLive(el);
      for (let k = 1; k <= 6; k++) {
        written.push(`N${String(k).padStart(2, '0')} ${tag}`);
        await write(written[k]!);
      }
      // The page's reads fail meanwhile: wait for one refused after the writes.
      const before = refused;
      await waitUntil(() => refused > before, 'the page never tried to read while offline', { timeout: 20_000, interval: 50 });
      offline = false;
      await pauseRealtime(0);
      await until(el, /\bLive\b/);
      await atLeast(notes, written.length, 'rt-notification after coming back online');
      expect(notes).to.deep.equal(written);
    } finally {
      window.fetch = realFetch;
    }
  });

  it('a notification written and marked read elsewhere during the outage fires once, in its place, as it would live', async () => {
    const { tag, el, fired: notes, write } = await listPage('notes', 1);
    await write(`R0 ${tag}`);
    await atLeast(notes, 1, 'first live');
    await pauseRealtime(3000);
    await offLive(el);
    const id = newId();
    await write(`R1 read ${tag}`, { id });
    await updateRows('notifications', { id }, { read: true });
    await write(`R2 ${tag}`);
    await until(el, /\bLive\b/);
    // As live, where its INSERT is delivered before the UPDATE: it fires, once, in its place.
    await atLeast(notes, 3, 'events after the outage');
    expect(notes).to.deep.equal([`R0 ${tag}`, `R1 read ${tag}`, `R2 ${tag}`]);
  });
  it("another user's alerts (user-id of someone else, RLS) written during an outage fire nothing", async () => {
    const tag = newId().slice(0, 8);
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const wrapper = await fixture<HTMLElement>(
      html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}><rt-signal-alerts user-id=${BOB} max-items="2"></rt-signal-alerts><rt-signal-alerts max-items="2"></rt-signal-alerts></rt-provider>`,
    );
    const [bobs, mine] = [...wrapper.querySelectorAll('rt-signal-alerts')];
    const { alerts } = collect(wrapper, tag);
    await until(mine!, /\bLive\b/);
    await insertRows('signal_alerts', [alert(ALICE, `Mine 0 ${tag}`)]);
    await atLeast(alerts, 1, 'mine, live');
    await pauseRealtime(3000);
    await offLive(mine!);
    for (let k = 0; k < 3; k++) await insertRows('signal_alerts', [alert(BOB, `Bob ${k} ${tag}`)]);
    await insertRows('signal_alerts', [alert(ALICE, `Mine 1 ${tag}`)]);
    await until(mine!, /\bLive\b/);
    await atLeast(alerts, 2, 'mine after the outage');
    // A last alert of mine, written live, fires after anything the outage could still cause.
    await insertRows('signal_alerts', [alert(ALICE, `Mine 2 ${tag}`)]);
    await atLeast(alerts, 3, 'mine, live after the outage');
    expect(alerts).to.deep.equal([`Mine 0 ${tag}`, `Mine 1 ${tag}`, `Mine 2 ${tag}`]);
    expect(text(bobs!)).not.to.include('Bob 0');
  });

  it('a token refresh (same user) during the outage: rows written meanwhile fire once, oldest first', async () => {
    const { me, tag, wrapper: provider, el, fired: alerts, write, settled } = await listPage('alerts', 2);
    const written = [`T00 ${tag}`];
    await write(written[0]!);
    await atLeast(alerts, 1, 'first live');
    await pauseRealtime(3000);
    await offLive(el);
    for (let k = 1; k <= 3; k++) {
      written.push(`T0${k} ${tag}`);
      await write(written[k]!);
    }
    provider.setAttribute('access-token', await mintToken(me, 7200));
    for (let k = 4; k <= 6; k++) {
      written.push(`T0${k} ${tag}`);
      await write(written[k]!);
    }
    await until(el, /\bLive\b/);
    await atLeast(alerts, written.length, 'rt-alert for every alert written');
    expect(await settled()).to.deep.equal(written);
  });
});

describe('QA45: the catch-up read fails, is late, or finds more than the cap; the list is rebuilt (real backend)', function () {
  this.timeout(90_000);
  before(async () => {
    await loadElements();
  });
  afterEach(async () => {
    await pauseRealtime(0).catch(() => {});
  });

  /** A list of 2 with one alert live, then an outage with `n` alerts written meanwhile; the names, oldest first. */
  async function outage(n: number, answer: Parameters<typeof intercept>[1]) {
    const p = await listPage('alerts', 2);
    const written = [`O000 ${p.tag}`];
    await p.write(written[0]!);
    await atLeast(p.fired, 1, 'first live');
    const restore = await intercept(isCatchUp, answer);
    await pauseRealtime(3000);
    await offLive(p.el);
    for (let k = 1; k <= n; k++) {
      written.push(`O${String(k).padStart(3, '0')} ${p.tag}`);
      await p.write(written[k]!);
    }
    return { ...p, written, restore };
  }

  // The catch-up read of the read that brings the list back to Live fails once, then answers.
  const failures: [string, Parameters<typeof intercept>[1]][] = [
    ['refused (a network error)', async () => Promise.reject(new TypeError('Failed to fetch'))],
    [
      'answered by a gateway timeout (504) after a stall',
      async () => {
        await new Promise((r) => setTimeout(r, 1500)); // an upstream that hangs, then gives up
        return new Response(JSON.stringify({ message: 'upstream request timeout' }), { status: 504, headers: { 'content-type': 'application/json' } });
      },
    ],
  ];
  for (const [how, fail] of failures) {
    it(`the catch-up read ${how} at the return: the outage rows beyond max-items still fire, once, oldest first (QA45 F1)`, async () => {
      let failed = 0;
      const { el, written, restore, settled } = await outage(5, (go, init) => (failed++ ? go() : fail(go, init)));
      try {
        await until(el, /\bLive\b/);
        expect(failed).to.be.greaterThan(1);
        expect(await settled()).to.deep.equal(written);
      } finally {
        restore();
      }
    });
  }

  it('the socket back before REST: an alert Realtime delivers waits for the outage rows, which fire first (QA45 F4)', async () => {
    const p = await listPage('alerts', 2);
    const written = [`J00 ${p.tag}`];
    await p.write(written[0]!);
    await atLeast(p.fired, 1, 'first live');
    let offline = true;
    let refused = 0;
    const restore = await intercept(
      () => offline,
      async () => {
        refused++;
        throw new TypeError('Failed to fetch');
      },
    );
    try {
      const client = (p.wrapper as HTMLElement & { rtClient?: RtClientApi }).rtClient!;
      await pauseRealtime(3000);
      await offLive(p.el);
      for (let k = 1; k <= 4; k++) {
        written.push(`J0${k} ${p.tag}`);
        await p.write(written[k]!);
      }
      // The socket is back (the channel joined); REST still refuses: the read after it failed.
      const before = refused;
      await waitUntil(() => client.getActiveSubscriptions().every((s) => s.status === 'connected') && refused > before, 'joined again, its read refused', { timeout: 20_000, interval: 20 });
      written.push(`J05 ${p.tag}`);
      await p.write(written[5]!);
      await until(p.el, new RegExp(`J05 ${p.tag}`)); // shown, delivered by Realtime while REST is refused
      expect(p.fired).to.deep.equal([written[0]]); // its event waits for the rows it follows
      offline = false;
      await until(p.el, /\bLive\b/);
      expect(await p.settled()).to.deep.equal(written);
    } finally {
      restore();
    }
  });

  it('more than 1000 rows written during an outage, and alerts Realtime delivers while the catch-up read is in flight: the newest 1000 fire, the delivered ones last (QA45 F2)', async () => {
    const p = await listPage('alerts', 2);
    await p.write(`K0000 ${p.tag}`);
    await atLeast(p.fired, 1, 'first live');
    // The catch-up read's answer is held (the read ran before the delivered alerts were written).
    const held: (() => void)[] = [];
    const restore = await intercept(isCatchUp, async (go) => {
      const res = await go();
      await new Promise<void>((r) => held.push(r));
      return res;
    });
    try {
      const client = (p.wrapper as HTMLElement & { rtClient?: RtClientApi }).rtClient!;
      await pauseRealtime(3000);
      await offLive(p.el);
      const base = Date.now();
      const burst = Array.from({ length: 1100 }, (_, i) => alert(p.me, `K${String(i + 1).padStart(4, '0')} ${p.tag}`, { created_at: new Date(base + i).toISOString() }));
      await insertRows('signal_alerts', burst);
      await waitUntil(() => client.getActiveSubscriptions().every((s) => s.status === 'connected') && held.length > 0, 'joined again, the catch-up read held', { timeout: 20_000, interval: 20 });
      // Three: the list of two shows the newest two, the first only the store's inserted rows name.
      const delivered = [`L1 ${p.tag}`, `L2 ${p.tag}`, `L3 ${p.tag}`];
      for (const n of delivered) {
        await p.write(n);
        await until(p.el, new RegExp(n));
      }
      // The hold lifted first: a catch-up read started from now on (a refill, a re-read) goes to
      // the server, where held for ever it would overtake the released one and keep the rows owed.
      restore();
      for (const go of held.splice(0)) go();
      await atLeast(p.fired, 1001, 'the newest 1000 after the outage');
      const after = (await p.settled()).slice(1);
      expect(after.length).to.equal(1000);
      expect(after.slice(-3)).to.deep.equal(delivered);
      expect(after.slice(0, -3)).to.deep.equal(burst.slice(-997).map((a) => a.business_name));
    } finally {
      for (const go of held.splice(0)) go();
      restore();
    }
  });

  it('max-items changed while rows are written: each new row fires once, none of the rows the larger list brings in (QA45 F3)', async () => {
    const p = await listPage('alerts', 2);
    const older = [0, 1, 2, 3].map((k) => `M older ${k} ${p.tag}`);
    for (const n of older) await p.write(n);
    await atLeast(p.fired, 4, 'the first four, live');
    const written: string[] = [];
    const next = async () => {
      written.push(`M${String(written.length).padStart(2, '0')} ${p.tag}`);
      await p.write(written[written.length - 1]!);
    };
    // Changed while writing: the rows written around the change, before the larger list reads and
    // while it does, are new; the older rows it now shows are not.
    p.el.setAttribute('max-items', '6');
    await next();
    await next();
    await until(p.el, /\bLive\b/);
    p.el.setAttribute('max-items', '3');
    await next();
    await until(p.el, /\bLive\b/);
    await next();
    expect((await p.settled()).slice(4)).to.deep.equal(written);
  });
});
