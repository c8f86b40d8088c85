/**
 * A sixth table, added only through the public API (issue 12): a feed declared with
 * `defineFeed()` for `acme_work_orders` (bigint keys; supabase/examples/own_schema.sql), shown by
 * `<rt-live-list>` and read through the generic `LiveQueryController` — live, under RLS.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { LitElement } from 'lit';
import { defineFeed, LiveQueryController, type RtLiveList } from '../../src/index.js';
import { ALICE, BOB, backendInfo, insertInto, newId, signIn, USERS } from '../helpers/backend.js';
import { deepText, visibleText } from './helpers.js';

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
