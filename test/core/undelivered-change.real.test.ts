/**
 * A channel that stops delivering while it stays joined (real backend). QA round 21: a table taken
 * out of the `supabase_realtime` publication while its widgets were subscribed left them "Live"
 * while no change arrived — Realtime says nothing then, its subscription stays joined — and every
 * change showed up to 60 s late, by revalidation. A held row that revalidation finds newer must now
 * arrive over Realtime within the grace ({@link LATE_MS}); if it does not, the channel joins again,
 * and the refusal shows its cause. A change merely in flight (Realtime a little late) changes nothing.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { LATE_MS } from '../../src/core/realtime-lag.js';
import { en } from '../../src/internal/strings.js';
import { ALICE, USERS, backendInfo, insertInto, lagRealtime, newStream, probeFeed, probeTable, runSql, signIn, updateRows, waitFor } from '../helpers/backend.js';
import { countRounds, instrumentWebSocket, recordWarnings } from '../helpers/hosts.js';
import { badgeText, deepText } from '../elements/helpers.js';
import { defineFeed } from '../../src/core/feeds/feed.js';
import type { Probe } from '../helpers/backend.js';

const badge = (el: Element) => el.shadowRoot!.querySelector('[part~="live-badge"]');

describe('a channel that stops delivering while joined (real backend)', function () {
  this.timeout(90_000);
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const f of cleanups.splice(0)) f();
  });

  /** Revalidation rounds of `table` counted until the test ends. */
  function roundsOf(table: string): () => number {
    const { rounds, restore } = countRounds(table);
    cleanups.push(restore);
    return rounds;
  }

  /** Two stream widgets on one client (revalidation every 500 ms), both Live. */
  async function twoStreamWidgets(): Promise<{ one: { id: string }; two: { id: string }; a: Element; b: Element }> {
    const [one, two] = [await newStream({ name: 'one' }), await newStream({ name: 'two' })];
    const info = await backendInfo();
    const client: RtClient = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice), revalidateMs: 500 });
    cleanups.push(() => client.dispose());
    const { restore } = recordWarnings();
    cleanups.push(restore);
    const wrapper = await fixture(html`<rt-provider .client=${client}>
      <rt-stream-progress id="one" stream-id=${one.id}></rt-stream-progress><rt-stream-progress id="two" stream-id=${two.id}></rt-stream-progress>
    </rt-provider>`);
    const [a, b] = ['#one', '#two'].map((id) => wrapper.querySelector(id)!);
    await waitFor(() => badgeText(a) === en.live && badgeText(b) === en.live, 15_000, 'both live');
    return { one, two, a: a!, b: b! };
  }
  /** Alice's client, revalidating every 300 ms, its WebSocket frames and the console's warnings recorded. */
  async function watchedClient(): Promise<{ ws: ReturnType<typeof instrumentWebSocket>; client: RtClient; warnings: string[] }> {
    const info = await backendInfo();
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    const client: RtClient = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice), revalidateMs: 300 });
    cleanups.push(() => client.dispose());
    const { warnings, restore } = recordWarnings();
    cleanups.push(restore);
    return { ws, client, warnings };
  }
  /**
   * `second` and `third`, inserted while the table is out of the publication: found, told as
   * inserted (`inserted`; null for a list not newest first, which has no "newer than shown"), and
   * Realtime's refusal shown after the channel joins again.
   */
  async function foundToldRefused(query: { getState(): { data: { title?: string | null }[]; error: { message: string } | null; phase: string; unreadCount?: number } }, inserted: string[] | null, joins: () => number, counted = false): Promise<void> {
    await waitFor(() => ['second', 'third'].every((t) => query.getState().data.some((r) => r.title === t)), 15_000, 'the inserted rows found by revalidation');
    if (counted) await waitFor(() => query.getState().unreadCount === 1, 15_000, () => `counted (count ${query.getState().unreadCount})`);
    if (inserted) await waitFor(() => inserted.includes('second') && inserted.includes('third'), 5_000, () => `told as inserted (told: ${inserted.join(', ')})`);
    // Realtime owed them: the channel joins again, is refused, and says so.
    await waitFor(() => joins() >= 2, 15_000, 'the channel joins again');
    await waitFor(() => !!query.getState().error?.message.includes('could not subscribe'), 15_000, `the refusal shown (shows ${query.getState().error?.message})`);
    expect(query.getState().phase).to.not.equal('live');
  }
  const undelivered = (el: Element) => badgeText(el) === en.stale && badge(el)!.getAttribute('title') === en.errorMessages['realtime-undelivered'];

  it('a table taken out of the publication: the missed change is found, the channel joins again and its refusal is shown; a late change on another table changes nothing', async () => {
    const gone = await probeTable('rt_unpub');
    const late = await probeTable('rt_late');
    await insertInto(gone, [{ team: 't', title: 'first' }]);
    await insertInto(late, [{ team: 't', title: 'first' }]);
    try {
      // Revalidation every 300 ms: it reads each change before Realtime delivers it (lagged below).
      const { ws, client, warnings } = await watchedClient();
      const goneQuery = client.liveQuery(probeFeed(gone), { team: 't' });
      const lateQuery = client.liveQuery(probeFeed(late), { team: 't' });
      cleanups.push(goneQuery.subscribe(() => {}), lateQuery.subscribe(() => {}));
      await waitFor(() => goneQuery.getState().phase === 'live' && lateQuery.getState().phase === 'live', 30_000, 'both live');
      const joins = (table: string) => ws.sent.filter((f) => f.data.includes('"phx_join"') && f.data.includes(`"table":"${table}"`)).length;
      expect([joins(gone), joins(late)]).to.deep.equal([1, 1]);

      await runSql(`alter publication supabase_realtime drop table public.${gone};`);
      // Realtime delivers each change 1.5 s after its commit: late, but well within the grace
      // (a busy machine's slower delivery too).
      expect(1500).to.be.lessThan(LATE_MS);
      await lagRealtime(1500);
      cleanups.push(() => void lagRealtime(0));
      await runSql(`update public.${gone} set title = 'unseen', updated_at = now(); update public.${late} set title = 'in flight', updated_at = now();`);
      // Revalidation reads both changes first (shown at once), then Realtime delivers the late one.
      await waitFor(() => goneQuery.getState().data.some((r) => r.title === 'unseen') && lateQuery.getState().data.some((r) => r.title === 'in flight'), 15_000, 'both changes read by revalidation');
      await waitFor(() => ws.received.some((f) => f.includes('in flight') && f.includes('postgres_changes')), 15_000, 'the late change delivered');
      // The channel that never delivered: joined again, refused, and said so.
      await waitFor(() => joins(gone) >= 2, 15_000, 'the channel that missed a change joins again');
      await waitFor(() => goneQuery.getState().error?.message.includes('could not subscribe'), 15_000, `the refusal shown (shows ${goneQuery.getState().error?.message})`);
      expect(goneQuery.getState().phase).to.not.equal('live');
      expect(warnings.some((w) => w.includes(`"${gone}"`)), 'a warning names the table').to.equal(true);
      // Refused again, re-opened after 0.5 s then 2 s: both changes were read by revalidation within
      // a round or two (300 ms) of each other, so the late one's grace is over by the third join.
      // The late one is Live (its frame delivered, not read at the moment the third join went out).
      await waitFor(() => joins(gone) >= 3 && lateQuery.getState().phase === 'live', 20_000, () => `the refused channel re-opened twice (${joins(gone)} joins), the late one Live (${lateQuery.getState().phase})`);
      // Its channel was not joined again.
      expect(joins(late)).to.equal(1);
      expect(warnings.some((w) => w.includes(`"${late}"`))).to.equal(false);
    } finally {
      await lagRealtime(0);
      await runSql(`drop table if exists public.${gone}; drop table if exists public.${late};`);
    }
  });

  it('a table taken out of the publication while only inserts come: the list read finds them, tells them as inserted, and the refusal is shown (QA64 F1)', async () => {
    const table = await probeTable('rt_unpub_ins');
    await insertInto(table, [{ team: 't', title: 'first' }]);
    try {
      const { ws, client } = await watchedClient();
      const query = client.liveQuery(probeFeed(table), { team: 't' });
      const inserted: string[] = [];
      cleanups.push(query.subscribe((s) => inserted.push(...((s.inserted ?? []) as { title?: string }[]).map((r) => r.title ?? ""))));
      await waitFor(() => query.getState().phase === 'live', 30_000, 'live');
      const joins = () => ws.sent.filter((f) => f.data.includes('"phx_join"') && f.data.includes(`"table":"${table}"`)).length;
      expect(joins()).to.equal(1);
      await runSql(`alter publication supabase_realtime drop table public.${table};`);
      await insertInto(table, [{ team: 't', title: 'second' }]);
      await insertInto(table, [{ team: 't', title: 'third' }]);
      // Neither held row changed: only a read of the list finds them.
      await foundToldRefused(query, inserted, joins);
    } finally {
      await runSql(`drop table if exists public.${table};`);
    }
  });

  it('the same on a list in another order (by title, A to Z): what the read finds is owed by its version, not by an order time it does not have', async () => {
    const table = await probeTable('rt_unpub_asc');
    await insertInto(table, [{ team: 't', title: 'first' }]);
    try {
      const { ws, client } = await watchedClient();
      const feed = defineFeed<Probe, { team?: string }>({ name: `by-title-${table}`, table, kind: 'list', filters: [{ column: 'team', param: 'team' }], order: { column: 'title', ascending: true } });
      const query = client.liveQuery(feed, { team: 't' });
      cleanups.push(query.subscribe(() => {}));
      await waitFor(() => query.getState().phase === 'live', 30_000, 'live');
      const joins = () => ws.sent.filter((f) => f.data.includes('"phx_join"') && f.data.includes(`"table":"${table}"`)).length;
      await runSql(`alter publication supabase_realtime drop table public.${table};`);
      await insertInto(table, [{ team: 't', title: 'second' }]);
      await insertInto(table, [{ team: 't', title: 'third' }]);
      await foundToldRefused(query, null, joins);
      expect(query.getState().data.map((r) => r.title)).to.deep.equal(['first', 'second', 'third']);
    } finally {
      await runSql(`drop table if exists public.${table};`);
    }
  });

  it('a membership granted again brings rows from before the read and rows written while it was revoked: Realtime owed none of them (no "not arriving", no rejoin), in either order (QA66 F1)', async () => {
    const table = await probeTable('rt_grant');
    const members = `${table}_m`;
    const ago = new Date(Date.now() - 60_000).toISOString();
    await runSql(`
      create table public.${members} (team text not null, user_id uuid not null);
      grant select on public.${members} to authenticated;
      drop policy read_all on public.${table};
      create policy read_members on public.${table} for select to authenticated
        using (title like 'keep%' or exists (select 1 from public.${members} m where m.team = ${table}.team and m.user_id = auth.uid()));
      insert into public.${members} values ('t', '${ALICE}');`);
    await insertInto(table, [{ team: 't', title: 'keep', created_at: ago, updated_at: ago }, { team: 't', title: 'old', created_at: ago, updated_at: ago }]);
    try {
      const { ws, client } = await watchedClient();
      const rounds = roundsOf(table);
      const byTitle = defineFeed<Probe, { team?: string }>({ name: `by-title-${table}`, table, kind: 'list', filters: [{ column: 'team', param: 'team' }], order: { column: 'title', ascending: true } });
      const queries = [client.liveQuery(probeFeed(table), { team: 't' }), client.liveQuery(byTitle, { team: 't' })];
      const causes: string[] = [];
      for (const q of queries) cleanups.push(q.subscribe((s) => s.error && causes.push(s.error.detail ?? s.error.message)));
      const titles = (i: number) => queries[i]!.getState().data.map((r) => r.title).sort().join();
      const both = (want: string) => queries.every((q, i) => q.getState().phase === 'live' && titles(i) === want);
      await waitFor(() => both('keep,old'), 30_000, () => `live with keep, old (${titles(0)} | ${titles(1)})`);
      const joins = () => ws.sent.filter((f) => f.data.includes('"phx_join"') && f.data.includes(`"table":"${table}"`)).length;
      const joined = joins();
      await runSql(`delete from public.${members};`);
      await waitFor(() => both('keep'), 15_000, () => `the rows the membership gave left (${titles(0)} | ${titles(1)})`);
      await insertInto(table, [{ team: 't', title: 'new' }]);
      const before = rounds();
      await waitFor(() => rounds() >= before + 3, 15_000, 'three rounds while revoked');
      expect(titles(0), 'written while revoked: not shown').to.equal('keep');
      await runSql(`insert into public.${members} values ('t', '${ALICE}');`);
      await waitFor(() => both('keep,new,old'), 15_000, () => `granted again: old and new shown (${titles(0)} | ${titles(1)})`);
      // LATE_MS and more, counted in rounds of 300 ms: what was owed would have been named by then.
      const granted = rounds();
      await waitFor(() => rounds() >= granted + Math.ceil((LATE_MS + 2000) / 300), 30_000, 'rounds past the grace');
      expect(causes, 'no cause: Realtime owed nothing').to.deep.equal([]);
      expect(joins(), 'no rejoin').to.equal(joined);
      for (const q of queries) expect(q.getState().phase).to.equal('live');
    } finally {
      await runSql(`drop table if exists public.${table}; drop table if exists public.${members};`);
    }
  });

  it('Realtime 9 s behind, a round reads the change first: the cause says late or not arriving (it cannot tell yet), then "behind" when the change comes (QA66 F2)', async () => {
    const stream = await newStream({ name: 'lagged' });
    const { client } = await watchedClient();
    const query = client.liveQuery('stream', { streamId: stream.id });
    const causes: { detail?: string; message: string }[] = [];
    cleanups.push(query.subscribe((s) => s.error && causes.at(-1)?.message !== s.error.message && causes.push(s.error)));
    await waitFor(() => query.getState().phase === 'live', 30_000, 'live');
    await lagRealtime(9000);
    try {
      await updateRows('streams', { id: stream.id }, { name: 'lagged, renamed' });
      await waitFor(() => causes.some((c) => c.detail === 'realtime-behind'), 30_000, () => `"behind" once the change came (causes: ${causes.map((c) => c.detail).join(', ')})`);
    } finally {
      await lagRealtime(0);
    }
    const undelivered = causes.filter((c) => c.detail === 'realtime-undelivered');
    expect(undelivered.length, 'the round read the change before Realtime delivered it').to.be.greaterThan(0);
    for (const c of undelivered) expect(c.message).to.match(/late or not arriving/);
    expect(en.errorMessages['realtime-undelivered']).to.match(/late or not arriving/);
  });

  it('the same on a counted list (an unread count beside it, whose refill may read the list first): found, told, and the refusal shown', async () => {
    const table = await probeTable('rt_unpub_cnt');
    await insertInto(table, [{ team: 't', title: 'first' }]);
    try {
      const { ws, client } = await watchedClient();
      const feed = defineFeed<Probe, { team?: string }>({ name: `counted-${table}`, table, kind: 'list', filters: [{ column: 'team', param: 'team' }], counted: { column: 'title', value: 'second' } });
      const query = client.liveQuery(feed, { team: 't' });
      const inserted: string[] = [];
      cleanups.push(query.subscribe((s) => inserted.push(...((s.inserted ?? []) as { title?: string }[]).map((r) => r.title ?? ''))));
      await waitFor(() => query.getState().phase === 'live', 30_000, 'live');
      const joins = () => ws.sent.filter((f) => f.data.includes('"phx_join"') && f.data.includes(`"table":"${table}"`)).length;
      await runSql(`alter publication supabase_realtime drop table public.${table};`);
      await insertInto(table, [{ team: 't', title: 'second' }]);
      await insertInto(table, [{ team: 't', title: 'third' }]);
      await foundToldRefused(query, inserted, joins, true);
    } finally {
      await runSql(`drop table if exists public.${table};`);
    }
  });

  it('stalled replication (the channel joins, no change comes): "Stale" with the cause, the rows read over REST, named again after a rejoin and then held until a change is delivered; Live once changes arrive again (QA23 F5, QA30 1)', async () => {
    const stream = await newStream({ name: 'before the stall' });
    const info = await backendInfo();
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    const client: RtClient = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice), revalidateMs: 500 });
    cleanups.push(() => client.dispose());
    const { warnings, restore } = recordWarnings();
    cleanups.push(restore);
    const rounds = roundsOf('streams');
    const wrapper = await fixture(html`<rt-provider .client=${client}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
    const el = wrapper.querySelector('rt-stream-progress')!;
    const text = () => badgeText(el);
    await waitFor(() => text() === en.live, 15_000, 'live');
    const joins = () => ws.sent.filter((f) => f.data.includes('"phx_join"') && f.data.includes('"table":"streams"')).length;
    const joined = joins();
    try {
      await lagRealtime(600_000); // replication stalls: nothing is sent until it is lifted
      await updateRows('streams', { id: stream.id }, { name: 'stalled 1' });
      // Revalidation reads it; Realtime never sends it: not Live, and why.
      await waitFor(() => deepText(el.shadowRoot!).includes('stalled 1'), 10_000, 'the change read by revalidation');
      await waitFor(() => text() === en.stale, 15_000, `"${en.stale}" (shows ${text()})`);
      expect(badge(el)!.getAttribute('title')).to.equal(en.errorMessages['realtime-undelivered']);
      expect(warnings.some((w) => w.includes('"streams"')), 'a warning names the table').to.equal(true);
      // The channel joins again (which works: replication, not the subscription, is stuck) …
      await waitFor(() => joins() > joined && ws.received.filter((f) => f.includes('Subscribed to PostgreSQL')).length >= 2, 15_000, 'joined again');
      // … after which a revalidation round that owes nothing shows Live (nothing speaks against it
      // now) … and a later change, read over REST and still undelivered, is named again.
      await waitFor(() => text() === en.live, 15_000, `live after the rejoin and a round owing nothing (shows ${text()})`);
      const rejoined = joins();
      await updateRows('streams', { id: stream.id }, { name: 'stalled 2' });
      await waitFor(() => deepText(el.shadowRoot!).includes('stalled 2'), 10_000, 'the next change read by revalidation');
      await waitFor(() => text() === en.stale && badge(el)!.getAttribute('title') === en.errorMessages['realtime-undelivered'], 15_000, `named again (shows ${text()})`);
      // Found again with no change delivered in between: a quiet round no longer clears it (QA30 1:
      // with writes sparser than rounds, the badge alternated Stale / Live over a stalled table).
      const seen: Array<string | null> = [];
      const watch = new MutationObserver(() => seen.push(text()));
      watch.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true, attributes: true });
      cleanups.push(() => watch.disconnect());
      await waitFor(() => joins() > rejoined && ws.received.filter((f) => f.includes('Subscribed to PostgreSQL')).length >= 3, 15_000, 'joined again, a second time');
      const after = rounds();
      await waitFor(() => rounds() >= after + 6, 20_000, () => `six revalidation rounds after the rejoin (${rounds() - after})`);
      seen.push(text());
      expect(seen, 'never Live while no change is delivered').to.not.include(en.live);
      expect(text()).to.equal(en.stale);
    } finally {
      await lagRealtime(0);
    }
    // Replication resumes: what waited arrives (late), then changes on time: Live.
    await updateRows('streams', { id: stream.id }, { name: 'on time' });
    await waitFor(() => deepText(el.shadowRoot!).includes('on time') && text() === en.live, 40_000, `live again (shows ${text()}: ${badge(el)?.getAttribute('title')})`);
  });

  it('one widget finds a change undelivered: every widget on that table is held off Live with the cause, not only the one whose row changed; Live again together (QA29 M2)', async () => {
    const { one, two, a, b } = await twoStreamWidgets();
    try {
      await lagRealtime(600_000);
      await updateRows('streams', { id: one.id }, { name: 'one, unsent' });
      await waitFor(() => undelivered(a), 20_000, () => `the widget whose row changed names the cause (shows ${badgeText(a)})`);
      // The other stream's row did not change; its changes are not arriving either.
      await waitFor(() => undelivered(b), 5_000, () => `the other widget on the table too (shows ${badgeText(b)})`);
    } finally {
      await lagRealtime(0);
    }
    await updateRows('streams', { id: two.id }, { name: 'two, on time' });
    await waitFor(() => deepText(b.shadowRoot!).includes('two, on time') && badgeText(a) === en.live && badgeText(b) === en.live, 40_000, () => `both live again (${badgeText(a)}, ${badgeText(b)})`);
  });
  it('the widget that found a change undelivered is removed: the others on the table stay off Live, until a change is delivered (QA30 4)', async () => {
    const rounds = roundsOf('streams');
    const { one, two, a, b } = await twoStreamWidgets();
    try {
      await lagRealtime(600_000);
      // Found once, cleared by a quiet round after the rejoin; found again: held until a delivery.
      await updateRows('streams', { id: one.id }, { name: 'one, unsent' });
      await waitFor(() => undelivered(a) && undelivered(b), 20_000, () => `both not live (${badgeText(a)}, ${badgeText(b)})`);
      await waitFor(() => badgeText(a) === en.live && badgeText(b) === en.live, 20_000, () => `live after a quiet round (${badgeText(a)}, ${badgeText(b)})`);
      await updateRows('streams', { id: one.id }, { name: 'one, unsent again' });
      await waitFor(() => undelivered(a) && undelivered(b), 20_000, () => `both not live again (${badgeText(a)}, ${badgeText(b)})`);
      // The widget whose row it was goes away; the other one had more than its word for it.
      const seen: Array<string | null> = [];
      const watch = new MutationObserver(() => seen.push(badgeText(b)));
      watch.observe(b.shadowRoot!, { subtree: true, childList: true, characterData: true, attributes: true });
      cleanups.push(() => watch.disconnect());
      a.remove();
      const after = rounds();
      await waitFor(() => rounds() >= after + 4, 20_000, () => `four revalidation rounds (${rounds() - after})`);
      seen.push(badgeText(b));
      expect(seen, 'the other widget never Live').to.not.include(en.live);
      expect(undelivered(b), `still not live (${badgeText(b)})`).to.equal(true);
    } finally {
      await lagRealtime(0);
    }
    await updateRows('streams', { id: two.id }, { name: 'two, on time' });
    await waitFor(() => deepText(b.shadowRoot!).includes('two, on time') && badgeText(b) === en.live, 40_000, () => `live again (${badgeText(b)})`);
  });
});

