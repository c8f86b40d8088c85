/**
 * rt-alert / rt-notification for rows written while the page could not hear them, when the list is
 * rebuilt while a catch-up is owed (QA round 46): `max-items` changed (a new store of the same
 * subject), `user-id` set to the signed-in user's own id, the element moved in the DOM, a second
 * list of the same user added; and the catch-up read failing in other ways (regression guards).
 * Against the real local backend. Each row fires once, oldest first.
 */
import { expect, html, waitUntil } from '@open-wc/testing';
import { LitElement } from 'lit';
import { loadElements } from './under-test.js';
import { deleteRows, insertRows, mintToken, newId, pauseRealtime, updateRows } from '../helpers/backend.js';
import { text } from './helpers.js';
import { defineFeed, LiveQueryController } from '../../src/index.js';
import { alert, atLeast, firedBy, intercept, isCatchUp, listPage, offLive, page, refuse, until, writeN, type ListPage } from './offline-helpers.js';

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

/** Every signal_alerts row the signed-in user may read (no filters: Row Level Security decides). */
const myAlertsByRls = defineFeed<{ id: string; created_at: string; business_name: string }, { limit?: number }>({
  name: 'qa47-rls-alerts',
  table: 'signal_alerts',
  kind: 'list',
  order: { column: 'created_at', ascending: false },
  limit: 5,
});
class Qa47RlsAlerts extends LitElement {
  ctl = new LiveQueryController(this, myAlertsByRls, () => ({}));
  override render() {
    const rows = Array.isArray(this.ctl.data) ? (this.ctl.data as { business_name: string }[]) : [];
    return html`${this.ctl.phase} ${rows.map((r) => r.business_name).join(', ')}`;
  }
}
if (!customElements.get('qa47-rls-alerts')) customElements.define('qa47-rls-alerts', Qa47RlsAlerts);

const note = (user: string, title: string) => ({ id: newId(), user_id: user, title, type: 'info' as const });

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
    const p = await listPage('alerts', 2, 20); // lives past the first row and into the outage, on a busy machine too
    const written: string[] = [];
    await writeN(p, written, 'T', 1);
    await atLeast(p.fired, 1, 'first live');
    await pauseRealtime(60_000);
    await offLive(p.el);
    await writeN(p, written, 'T', 4);
    await until(p.el, /expired|sign in/i, 'the session expired', 40_000);
    await writeN(p, written, 'T', 2);
    p.wrapper.setAttribute('access-token', await mintToken(p.me, 3600));
    await pauseRealtime(0);
    await until(p.el, /\bLive\b/, 'Live', 30_000);
    expect(await p.settled()).to.deep.equal(written);
  });
});

describe('QA47: another user, another client, a list re-added: rows fire once or not at all, never in part (real backend)', function () {
  this.timeout(120_000);
  before(async () => {
    await loadElements();
  });
  afterEach(async () => {
    await pauseRealtime(0).catch(() => {});
  });

  it("user-id of Y on a page signed in as X, then Y signs in: Y's existing alerts do not fire", async () => {
    const x = newId();
    const y = newId();
    const tag = y.slice(0, 8);
    const existing = [`Y old 0 ${tag}`, `Y old 1 ${tag}`];
    for (const n of existing) await insertRows('signal_alerts', [alert(y, n)]);
    const wrapper = await page(x, html`<rt-signal-alerts user-id=${y} max-items="3"></rt-signal-alerts>`);
    const el = wrapper.querySelector('rt-signal-alerts')!;
    const fired = firedBy(wrapper, 'alerts', tag, el);
    // X cannot read Y's alerts (RLS): not shown.
    await waitUntil(() => /no access|not found|Live|nothing/i.test(text(el)), 'settled for X', { timeout: 15_000, interval: 30 });
    expect(text(el)).not.to.include('Y old');
    // Y signs in on the page (a new client), the list still names Y.
    wrapper.setAttribute('access-token', await mintToken(y, 3600));
    await until(el, new RegExp(`Y old 1 ${tag}`), "Y's alerts shown");
    await until(el, /\bLive\b/);
    const end = `Y end ${tag}`;
    await insertRows('signal_alerts', [alert(y, end)]);
    await waitUntil(() => fired.includes(end), `the last alert never fired: ${JSON.stringify(fired)}`, { timeout: 20_000, interval: 50 });
    expect(fired.slice(0, fired.indexOf(end))).to.deep.equal([]);
  });

  it("a page signed in as X sets user-id to Y first, then the access-token to Y (framework order): Y's existing notifications do not fire", async () => {
    const x = newId();
    const y = newId();
    const tag = y.slice(0, 8);
    await insertRows('notifications', [note(x, `X own ${tag}`)]);
    const wrapper = await page(x, html`<rt-notifications user-id=${x} max-items="3"></rt-notifications>`);
    const el = wrapper.querySelector('rt-notifications')!;
    const fired = firedBy(wrapper, 'notes', tag, el);
    await until(el, new RegExp(`X own ${tag}`));
    await until(el, /\bLive\b/);
    // Y's notifications, written while X was signed in (later than X's).
    const existing = [`Y old 0 ${tag}`, `Y old 1 ${tag}`];
    for (const n of existing) await insertRows('notifications', [note(y, n)]);
    el.setAttribute('user-id', y);
    wrapper.setAttribute('access-token', await mintToken(y, 3600));
    await until(el, new RegExp(`Y old 1 ${tag}`), "Y's notifications shown");
    await until(el, /\bLive\b/);
    const end = `Y end ${tag}`;
    await insertRows('notifications', [note(y, end)]);
    await waitUntil(() => fired.includes(end), `the last notification never fired: ${JSON.stringify(fired)}`, { timeout: 20_000, interval: 50 });
    expect(fired.slice(0, fired.indexOf(end))).to.deep.equal([]);
  });

  it("the dashboard with user-id of Y (passed down) on a page signed in as X, then Y signs in: Y's existing alerts and notifications do not fire", async () => {
    const x = newId();
    const y = newId();
    const tag = y.slice(0, 8);
    await insertRows('signal_alerts', [alert(y, `Y old A ${tag}`)]);
    await insertRows('notifications', [note(y, `Y old N ${tag}`)]);
    const wrapper = await page(x, html`<rt-monitoring-dashboard user-id=${y} hide-streams hide-scans hide-agents></rt-monitoring-dashboard>`);
    const dash = wrapper.querySelector('rt-monitoring-dashboard')!;
    const alerts = firedBy(wrapper, 'alerts', tag);
    const notes = firedBy(wrapper, 'notes', tag);
    await waitUntil(() => dash.shadowRoot?.querySelector('rt-signal-alerts') && dash.shadowRoot?.querySelector('rt-notifications'), 'inner lists', { timeout: 15_000 });
    const innerA = dash.shadowRoot!.querySelector('rt-signal-alerts')!;
    const innerN = dash.shadowRoot!.querySelector('rt-notifications')!;
    await waitUntil(() => /no access|not found|Live|nothing/i.test(text(innerA)), 'settled for X', { timeout: 15_000, interval: 30 });
    wrapper.setAttribute('access-token', await mintToken(y, 3600));
    await until(innerA, new RegExp(`Y old A ${tag}`));
    await until(innerN, new RegExp(`Y old N ${tag}`));
    await until(innerA, /\bLive\b/);
    await until(innerN, /\bLive\b/);
    const end = `Y end ${tag}`;
    await insertRows('signal_alerts', [alert(y, end)]);
    await insertRows('notifications', [note(y, end)]);
    await waitUntil(() => alerts.includes(end) && notes.includes(end), `the last rows never fired: ${JSON.stringify({ alerts, notes })}`, { timeout: 20_000, interval: 50 });
    expect({ alerts: alerts.slice(0, alerts.indexOf(end)), notes: notes.slice(0, notes.indexOf(end)) }).to.deep.equal({ alerts: [], notes: [] });
  });

  it('LiveQueryController.generation changes when another user signs in, for a feed without filters (Row Level Security decides; QA47 F4)', async () => {
    const x = newId();
    const y = newId();
    const tag = y.slice(0, 8);
    await insertRows('signal_alerts', [alert(x, `X row ${tag}`)]);
    await insertRows('signal_alerts', [alert(y, `Y row ${tag}`)]);
    const wrapper = await page(x, html`<qa47-rls-alerts></qa47-rls-alerts>`);
    const host = wrapper.querySelector('qa47-rls-alerts') as Qa47RlsAlerts;
    await waitUntil(() => host.ctl.phase === 'live' && text(host).includes(`X row ${tag}`), `X's rows live: ${text(host)}`, { timeout: 15_000, interval: 30 });
    const first = host.ctl.generation;
    wrapper.setAttribute('access-token', await mintToken(y, 3600));
    await waitUntil(() => host.ctl.phase === 'live' && text(host).includes(`Y row ${tag}`), `Y's rows live: ${text(host)}`, { timeout: 15_000, interval: 30 });
    expect(text(host)).not.to.include(`X row ${tag}`);
    expect(host.ctl.generation, "Y's rows are another subject than X's").not.to.equal(first);
  });

  it('signed out (access-token removed) and back as the same user: the alerts written meanwhile fire all or none, never only the newest max-items (QA47 F2)', async () => {
    const p = await listPage('alerts', 2);
    const written: string[] = [];
    await writeN(p, written, 'S', 1);
    await atLeast(p.fired, 1, 'first live');
    p.wrapper.removeAttribute('access-token');
    await offLive(p.el);
    await writeN(p, written, 'S', 5);
    p.wrapper.setAttribute('access-token', await mintToken(p.me, 3600));
    await until(p.el, new RegExp(written[written.length - 1]!));
    await until(p.el, /\bLive\b/);
    const got = await p.settled();
    expect([written.slice(0, 1), written], `fired: ${JSON.stringify(got)}`).to.deep.include(got);
  });

  it('a list removed and re-added two seconds later: the alerts written meanwhile fire, once, oldest first (QA47 F3)', async () => {
    const p = await listPage('alerts', 2);
    const written: string[] = [];
    await writeN(p, written, 'R', 1);
    await atLeast(p.fired, 1, 'first live');
    const parent = p.el.parentElement!;
    parent.removeChild(p.el);
    const t0 = Date.now();
    await writeN(p, written, 'R', 5);
    // Away for a while (the store is released after its linger): not an assertion's wait.
    await waitUntil(() => Date.now() - t0 > 2000, 'two seconds', { timeout: 10_000, interval: 100 });
    parent.appendChild(p.el);
    await until(p.el, new RegExp(written[written.length - 1]!));
    await until(p.el, /\bLive\b/);
    // The same element, the same client: its store stopped; a new one starts from how far it had seen.
    expect(await p.settled()).to.deep.equal(written);
  });

  it('its provider removed with it until it gave up its client (a route cached by Vue\'s <KeepAlive>), then put back: the alerts written meanwhile fire, once, oldest first (QA86 M2)', async () => {
    const p = await listPage('alerts', 3);
    const written: string[] = [];
    await writeN(p, written, 'K', 1);
    await atLeast(p.fired, 1, 'first live');
    const provider = p.wrapper as HTMLElement & { rtClient?: unknown };
    const before = provider.rtClient;
    const holder = provider.parentElement!;
    holder.removeChild(provider);
    await waitUntil(() => provider.rtClient === undefined, 'the provider gave up its client', { timeout: 15_000, interval: 50 });
    await writeN(p, written, 'K', 4);
    holder.appendChild(provider);
    await until(p.el, new RegExp(written[written.length - 1]!));
    await until(p.el, /\bLive\b/);
    expect(provider.rtClient, 'a client made again').to.not.equal(before);
    // The same provider and configuration: its new client carries on where the old one was.
    expect(await p.settled()).to.deep.equal(written);
  });

  it("a list moved to another user's provider and back: the alerts written meanwhile fire on its return, once, oldest first (QA68 F2)", async () => {
    const p = await listPage('alerts', 3);
    const written: string[] = [];
    await writeN(p, written, 'M', 1);
    await atLeast(p.fired, 1, 'first live');
    const other = await page(newId(), html``);
    other.appendChild(p.el);
    await waitUntil(() => /\bLive\b/.test(text(p.el)) && !text(p.el).includes(written[0]!), "showing the other user's (no) alerts", { timeout: 15_000, interval: 30 });
    await writeN(p, written, 'M', 2);
    p.wrapper.appendChild(p.el);
    await until(p.el, new RegExp(written[written.length - 1]!));
    await until(p.el, /\bLive\b/);
    // Back to the client and rows it showed: compared with what it had seen there, as after a plain remove and re-add.
    expect(await p.settled()).to.deep.equal(written);
  });

  it('user-id set to another user and removed: the alerts written meanwhile fire on return, once (QA68 F2)', async () => {
    const p = await listPage('alerts', 3);
    const written: string[] = [];
    await writeN(p, written, 'U', 1);
    await atLeast(p.fired, 1, 'first live');
    p.el.setAttribute('user-id', newId());
    await waitUntil(() => !text(p.el).includes(written[0]!), "another user's alerts (none the user may read)", { timeout: 15_000, interval: 30 });
    await writeN(p, written, 'U', 2);
    p.el.removeAttribute('user-id');
    await until(p.el, new RegExp(written[written.length - 1]!));
    await until(p.el, /\bLive\b/);
    expect(await p.settled()).to.deep.equal(written);
  });

  it("the provider's client rebuilt (revalidate-ms changed) during an outage: a new client starts over, the alerts written meanwhile fire all or none, never only the newest max-items (QA47 F1)", async () => {
    const p = await listPage('alerts', 2);
    const written: string[] = [];
    await writeN(p, written, 'Q', 1);
    await atLeast(p.fired, 1, 'first live');
    await pauseRealtime(4000);
    await offLive(p.el);
    await writeN(p, written, 'Q', 5);
    p.wrapper.setAttribute('revalidate-ms', '60000'); // a new client over the same options, same user
    await until(p.el, new RegExp(written[written.length - 1]!), 'the newest shown', 20_000);
    await until(p.el, /\bLive\b/, 'Live', 20_000);
    // A new client is another generation: nothing of before is compared, none fire; never a part.
    const got = await p.settled();
    expect([written.slice(0, 1), written], `fired: ${JSON.stringify(got)}`).to.deep.include(got);
  });

  // ---- guards (expected to pass) ----

  it("access-token switched to another user (user-id unset): that user's existing notifications do not fire", async () => {
    const p = await listPage('notes', 3);
    await writeN(p, [], 'A', 1);
    await atLeast(p.fired, 1, 'first live');
    const y = newId();
    const ytag = y.slice(0, 8);
    const yFired = firedBy(p.wrapper, 'notes', ytag, p.el);
    for (let k = 0; k < 3; k++) await insertRows('notifications', [note(y, `Y old ${k} ${ytag}`)]);
    p.wrapper.setAttribute('access-token', await mintToken(y, 3600));
    await until(p.el, new RegExp(`Y old 2 ${ytag}`));
    await until(p.el, /\bLive\b/);
    const end = `Y end ${ytag}`;
    await insertRows('notifications', [note(y, end)]);
    await waitUntil(() => yFired.includes(end), `never fired: ${JSON.stringify(yFired)}`, { timeout: 20_000, interval: 50 });
    expect(yFired.slice(0, yFired.indexOf(end))).to.deep.equal([]);
  });

  it('a second list of the same user with another max-items added normally: its initial rows do not fire; later rows fire once on each', async () => {
    const p = await listPage('alerts', 2);
    const written: string[] = [];
    await writeN(p, written, 'B', 4);
    await atLeast(p.fired, 4, 'four live');
    const second = document.createElement('rt-signal-alerts');
    second.setAttribute('max-items', '5');
    const secondFired = firedBy(p.wrapper, 'alerts', p.tag, second);
    p.wrapper.appendChild(second);
    await until(second, new RegExp(written[0]!));
    await until(second, /\bLive\b/);
    const after: string[] = [];
    await writeN(p, after, 'C', 2);
    expect(await p.settled()).to.deep.equal([...written, ...after]);
    expect(await p.settled(secondFired)).to.deep.equal(after);
  });

  it('two lists of the same user, max-items 2 and 4, during an outage: each fires every row written meanwhile once, oldest first', async () => {
    const p = await listPage('alerts', 2);
    const second = document.createElement('rt-signal-alerts');
    second.setAttribute('max-items', '4');
    const secondFired = firedBy(p.wrapper, 'alerts', p.tag, second);
    p.wrapper.appendChild(second);
    await until(second, /\bLive\b/);
    const written: string[] = [];
    await writeN(p, written, 'O', 1);
    await atLeast(p.fired, 1, 'first live');
    await atLeast(secondFired, 1, 'first live on the second');
    await pauseRealtime(3000);
    await offLive(p.el);
    await writeN(p, written, 'O', 7);
    await until(p.el, /\bLive\b/, 'Live', 20_000);
    await until(second, /\bLive\b/, 'Live', 20_000);
    expect(await p.settled()).to.deep.equal(written);
    expect(await p.settled(secondFired)).to.deep.equal(written);
  });

  it('max-items changed while live (no outage), then again: nothing already shown fires again, new rows once', async () => {
    const p = await listPage('notes', 2);
    const written: string[] = [];
    await writeN(p, written, 'M', 3);
    await atLeast(p.fired, 3, 'three live');
    p.el.setAttribute('max-items', '5');
    await until(p.el, new RegExp(written[0]!));
    p.el.setAttribute('max-items', '1');
    await until(p.el, /\bLive\b/);
    await writeN(p, written, 'M', 2);
    expect(await p.settled()).to.deep.equal(written);
  });
});
