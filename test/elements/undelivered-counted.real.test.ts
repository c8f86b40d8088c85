/**
 * QA65 F1: an alert or notification Realtime never delivers (its table taken out of the
 * publication, or the Realtime server lost its channels without a word) was caught only when a
 * revalidation round's whole-list read saw it first. When the unread count's re-count (300 ms
 * after the round) saw it first, the count "missed" it and the list was refilled: the row was
 * taken in as any row read, never as one Realtime owed, and the widget stayed green Live with no
 * channel that delivers. Now any read of a list with its channel joined since the read before
 * holds Realtime to the rows inserted since (SnapshotLanding.landed), so the row is watched for
 * and, not delivered within LATE_MS, takes the widget off Live with the cause and its channel
 * joins again. Real backend; the insert is timed right after a round's list read answered (a
 * `fetch` hook), so the count sees it first.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import { LiveHub } from '../../src/core/live-hub.js';
import { ALICE, forgetChannels, insertInto, insertRows, newId, newStream, probeTable, runSql, updateRows, waitFor, type Probe } from '../helpers/backend.js';
import { defineFeed } from '../../src/core/feeds/feed.js';
import '../../src/elements/rt-live-list/rt-live-list.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import { backendInfo, signIn, USERS } from '../helpers/backend.js';
import { visibleText } from './helpers.js';
import { countRounds, instrumentWebSocket } from '../helpers/hosts.js';


const badgeTitle = (el: Element) => el.shadowRoot!.querySelector('[part~="live-badge"]')?.getAttribute('title') ?? '';
const isLive = (el: Element) => el.matches(':state(live)');
const vis = (el: Element) => visibleText(el.shadowRoot ?? el);

/** `inner` under an <rt-provider> signed in as Alice. */
async function page(inner: () => TemplateResult): Promise<HTMLElement> {
  const info = await backendInfo();
  const token = await signIn(USERS.alice);
  return fixture<HTMLElement>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}>${inner()}</rt-provider>`);
}

const every = LiveHub.revalidateMs;
beforeEach(() => (LiveHub.revalidateMs = 1000));
afterEach(() => (LiveHub.revalidateMs = every));

/** Calls `then` once, right after the next whole-list read of `table` (a GET ordered, not by ids) answers. */
function afterNextListRead(table: string) {
  const native = window.fetch;
  let armed: (() => void) | null = null;
  window.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const res = await native(input, init);
    if (armed && method === 'GET' && url.includes(`/rest/v1/${table}?`) && url.includes('order=') && !url.includes('id=in.')) {
      const go = armed;
      armed = null;
      go();
    }
    return res;
  };
  return {
    arm: () => new Promise<void>((r) => (armed = r)),
    restore: () => (window.fetch = native),
  };
}

const cases = [
  {
    table: 'signal_alerts',
    tag: 'rt-signal-alerts',
    insert: (label: string) => insertRows('signal_alerts', [{ user_id: ALICE, business_name: label, signal_type: 'hiring', priority: 'high' }]),
  },
  {
    table: 'notifications',
    tag: 'rt-notifications',
    insert: (label: string) => insertRows('notifications', [{ id: newId(), user_id: ALICE, title: label, type: 'info' }]),
  },
] as const;

describe('an insert Realtime never delivers, seen first by the unread count (real backend, QA65 F1)', function () {
  this.timeout(90_000);
  for (const c of cases) {
    it(`U-${c.table}: <${c.tag}> over a table out of the publication, a row inserted just after a round's list read: must not stay Live`, async () => {
      const tag = newId().slice(0, 6);
      await c.insert(`First ${tag}`);
      const hook = afterNextListRead(c.table);
      try {
        const provider = await page(() => (c.tag === 'rt-signal-alerts' ? html`<rt-signal-alerts max-items="5"></rt-signal-alerts>` : html`<rt-notifications max-items="5"></rt-notifications>`));
        const el = provider.querySelector(c.tag)!;
        await waitFor(() => isLive(el) && vis(el).includes(`First ${tag}`), 20_000, () => `live: ${vis(el)}`);
        await runSql(`alter publication supabase_realtime drop table public.${c.table}`);
        try {
          // Inserted right after a revalidation round's whole-list read answered (before the 300 ms re-count).
          await hook.arm();
          await c.insert(`Second ${tag}`);
          await waitFor(() => vis(el).includes(`Second ${tag}`), 10_000, () => `second shown: ${vis(el)}`);
          // Owed by Realtime, never delivered: off Live with the cause within LATE_MS and a round or two.
          await waitFor(() => !isLive(el) && /not arriving|could not subscribe/i.test(badgeTitle(el)), 20_000, () => `still ${isLive(el) ? 'Live' : 'not Live'} (${badgeTitle(el)}): ${vis(el).slice(0, 200)}`);
          expect(vis(el)).to.include(`Second ${tag}`);
        } finally {
          await runSql(`alter publication supabase_realtime add table public.${c.table}`);
        }
      } finally {
        hook.restore();
      }
    });
  }

  it('the Realtime server forgets every channel (no frame; sockets open, heartbeats answered), then changes come: each widget joins again, and a later alert arrives over Realtime (QA65 R2b)', async () => {
    const tag = newId().slice(0, 6);
    const stream = await newStream({ name: `forgot ${tag}`, current_progress: { percentage: 20, completed: 2, total: 10 } });
    await insertRows('agent_executions', [{ stream_id: stream.id, agent_id: `agent-a-${tag}`, status: 'completed' }]);
    await insertRows('signal_alerts', [{ user_id: ALICE, business_name: `Alert A ${tag}`, signal_type: 'hiring', priority: 'high' }]);
    const ws = instrumentWebSocket();
    const joins = (table: string) => ws.sent.filter((f) => f.data.includes('"phx_join"') && f.data.includes(`"table":"${table}"`)).length;
    const provider = await page(
      () => html`<rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
        <rt-agent-executions stream-id=${stream.id}></rt-agent-executions>
        <rt-signal-alerts max-items="5"></rt-signal-alerts>`,
    );
    const [progress, agents, alerts] = ['rt-stream-progress', 'rt-agent-executions', 'rt-signal-alerts'].map((t) => provider.querySelector(t)!);
    const all = () => [progress, agents, alerts].map((e) => `${e.localName}=${isLive(e)} ${vis(e).slice(0, 100)}`).join(' | ');
    await waitFor(() => [progress, agents, alerts].every(isLive) && vis(alerts).includes(`Alert A ${tag}`), 20_000, () => `all live: ${all()}`);
    const before = ['streams', 'agent_executions', 'signal_alerts'].map(joins);
    await forgetChannels();
    // The span is the point: quiet revalidation rounds first (nothing changed, nothing to find).
    await new Promise((r) => setTimeout(r, 2000));
    await updateRows('streams', { id: stream.id }, { current_progress: { percentage: 60, completed: 6, total: 10 } });
    await insertRows('agent_executions', [{ stream_id: stream.id, agent_id: `agent-c-${tag}`, status: 'running', started_at: new Date().toISOString() }]);
    await insertRows('signal_alerts', [{ user_id: ALICE, business_name: `Alert C ${tag}`, signal_type: 'funding', priority: 'critical' }]);
    await waitFor(() => vis(progress).includes('60%') && vis(agents).includes(`agent-c-${tag}`) && vis(alerts).includes(`Alert C ${tag}`), 20_000, () => `found by revalidation: ${all()}`);
    // Each was owed by Realtime and not delivered: its channel joins again, then Live.
    await waitFor(() => ['streams', 'agent_executions', 'signal_alerts'].every((t, i) => joins(t) > before[i]), 20_000, () => `joined again: ${['streams', 'agent_executions', 'signal_alerts'].map(joins)} (before ${before}); ${all()}`);
    await waitFor(() => [progress, agents, alerts].every(isLive), 30_000, () => `Live again: ${all()}`);
    // Realtime delivers again: an alert inserted with the next revalidation round far away arrives.
    LiveHub.revalidateMs = 600_000;
    await new Promise((r) => setTimeout(r, 1500)); // the round armed at 1 s runs first; the next is 10 min away
    await insertRows('signal_alerts', [{ user_id: ALICE, business_name: `Alert D ${tag}`, signal_type: 'funding', priority: 'critical' }]);
    await waitFor(() => vis(alerts).includes(`Alert D ${tag}`), 10_000, () => `a later alert never arrived: ${all()}`);
    ws.restore();
  });
});

describe('a full list over channels the server forgot: what a round reads is owed (real backend, QA67)', function () {
  this.timeout(90_000);
  const ago = (s: number) => new Date(Date.now() - 600_000 + s * 1000).toISOString();
  /** `<rt-live-list>` of a probe table at its limit of 3 (rows 1–5, ten minutes old), Live, a round done; then the server forgets its channels. */
  async function fullList(): Promise<{ table: string; el: Element }> {
    const table = await probeTable('rt_full');
    await insertInto(table, [1, 2, 3, 4, 5].map((i) => ({ team: 't', title: `row${i}`, created_at: ago(i), updated_at: ago(i) })));
    await insertInto(table, [{ team: 'other', title: 'backlog', created_at: ago(0), updated_at: ago(0) }]);
    const feed = defineFeed<Probe, { team?: string }>({ name: `full-${table}`, table, kind: 'list', filters: [{ column: 'team', param: 'team' }], limit: 3 });
    const { rounds, restore } = countRounds(table);
    try {
      const provider = await page(() => html`<rt-live-list .feed=${feed} .params=${{ team: 't' }} label-field="title"></rt-live-list>`);
      const el = provider.querySelector('rt-live-list')!;
      await waitFor(() => isLive(el) && vis(el).includes('row5') && vis(el).includes('row3'), 30_000, () => `live: ${vis(el)}`);
      await waitFor(() => rounds() >= 1, 10_000, 'a revalidation round');
    } finally {
      restore();
    }
    await forgetChannels();
    return { table, el: document.querySelector('rt-live-list')! };
  }
  const notArriving = (el: Element) => !isLive(el) && /late or not arriving|could not subscribe/i.test(badgeTitle(el));

  it('F2: one transaction deletes a held row and inserts a new one: the refill the deletion starts judges the new row, owed (before: never, and the list stayed Live)', async () => {
    const { table, el } = await fullList();
    try {
      await runSql(`delete from public.${table} where title = 'row5'; insert into public.${table} (team, title) values ('t', 'fresh');`);
      await waitFor(() => vis(el).includes('fresh') && !vis(el).includes('row5'), 15_000, () => `fresh shown: ${vis(el)}`);
      await waitFor(() => notArriving(el), 20_000, () => `off Live with the cause (${isLive(el) ? 'Live' : badgeTitle(el)})`);
    } finally {
      await runSql(`drop table if exists public.${table};`);
    }
  });

  it('F1: an old row moved into the list by an UPDATE, with a new row: no widened view (its version is new), the new row is owed', async () => {
    const { table, el } = await fullList();
    try {
      await runSql(`update public.${table} set team = 't', title = 'moved', created_at = '${ago(10)}', updated_at = now() where title = 'backlog'; insert into public.${table} (team, title) values ('t', 'fresh');`);
      await waitFor(() => vis(el).includes('fresh') && vis(el).includes('moved'), 15_000, () => `both shown: ${vis(el)}`);
      await waitFor(() => notArriving(el), 20_000, () => `off Live with the cause (${isLive(el) ? 'Live' : badgeTitle(el)})`);
    } finally {
      await runSql(`drop table if exists public.${table};`);
    }
  });
});
