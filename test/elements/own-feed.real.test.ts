/**
 * A sixth table, added only through the public API (issue 12): a feed declared with
 * `defineFeed()` for `acme_work_orders` (bigint keys; supabase/examples/own_schema.sql), shown by
 * `<rt-live-list>` and read through the generic `LiveQueryController` — live, under RLS.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { LitElement } from 'lit';
import { defineFeed, LiveQueryController, type RtLiveList } from '../../src/index.js';
import { ALICE, BOB, backendInfo, insertInto, newId, runSql, signIn, USERS } from '../helpers/backend.js';
import { deepText, visibleText } from './helpers.js';
import { createClient } from '@supabase/supabase-js';
import { recordWarnings } from '../helpers/hosts.js';

interface WorkOrder {
  id: number;
  team_id: string;
  title: string;
  status: string;
  notes: string | null;
  created_at: string;
  updated_at: string;
}

const workOrders = defineFeed<WorkOrder, { teamId?: string | null; limit?: number }>({
  name: 'work-orders',
  table: 'acme_work_orders',
  kind: 'list',
  filters: [{ column: 'team_id', param: 'teamId', what: 'team id' }],
  order: { column: 'created_at', ascending: false },
  limit: 20,
  terminal: { column: 'status', values: ['completed', 'failed'] },
});

/** A page's own element on the generic controller (no rt-monitor element involved). */
class TestWorkOrders extends LitElement {
  static override properties = { teamId: {} };
  teamId = '';
  ctl = new LiveQueryController(this, workOrders, () => ({ teamId: this.teamId }));
}
customElements.define('test-work-orders', TestWorkOrders);

async function service(method: string, path: string, body?: unknown): Promise<unknown> {
  const info = await backendInfo();
  const res = await fetch(`${info.url}/rest/v1/${path}`, {
    method,
    headers: { apikey: info.serviceRoleKey, authorization: `Bearer ${info.serviceRoleKey}`, 'content-type': 'application/json', prefer: 'return=representation' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.ok, `${method} ${path}: ${res.status}`).to.equal(true);
  return res.json();
}

describe('a sixth table through the public API: defineFeed + <rt-live-list> + LiveQueryController (real backend)', function () {
  this.timeout(180_000);

  it('is live over a bigint-keyed table of your own, under RLS', async () => {
    const tag = newId().slice(0, 8);
    const team = `team-${tag}`;
    await insertInto('acme_members', [{ team_id: team, member_id: ALICE }]);
    const [first] = (await insertInto('acme_work_orders', [{ team_id: team, title: `Order A ${tag}`, status: 'running', notes: 'first' }])) as unknown as WorkOrder[];
    expect(first.id).to.be.a('number');

    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const wrapper = await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}>
      <rt-live-list .feed=${workOrders} .params=${{ teamId: team }} label-field="title" status-field="status" detail-field="notes"></rt-live-list>
      <test-work-orders .teamId=${team}></test-work-orders>
    </rt-provider>`);
    const list = wrapper.querySelector('rt-live-list') as RtLiveList;
    const host = wrapper.querySelector('test-work-orders') as TestWorkOrders;
    const read = () => visibleText(list.shadowRoot!);
    const until = (needle: string) => waitUntil(() => read().includes(needle), `never showed ${needle}; showed ${read()}`, { timeout: 30_000, interval: 50 });

    await until(`Order A ${tag}`);
    await until('Live');
    await waitUntil(() => host.ctl.phase === 'live' && host.ctl.data.length === 1, 'controller live', { timeout: 30_000 });
    expect(host.ctl.data[0].id).to.equal(first.id);

    // INSERT, UPDATE (to a terminal state) and DELETE arrive live; bigint keys merge by value.
    await insertInto('acme_work_orders', [{ team_id: team, title: `Order B ${tag}`, status: 'queued' }]);
    await until(`Order B ${tag}`);
    await service('PATCH', `acme_work_orders?id=eq.${first.id}`, { status: 'completed', notes: 'done' });
    await until('done');
    await waitUntil(() => host.ctl.data.find((o) => o.id === first.id)?.status === 'completed', 'terminal state delivered', { timeout: 30_000 });
    await service('DELETE', `acme_work_orders?id=eq.${first.id}`);
    await waitUntil(() => !read().includes(`Order A ${tag}`), 'deleted row still shown', { timeout: 30_000 });

    // Another team's order (RLS: alice is not a member) never shows; a later own one does.
    await insertInto('acme_members', [{ team_id: `other-${tag}`, member_id: BOB }]);
    await insertInto('acme_work_orders', [{ team_id: `other-${tag}`, title: `Not alice ${tag}`, status: 'queued' }]);
    await insertInto('acme_work_orders', [{ team_id: team, title: `Order C ${tag}`, status: 'queued' }]);
    await until(`Order C ${tag}`);
    expect(deepText(list.shadowRoot!)).not.to.include(`Not alice ${tag}`);
    expect(host.ctl.data.map((o) => o.title).sort()).to.deep.equal([`Order B ${tag}`, `Order C ${tag}`]);

    // Another feed on the same list: the previous feed's store is released, not kept subscribed.
    const client = (wrapper as HTMLElement & { rtClient?: { getActiveSubscriptions(): Array<{ table: string; filter: string | null; refCount: number }> } }).rtClient!;
    const stores = () => client.getActiveSubscriptions().filter((sub) => sub.table === 'acme_work_orders' && sub.filter?.includes(team)).reduce((n, sub) => n + sub.refCount, 0);
    host.remove(); // the page's own controller shared the list's store; now only the list holds it
    await waitUntil(() => stores() === 1, `stores on the team: ${stores()}`, { timeout: 30_000, interval: 50 });
    const newestOnly = defineFeed<WorkOrder, { teamId?: string | null }>({
      name: 'work-orders-newest', table: 'acme_work_orders', kind: 'list',
      filters: [{ column: 'team_id', param: 'teamId', what: 'team id' }],
      order: { column: 'created_at', ascending: false }, limit: 1,
    });
    list.feed = newestOnly;
    await waitUntil(() => !read().includes(`Order B ${tag}`) && read().includes(`Order C ${tag}`), 'the newest-only feed shown', { timeout: 30_000, interval: 50 });
    await waitUntil(() => stores() === 1, `stores on the team: ${stores()} (the replaced feed's store kept)`, { timeout: 30_000, interval: 50 });
  });

  it('bigint keys beyond 2^53 stay exact: two ids JSON.parse would read as one are two rows, in order, followed live in a list and a single row (QA15 F1)', async () => {
    const tag = newId().slice(0, 8);
    const team = `team-big-${tag}`;
    const a = 2n ** 53n + BigInt(Math.floor(Math.random() * 1e9)) * 4n; // a multiple of 4: a + 1 rounds to a
    const b = a + 1n;
    expect(Number(a)).to.equal(Number(b));
    await insertInto('acme_members', [{ team_id: team, member_id: ALICE }]);
    await insertInto('acme_work_orders', [{ team_id: team, title: `Small ${tag}`, status: 'queued' }]);
    await runSql(`insert into public.acme_work_orders (id, team_id, title, status) overriding system value values (${a}, '${team}', 'Big A ${tag}', 'queued'), (${b}, '${team}', 'Big B ${tag}', 'running')`);
    const byId = defineFeed<WorkOrder, { teamId?: string | null }>({
      name: 'work-orders-by-id', table: 'acme_work_orders', kind: 'list',
      filters: [{ column: 'team_id', param: 'teamId', what: 'team id' }], order: { column: 'id', ascending: true }, limit: 20,
    });
    const one = defineFeed<WorkOrder, { id?: string }>({ name: 'work-order', table: 'acme_work_orders', kind: 'single', filters: [{ column: 'id', param: 'id', what: 'order id' }] });
    const info = await backendInfo();
    const wrapper = await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${await signIn(USERS.alice)}>
      <rt-live-list .feed=${byId} .params=${{ teamId: team }} label-field="title" status-field="status"></rt-live-list>
      <rt-live-list .feed=${one} .params=${{ id: String(b) }} label-field="title" status-field="status"></rt-live-list>
    </rt-provider>`);
    const [list, single] = [...wrapper.querySelectorAll('rt-live-list')] as RtLiveList[];
    const titles = (el: RtLiveList) => [...el.shadowRoot!.querySelectorAll('[part~="label"]')].map((n) => n.textContent!.trim());
    const shows = () => `list: ${visibleText(list.shadowRoot!)} | single: ${visibleText(single.shadowRoot!)}`;
    await waitUntil(
      () => titles(list).join() === [`Small ${tag}`, `Big A ${tag}`, `Big B ${tag}`].join() && titles(single).join() === `Big B ${tag}` && [list, single].every((el) => visibleText(el.shadowRoot!).includes('Live')),
      `three rows in id order, B on its own, Live (${shows()})`, { timeout: 30_000, interval: 50 },
    );
    await runSql(`update public.acme_work_orders set title = 'Big B renamed ${tag}', status = 'completed' where id = ${b}`);
    await waitUntil(
      () => titles(list).join() === [`Small ${tag}`, `Big A ${tag}`, `Big B renamed ${tag}`].join() && titles(single).join() === `Big B renamed ${tag}`,
      `the update followed in both, A kept (${shows()})`, { timeout: 30_000, interval: 50 },
    );
    expect(visibleText(single.shadowRoot!)).to.include('Completed') // a known work status, in the page's words (QA38);
  });

  it('a bigint figure beyond 2^53 that is not a key, changed live, shows every digit (not the rounded number realtime-js reads)', async () => {
    const tag = newId().slice(0, 8);
    const team = `team-qty-${tag}`;
    await insertInto('acme_members', [{ team_id: team, member_id: ALICE }]);
    const [order] = (await insertInto('acme_work_orders', [{ team_id: team, title: `Qty ${tag}`, status: 'running', quantity: 7 }])) as unknown as (WorkOrder & { quantity: number })[];
    const one = defineFeed<WorkOrder, { id?: string }>({ name: 'work-order-qty', table: 'acme_work_orders', kind: 'single', filters: [{ column: 'id', param: 'id', what: 'order id' }] });
    const info = await backendInfo();
    const wrapper = await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${await signIn(USERS.alice)}>
      <rt-live-list .feed=${one} .params=${{ id: String(order.id) }} label-field="title" detail-field="quantity"></rt-live-list>
    </rt-provider>`);
    const single = wrapper.querySelector('rt-live-list')!;
    const shows = () => visibleText(single.shadowRoot!);
    await waitUntil(() => shows().includes(`Qty ${tag}`) && shows().includes('7') && shows().includes('Live'), `the row, Live (${shows()})`, { timeout: 30_000, interval: 50 });
    const exact = 2n ** 53n + 1n; // realtime-js reads it as 9007199254740992
    await runSql(`update public.acme_work_orders set quantity = ${exact}, title = 'Qty changed ${tag}' where id = ${order.id}`);
    await waitUntil(() => shows().includes(`Qty changed ${tag}`), `the change shown (${shows()})`, { timeout: 30_000, interval: 50 });
    await waitUntil(() => shows().replace(/\D/g, '').includes(String(exact)), `every digit of ${exact} (${shows()})`, { timeout: 30_000, interval: 50 });
    expect(shows().replace(/\D/g, '')).not.to.include('9007199254740992');
  });

  it("through the page's own SupabaseClient, which reads it rounded: that figure shows as ≈ its rounded value, never as exact digits, and the console says why once (QA86 M1)", async () => {
    const tag = newId().slice(0, 8);
    const team = `team-host-qty-${tag}`;
    await insertInto('acme_members', [{ team_id: team, member_id: ALICE }]);
    const [order] = (await insertInto('acme_work_orders', [{ team_id: team, title: `Host qty ${tag}`, status: 'running', quantity: 7 }])) as unknown as WorkOrder[];
    const one = defineFeed<WorkOrder, { id?: string }>({ name: 'work-order-host-qty', table: 'acme_work_orders', kind: 'single', filters: [{ column: 'id', param: 'id', what: 'order id' }] });
    const info = await backendInfo();
    const supabase = createClient(info.url, info.anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
    expect((await supabase.auth.signInWithPassword({ email: USERS.alice, password: 'rt-monitor-demo' })).error).to.equal(null);
    const said = recordWarnings();
    try {
      const wrapper = await fixture(html`<rt-provider .client=${supabase}>
        <rt-live-list .feed=${one} .params=${{ id: String(order.id) }} label-field="title" detail-field="quantity"></rt-live-list>
      </rt-provider>`);
      const single = wrapper.querySelector('rt-live-list')!;
      const shows = () => visibleText(single.shadowRoot!);
      await waitUntil(() => shows().includes(`Host qty ${tag}`) && shows().includes('Live'), `the row, Live (${shows()})`, { timeout: 30_000, interval: 50 });
      const exact = 2n ** 53n + 1n; // supabase-js reads it as 9007199254740992, over REST and over the socket
      await runSql(`update public.acme_work_orders set quantity = ${exact}, title = 'Host qty changed ${tag}' where id = ${order.id}`);
      await waitUntil(() => shows().includes(`Host qty changed ${tag}`) && shows().includes('9007199254740992'), `the change shown (${shows()})`, { timeout: 30_000, interval: 50 });
      expect(shows()).to.include('≈9007199254740992');
      expect(shows().replace(/≈9007199254740992/g, '')).to.not.include('9007199254740992');
      expect(said.warnings.filter((w) => w.includes('beyond 2^53 read rounded')).length, said.warnings.join('\n')).to.equal(1);
    } finally {
      said.restore();
      await supabase.removeAllChannels();
    }
  });

  it('a declaration mistake throws at declaration time; a missing parameter is a clear error', async () => {
    expect(() => defineFeed({ name: 'x', table: '', kind: 'list', filters: [] })).to.throw(/needs a name and a table/);
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const wrapper = await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}>
      <rt-live-list .feed=${workOrders} .params=${{}}></rt-live-list></rt-provider>`);
    const list = wrapper.querySelector('rt-live-list')!;
    await waitUntil(() => deepText(list.shadowRoot!).includes('No team id given'), `showed ${deepText(list.shadowRoot!)}`, { timeout: 30_000 });
  });
});
