/**
 * Channels by table, not by widget (Supabase allows 100 channels per connection), against the
 * REAL local backend, which enforces the same limit:
 * - 200 standalone <rt-stream-card> for 200 streams: ≤ 10 channels, no refused join, every card
 *   live and showing an update written to all of them;
 * - cards mounted and unmounted in bursts while writes continue never miss a change (every card
 *   ends equal to the database), with few joins (joins made in one frame are batched);
 * - the dashboard with 150 streams uses a bounded number of channels;
 * - getActiveSubscriptions() / getChannels() show how subscriptions map onto channels.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import { RtElement } from '../../src/internal/rt-element.js';
import { CROWDED_GROUP, IN_LIMIT, MOVE_LIMIT } from '../../src/core/channel-packing.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { ALICE, USERS, backendInfo, insertInto, insertRows, newId, patchWhere, selectRows, signIn, updateRows, waitFor } from '../helpers/backend.js';

const clients: RtClient[] = [];
const restore: Array<() => void> = [];
afterEach(() => {
  for (const f of restore.splice(0)) f();
  for (const c of clients.splice(0)) c.dispose();
});

async function aliceClient(options: { revalidateMs?: number } = {}): Promise<RtClient> {
  const info = await backendInfo();
  const token = await signIn(USERS.alice);
  const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token, ...options });
  clients.push(c);
  return c;
}

/** Counts the phx_join frames the page sends (every socket). */
function countJoins(): { readonly joins: number } {
  const send = WebSocket.prototype.send;
  const counter = { joins: 0 };
  WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    if (typeof data === 'string' && data.includes('"phx_join"')) counter.joins++;
    return send.call(this, data);
  };
  restore.push(() => (WebSocket.prototype.send = send));
  return counter;
}

/** Every card renders even when scrolled out of view (so its text can be read). */
function renderOffscreen(): void {
  const r = RtElement as unknown as { deferRenderingOffscreen?: boolean };
  const before = r.deferRenderingOffscreen;
  r.deferRenderingOffscreen = false;
  restore.push(() => (r.deferRenderingOffscreen = before));
}

const text = (el: Element) => (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ');

/**
 * An org of its own for these tests (alice is a member): hundreds of streams here must not crowd
 * the seeded org that other tests' dashboards show (newest 100 first).
 */
let benchOrg: Promise<string> | undefined;
function org(): Promise<string> {
  benchOrg ??= (async () => {
    const id = newId();
    await insertInto('orgs', [{ id, name: 'Channels test org' }]);
    await insertInto('org_members', [{ org_id: id, user_id: ALICE, role: 'member' }]);
    return id;
  })();
  return benchOrg;
}

async function newStreams(n: number, tag: string) {
  const orgId = await org();
  return insertRows(
    'streams',
    Array.from({ length: n }, (_, i) => ({
      id: newId(),
      org_id: orgId,
      name: `${tag} ${i}`,
      goal_status: 'in_progress' as const,
      current_progress: { percentage: 1, completed: 1, total: 100 },
    })),
  );
}

describe('channels by table (real backend)', function () {
  this.timeout(120_000);

  it('200 standalone stream cards: ≤ 10 channels, no refused join, every card live and updated', async () => {
    renderOffscreen();
    const tag = `cards-${newId().slice(0, 8)}`;
    const streams = await newStreams(200, tag);
    const joins = countJoins();
    const c = await aliceClient();
    const wrapper = await fixture(html`<rt-provider .client=${c}>
      ${streams.map((s) => html`<rt-stream-card stream-id=${s.id}></rt-stream-card>`)}
    </rt-provider>`);
    const cards = [...wrapper.querySelectorAll('rt-stream-card')];
    await waitFor(() => cards.every((card) => card.matches(':state(live)')), 60_000, 'every card live');
    // The grouping settles on its own timers (packing windows, emptied channels lingering, a
    // replacement joining while cards stay live on the old one): waited for, as the tests below do.
    await waitFor(() => c.getChannels().channels.length <= 10 && c.getChannels().channels.every((ch) => ch.status === 'connected'), 15_000, 'the channels settled');
    const { channels, limit } = c.getChannels();
    expect(limit).to.equal(100);
    expect(channels.length).to.be.at.most(10);
    expect(c.getActiveSubscriptions().filter((s) => s.status === 'error')).to.deep.equal([]);
    expect(channels.every((ch) => ch.status === 'connected')).to.equal(true);
    expect(joins.joins).to.be.at.most(10);
    // Subscriptions name their channel: 200 streams ride on a few `id=in.(…)` channels.
    const streamSubs = c.getActiveSubscriptions().filter((s) => s.table === 'streams');
    expect(streamSubs.length).to.equal(200);
    expect(new Set(streamSubs.map((s) => s.channel)).size).to.be.at.most(2);
    expect(streamSubs[0].channelFilter).to.match(/^id=in\.\(/);
    // An update to every one of them appears on every card.
    await patchWhere('streams', `name=like.${encodeURIComponent(tag)}*`, { current_progress: { percentage: 73, completed: 73, total: 100 } });
    await waitFor(() => cards.every((card) => text(card).includes('73%')), 30_000, 'every card updated');
  });

  it('one card added beside thirty live ones: the thirty are not re-read (a channel of its own, nothing moves; QA13 F2)', async () => {
    renderOffscreen();
    const tag = `beside-${newId().slice(0, 8)}`;
    const [extra, ...streams] = await newStreams(31, tag);
    // No revalidation round (every 60 s, re-reading each card's rows) inside the counted window on a slow run.
    const c = await aliceClient({ revalidateMs: 0 });
    const wrapper = await fixture<HTMLElement>(html`<rt-provider .client=${c}>
      ${streams.map((s) => html`<rt-stream-card stream-id=${s.id}></rt-stream-card>`)}
    </rt-provider>`);
    const cards = [...wrapper.querySelectorAll('rt-stream-card')];
    await waitFor(() => cards.every((card) => card.matches(':state(live)')), 60_000, 'every card live');
    const others = streams.map((s) => s.id);
    const reads: string[] = [];
    const nativeFetch = window.fetch;
    window.fetch = (input, init) => {
      const url = decodeURIComponent(String(input instanceof Request ? input.url : input));
      if (others.some((id) => url.includes(id))) reads.push(url);
      return nativeFetch(input, init);
    };
    restore.push(() => (window.fetch = nativeFetch));
    const card = document.createElement('rt-stream-card');
    card.setAttribute('stream-id', extra!.id);
    wrapper.append(card);
    await waitFor(() => card.matches(':state(live)'), 20_000, 'the added card live');
    // A change to it shows: whatever the hand-over started has started by then.
    await updateRows('streams', { id: extra!.id }, { current_progress: { percentage: 37, completed: 37, total: 100 } });
    await waitFor(() => text(card).includes('37%'), 10_000, 'the added card updated');
    // At most the few a small channel hands over (MOVE_LIMIT values, each a card's row and its runs).
    expect(reads.length, `requests for the thirty cards already live: ${reads.join(' ')}`).to.be.at.most(2 * MOVE_LIMIT);
    await waitFor(() => cards.every((x) => x.matches(':state(live)')), 10_000, 'the thirty still live');
  });

  it('cards mounted and unmounted in bursts while writes continue never miss a change', async () => {
    renderOffscreen();
    const tag = `burst-${newId().slice(0, 8)}`;
    const streams = await newStreams(60, tag);
    const joins = countJoins();
    const c = await aliceClient();
    const wrapper = await fixture<HTMLElement>(html`<rt-provider .client=${c}></rt-provider>`);
    const mounted = new Map<string, HTMLElement>();
    const mount = (id: string) => {
      const card = document.createElement('rt-stream-card');
      card.setAttribute('stream-id', id);
      wrapper.append(card);
      mounted.set(id, card);
    };
    for (const s of streams.slice(0, 30)) mount(s.id);
    let writing = true;
    let written = 0;
    const writer = (async () => {
      // Keep writing to every stream (mounted or not) while cards come and go.
      while (writing) {
        const s = streams[written % streams.length];
        await updateRows('streams', { id: s.id }, { current_progress: { percentage: (written % 97) + 2, completed: written, total: 100000 } });
        written++;
      }
    })();
    for (let round = 0; round < 6; round++) {
      // Unmount 15, mount 15 others, all in one task (one frame's worth).
      const ids = [...mounted.keys()];
      for (const id of ids.slice(0, 15)) {
        mounted.get(id)!.remove();
        mounted.delete(id);
      }
      const free = streams.filter((s) => !mounted.has(s.id));
      for (const s of free.slice(round * 7 % free.length).slice(0, 15)) mount(s.id);
      const writtenBefore = written;
      // Writes land while the new cards join (and after): wait for some before the next burst.
      await waitFor(() => written >= writtenBefore + 6, 30_000, `round ${round} writes`);
      await waitFor(() => [...mounted.values()].every((card) => card.matches(':state(live)')), 30_000, `round ${round} live`);
    }
    writing = false;
    await writer;
    // Every mounted card equals the database.
    const truth = new Map<string, Awaited<ReturnType<typeof selectRows<'streams'>>>[number]>();
    for (const id of mounted.keys()) truth.set(id, (await selectRows('streams', { id }))[0]);
    await waitFor(
      () =>
        [...mounted.entries()].every(([id, card]) => {
          const row = truth.get(id)!;
          return text(card).includes(`${row.current_progress.completed} of `) || text(card).includes(`${row.current_progress.completed.toLocaleString('en-US')} of `);
        }),
      30_000,
      'every card equals the database',
    );
    expect(written).to.be.greaterThan(30);
    // Joins: a handful per round (re-packs), never one per card.
    expect(joins.joins).to.be.at.most(6 * 3 + 4);
    // Channels nobody needs close after CHANNEL_LINGER_MS: wait for that, not for the clock. How
    // many carry the 30 cards left depends on how the bursts fell into packing windows (a channel
    // still carrying one mounted card stays; a busy run's bursts span more windows): each one left
    // carries a mounted card, and they are no more than the count from which re-packs fold new cards into
    // the emptiest channel whatever it carries.
    const carried = (ch: { filter: string | null }) => [...mounted.keys()].some((id) => ch.filter?.includes(id));
    await waitFor(
      () => c.getChannels().channels.every((ch) => ch.subscriptions > 0 && carried(ch)),
      10_000,
      () => `every channel left carries a mounted card: ${JSON.stringify(c.getChannels().channels.map((ch) => ch.subscriptions))}`,
    );
    expect(c.getChannels().channels.length).to.be.at.most(CROWDED_GROUP);
  });

  it('the dashboard with 150 streams uses five channels and two per 100 cards (packed), never one per card', async () => {
    renderOffscreen();
    await newStreams(150, `dash-${newId().slice(0, 8)}`);
    const c = await aliceClient();
    const orgId = await org();
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-monitoring-dashboard org-id=${orgId} user-id=${ALICE}></rt-monitoring-dashboard></rt-provider>`);
    const dashboard = wrapper.querySelector('rt-monitoring-dashboard')!;
    await waitFor(() => (dashboard.shadowRoot?.querySelectorAll('rt-stream-card').length ?? 0) >= 100, 30_000, 'cards');
    await waitFor(() => c.getActiveSubscriptions().length > 0 && c.getActiveSubscriptions().every((s) => s.status === 'connected'), 30_000, 'all connected');
    // Every stream under way has its card (this file's other tests add more in the same org): the
    // cards' rows and their agents are packed IN_LIMIT values to a channel.
    // A channel left by a re-pack closes after CHANNEL_LINGER_MS: wait for the count, not a moment.
    const cards = () => dashboard.shadowRoot!.querySelectorAll('rt-stream-card').length;
    const bound = () => 5 + 2 * Math.ceil(cards() / IN_LIMIT);
    await waitFor(() => c.getChannels().channels.length <= bound(), 10_000, `at most ${bound()} channels for ${cards()} cards: ${c.getChannels().channels.length}`);
  });
});
