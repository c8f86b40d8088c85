/**
 * A change Realtime cannot send whole (real backend, real Chromium). QA round 21 F6: a row over
 * Realtime's 1 MB limit arrives as "Error 413: Payload Too Large" (its large fields dropped); the
 * channel resynced every subscription as after a reconnect, so the widget read "Stale (Showing
 * last known data while reconnecting)" over a socket that was up, joined and delivering. Such a
 * change ("Error 413", and "Error 401": the role may no longer read the primary key) is now a
 * quiet re-read over REST: the query stays Live while the row is read, and a read that fails says
 * its own cause.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-live-list/rt-live-list.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { RETRY_DELAYS_MS } from '../../src/core/retry.js';
import type { LiveQuery } from '../../src/core/client-types.js';
import type { LiveQueryState } from '../../src/core/types.js';
import { en } from '../../src/internal/strings.js';
import { USERS, backendInfo, insertInto, newId, newStream, nextFrame, probeFeed, probeTable, runSql, signIn, updateRows, waitFor, type Probe } from '../helpers/backend.js';
import { instrumentWebSocket } from '../helpers/hosts.js';
import { badgeText, deepText } from '../elements/helpers.js';


const clients: RtClient[] = [];
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
  for (const c of clients.splice(0)) c.dispose();
});

/**
 * Holds the REST reads of `table` while `on`; `release()` lifts the hold and lets the held ones
 * through (a read started after it, by a late frame's re-read, goes to the server: held, it would
 * overtake the released one and never land).
 */
function holdReads(table: string) {
  const native = window.fetch;
  const waiting: Array<() => void> = [];
  const hold = {
    on: false,
    requested: 0,
    release: () => {
      hold.on = false;
      waiting.splice(0).forEach((go) => go());
    },
  };
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (hold.on && url.includes(`/rest/v1/${table}?`)) {
      hold.requested++;
      await new Promise<void>((go) => waiting.push(go));
    }
    return native(input, init);
  };
  cleanups.push(() => {
    hold.release();
    window.fetch = native;
  });
  return hold;
}

async function setUp() {
  const table = await probeTable('rt_big');
  cleanups.push(() => runSql(`drop table if exists public.${table};`));
  const team = `t-${newId().slice(0, 8)}`;
  const [row] = (await insertInto(table, [{ team, title: 'small' }])) as unknown as Probe[];
  const feed = probeFeed<Probe>(table);
  const info = await backendInfo();
  const ws = instrumentWebSocket();
  cleanups.push(() => ws.restore());
  const hold = holdReads(table);
  // No revalidation: the only REST reads are the ones the changes cause.
  const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice), revalidateMs: 0 });
  clients.push(client);
  const query = client.liveQuery(feed, { team }) as LiveQuery<Probe[]>;
  const states: Array<LiveQueryState<Probe[]>> = [];
  cleanups.push(query.subscribe((s) => states.push(s)));
  const wrapper = await fixture(html`<rt-provider .client=${client}>
    <rt-live-list .feed=${feed} .params=${{ team }} label-field="title"></rt-live-list>
  </rt-provider>`);
  const list = wrapper.querySelector('rt-live-list')!;
  await waitFor(() => query.getState().phase === 'live' && badgeText(list) === en.live, 30_000, 'live');
  return { table, row: row!, ws, hold, query, states, list };
}

describe('a change Realtime cannot send whole is a quiet re-read, not "reconnecting" (real backend)', function () {
  this.timeout(120_000);

  it('a row over 1 MB ("Error 413: Payload Too Large"): Live while the row is read again over REST, then the row as the database holds it', async () => {
    const { table, row, ws, hold, query, states, list } = await setUp();
    hold.on = true;
    const big = 'x'.repeat(1_100_000);
    await runSql(`update public.${table} set title = repeat('x', 1100000), updated_at = now() where id = '${row.id}';`);
    await waitFor(() => ws.received.some((f) => f.includes('Error 413')), 15_000, 'the change sent as "Error 413"');
    await waitFor(() => hold.requested >= 1, 10_000, 'the rows read again over REST');
    // Every update the re-read asked for has been delivered by now.
    await nextFrame();
    const seen = states.length;
    expect(query.getState().phase, 'while the row is read again').to.equal('live');
    expect(badgeText(list)).to.equal(en.live);
    expect(deepText(list.shadowRoot!)).to.not.include(en.staleHint);
    hold.release();
    await waitFor(() => query.getState().data[0]?.title === big, 15_000, 'the row as the database holds it');
    expect(query.getState().phase).to.equal('live');
    expect(states.slice(seen - 1).map((s) => s.phase).filter((p) => p !== 'live'), 'phases after the change').to.deep.equal([]);
  });

  it('a change of a row the role may no longer read the key of ("Error 401: Unauthorized"): Live while read again, then the read\'s own cause ("No access"), never "reconnecting"', async () => {
    const { table, row, ws, hold, query, list } = await setUp();
    await runSql(`revoke select on public.${table} from authenticated; grant select (team, title, created_at, updated_at) on public.${table} to authenticated;`);
    hold.on = true;
    // Realtime reads the role's privileges anew every few seconds (until then the changes are not
    // sent: its visibility check is refused): write, one update at a time, until one comes as "Error 401".
    let writing: Promise<void> | null = null;
    let edits = 0;
    await waitFor(() => {
      if (ws.received.some((f) => f.includes('Error 401'))) return true;
      writing ??= runSql(`update public.${table} set title = 'edit ${edits++}', updated_at = now() where id = '${row.id}';`).finally(() => (writing = null));
      return false;
    }, 30_000, 'a change sent as "Error 401"');
    await writing;
    await waitFor(() => hold.requested >= 1, 10_000, 'the rows read again over REST');
    await nextFrame();
    expect(query.getState().phase, 'while the rows are read again').to.equal('live');
    expect(badgeText(list)).to.equal(en.live);
    hold.release();
    await waitFor(() => query.getState().error?.code === 'forbidden', 15_000, "the read's own cause");
    await waitFor(() => badgeText(list) === en.noAccess, 10_000, `"No access" shown (${deepText(list.shadowRoot!).slice(0, 160)})`);
    expect(deepText(list.shadowRoot!)).to.not.include(en.staleHint);
  });

  it('a page with no signed-in user, refused the table: changes sent as "Error 401" do not each read the refused rows again (QA38: 99 reads in 30 s)', async () => {
    const stream = await newStream({ name: `anon ${newId().slice(0, 6)}` });
    const info = await backendInfo();
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    let reads = 0;
    const native = window.fetch;
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      // The page's reads (GET), not the test's own writes (PATCH, with the service key).
      const method = (input instanceof Request ? input.method : init?.method) ?? 'GET';
      if (method === 'GET' && String(input instanceof Request ? input.url : input).includes('/rest/v1/streams?')) reads++;
      return native(input, init);
    };
    cleanups.push(() => void (window.fetch = native));
    // The README's npm sample with no user: the API key alone, and no revalidation rounds.
    const client = createRtClient({ url: info.url, anonKey: info.anonKey, revalidateMs: 0 });
    clients.push(client);
    let state: LiveQueryState<unknown> | undefined;
    cleanups.push(client.liveQuery('stream', { streamId: stream.id }).subscribe((st) => (state = st)));
    await waitFor(() => state?.error && client.getActiveSubscriptions()[0]?.status === 'connected', 20_000, () => `refused, channel joined (${state?.phase} ${state?.error?.code})`);
    const before = reads;
    const startedAt = performance.now();
    const unusable = () => ws.received.filter((f) => f.includes('Error 401')).length;
    for (let i = 0; i < 12; i++) {
      await updateRows('streams', { id: stream.id }, { name: `anon edit ${i}` });
      await waitFor(() => unusable() > i, 10_000, `change ${i} sent as "Error 401"`);
    }
    await nextFrame();
    // At most the refused read's retries on their back-off (RETRY_DELAYS_MS: 1 s, 2 s, 5 s…) in
    // the time taken: as many as the shortest delays fit in it, and one more (a busy machine takes
    // longer, so allows more; never one per change).
    const elapsed = performance.now() - startedAt;
    let retries = 1;
    for (let sum = 0, k = 0; (sum += RETRY_DELAYS_MS[Math.min(k, RETRY_DELAYS_MS.length - 1)]!) <= elapsed; k++) retries++;
    expect(reads - before, `reads of the refused rows while 12 changes came in ${Math.round(elapsed)} ms`).to.be.at.most(Math.min(Math.max(3, retries), 11));
    expect(state!.phase).to.not.equal('live');
  });
});
