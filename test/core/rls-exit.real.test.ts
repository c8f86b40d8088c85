/**
 * A row that leaves the user's view (Row Level Security) while a widget shows it (real backend,
 * real Chromium, real elements). Realtime sends nothing for it: the new row fails the user's RLS
 * check, so the change is not delivered. Before, the widget kept the row, marked Live, with its
 * old values until the next reconnect. Held rows are now read again by key (one request per table,
 * `LiveHub.revalidateMs`): the row goes within that time.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-live-list/rt-live-list.js';
import { createRtClient, type RtClient, type RtClientOptions } from '../../src/core/client.js';
import { LiveHub } from '../../src/core/live-hub.js';
import { en } from '../../src/internal/strings.js';
import { ACME, BOB, CAROL, GLOBEX, USERS, deleteRows, insertInto, backendInfo, clientFor, insertRows, mintToken, newId, newStream, probeFeed, probeTable, runSql, selectRows, signIn, updateRows, waitFor } from '../helpers/backend.js';
import { deepText } from '../elements/helpers.js';
import { countRounds, type TestAlertsHost } from '../helpers/hosts.js';
import '../helpers/hosts.js';

const clients: RtClient[] = [];
const every = LiveHub.revalidateMs;
beforeEach(() => (LiveHub.revalidateMs = 1000));
afterEach(() => {
  LiveHub.revalidateMs = every;
  for (const c of clients.splice(0)) c.dispose();
});

async function aliceClient(options: RtClientOptions = {}): Promise<RtClient> {
  const c = await clientFor(USERS.alice, options);
  clients.push(c);
  return c;
}

const live = (c: RtClient) => c.getActiveSubscriptions().length > 0 && c.getActiveSubscriptions().every((s) => s.status === 'connected');

describe('rows leaving the user’s view (RLS, real backend)', function () {
  this.timeout(60_000);

  it('a stream moved to an org the user is not in: the card says "Not found or no access", not Live with old values', async () => {
    const stream = await newStream({ name: 'moving away', current_progress: { percentage: 20, completed: 2, total: 10 } });
    const c = await aliceClient();
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`);
    const el = wrapper.querySelector('rt-stream-card')!;
    await waitFor(() => deepText(el.shadowRoot!).includes('moving away') && live(c), 15_000, 'card live');
    await updateRows('streams', { id: stream.id }, { org_id: GLOBEX, current_progress: { percentage: 90, completed: 9, total: 10 } });
    await waitFor(() => deepText(el.shadowRoot!).includes(en.notFound), 15_000, 'not found after leaving the view');
    expect(deepText(el.shadowRoot!)).to.not.include('moving away');
    // And back into view without an event the user could receive (nothing changes after the move):
    // the not-found card reads its row again.
    await updateRows('streams', { id: stream.id }, { org_id: ACME });
    await waitFor(() => deepText(el.shadowRoot!).includes('moving away') && deepText(el.shadowRoot!).includes(en.live), 15_000, 'back in view');
  });

  it('the client option revalidateMs sets the interval (the static default stays 60 s here)', async () => {
    LiveHub.revalidateMs = every;
    const stream = await newStream({ name: 'option interval' });
    const c = await aliceClient({ revalidateMs: 800 });
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`);
    const el = wrapper.querySelector('rt-stream-card')!;
    await waitFor(() => deepText(el.shadowRoot!).includes('option interval') && live(c), 15_000, 'card live');
    await updateRows('streams', { id: stream.id }, { org_id: GLOBEX });
    await waitFor(() => deepText(el.shadowRoot!).includes(en.notFound), 15_000, 'gone within the option interval');
  });

  it('<rt-provider revalidate-ms> sets it for the client the provider makes', async () => {
    LiveHub.revalidateMs = every;
    const stream = await newStream({ name: 'provider interval' });
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const wrapper = await fixture(
      html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token} revalidate-ms="800"><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`,
    );
    const el = wrapper.querySelector('rt-stream-card')!;
    await waitFor(() => deepText(el.shadowRoot!).includes('provider interval') && deepText(el.shadowRoot!).includes(en.live), 15_000, 'card live');
    await updateRows('streams', { id: stream.id }, { org_id: GLOBEX });
    await waitFor(() => deepText(el.shadowRoot!).includes(en.notFound), 15_000, 'gone within the provider interval');
    wrapper.remove();
  });

  it('a row that comes into view with no change the user could receive (a membership granted) shows up', async () => {
    const [org] = await insertInto('orgs', [{ id: newId(), name: 'Granted later' }]);
    const stream = await newStream({ org_id: org.id as string, name: 'granted later' });
    const c = await clientFor(USERS.carol);
    clients.push(c);
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`);
    const el = wrapper.querySelector('rt-stream-card')!;
    await waitFor(() => deepText(el.shadowRoot!).includes(en.notFound), 15_000, 'not found before the grant');
    await insertInto('org_members', [{ org_id: org.id, user_id: CAROL }]);
    try {
      await waitFor(() => deepText(el.shadowRoot!).includes('granted later'), 15_000, 'shown after the grant');
    } finally {
      await deleteRows('org_members' as never, { org_id: org.id as string, user_id: CAROL });
    }
  });

  it('a row that comes into view of a list that holds rows (a policy widened, no event): it shows up, and the list stays Live (QA64 F2)', async () => {
    const table = await probeTable('rt_enter');
    const { rounds, restore } = countRounds(table);
    try {
      await runSql(`drop policy read_all on public.${table}; create policy read_some on public.${table} for select to authenticated using (title <> 'hidden row');`);
      await insertInto(table, [{ team: 't', title: 'visible row' }, { team: 't', title: 'hidden row' }]);
      const c = await aliceClient();
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-live-list .feed=${probeFeed(table)} .params=${{ team: 't' }} label-field="title"></rt-live-list></rt-provider>`);
      const el = wrapper.querySelector('rt-live-list')!;
      const text = () => deepText(el.shadowRoot!);
      await waitFor(() => el.matches(':state(live)') && text().includes('visible row'), 15_000, 'the visible row Live');
      expect(text()).to.not.include('hidden row');
      await runSql(`drop policy read_some on public.${table}; create policy read_all on public.${table} for select to authenticated using (true);`);
      await waitFor(() => text().includes('hidden row'), 15_000, () => `the row now in view shown (shows ${text()})`);
      // Not a change Realtime owed (it was there before the list was read): Live through later rounds.
      const seen = rounds();
      await waitFor(() => rounds() >= seen + 3, 15_000, 'three more revalidation rounds');
      expect(el.matches(':state(live)'), text()).to.equal(true);
      expect(text()).to.include('visible row');
    } finally {
      restore();
      await runSql(`drop table if exists public.${table}`);
    }
  });

  it('Broadcast mode: a member removed from the org stops getting its changes (the topics are joined again)', async () => {
    const [org] = await insertInto('orgs', [{ id: newId(), name: 'Broadcast leaving' }]);
    await insertInto('org_members', [
      { org_id: org.id, user_id: CAROL },
      { org_id: org.id, user_id: BOB },
    ]);
    try {
      const stream = await newStream({ org_id: org.id as string, name: 'bc before' });
      const make = async (email: string) => {
        const c = await clientFor(email, { realtimeMode: 'broadcast' });
        clients.push(c);
        return c;
      };
      const carol = await make(USERS.carol);
      const bob = await make(USERS.bob); // the control: still a member, sees every change
      const wrapper = await fixture(
        html`<div><rt-provider .client=${carol}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider><rt-provider .client=${bob}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider></div>`,
      );
      const [mine, control] = [...wrapper.querySelectorAll('rt-stream-card')];
      await waitFor(() => deepText(mine.shadowRoot!).includes('bc before') && live(carol) && live(bob), 15_000, 'both live');
      await deleteRows('org_members' as never, { org_id: org.id as string, user_id: CAROL });
      await waitFor(() => !deepText(mine.shadowRoot!).includes('bc before'), 15_000, "Carol's card lets the row go");
      // Joined again: the org's topic refused by the server, or not asked for at all once Carol's
      // memberships are read again (ORGS_FRESH_MS on a loaded machine): no channel of hers is
      // connected on it (a channel list read after the rejoin, not the absence of a message).
      await waitFor(() => !carol.getChannels().channels.some((ch) => ch.topic === `org:${org.id}` && ch.status === 'connected'), 15_000, "the org's topic no longer joined");
      await updateRows('streams', { id: stream.id }, { name: 'bc secret after removal' });
      await waitFor(() => deepText(control.shadowRoot!).includes('bc secret after removal'), 15_000, 'the control sees the change');
      await new Promise((r) => requestAnimationFrame(r));
      expect(deepText(mine.shadowRoot!)).to.not.include('bc secret after removal');
      // Lost access, not a topic wider than the read policy (src/core/topic-audit.ts): the topic is no longer readable.
      expect(deepText(mine.shadowRoot!)).to.not.match(/read policy/);
    } finally {
      await deleteRows('org_members' as never, { org_id: org.id as string, user_id: BOB });
    }
  });

  it('Broadcast mode: an alert given to another user with new content leaves the first list and joins the other, neither showing the other side (QA16 F4)', async () => {
    const [u1, u2] = [newId(), newId()];
    const tag = newId().slice(0, 8);
    const [row] = await insertRows('signal_alerts', [{ id: newId(), user_id: u1, business_name: `First owner ${tag}`, signal_type: 'funding' }]);
    const info = await backendInfo();
    const make = async (user: string) => {
      const token = await mintToken(user, 3600);
      const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token, realtimeMode: 'broadcast' });
      clients.push(c);
      return c;
    };
    const [c1, c2] = [await make(u1), await make(u2)];
    const wrapper = await fixture(
      html`<div><rt-provider .client=${c1}><rt-signal-alerts></rt-signal-alerts></rt-provider><rt-provider .client=${c2}><rt-signal-alerts></rt-signal-alerts></rt-provider></div>`,
    );
    const [first, second] = [...wrapper.querySelectorAll('rt-signal-alerts')];
    await waitFor(() => deepText(first.shadowRoot!).includes(`First owner ${tag}`) && live(c1) && live(c2), 15_000, 'both live');
    await updateRows('signal_alerts', { id: row.id }, { user_id: u2, business_name: `Second owner ${tag}` });
    await waitFor(() => deepText(second.shadowRoot!).includes(`Second owner ${tag}`), 15_000, 'the row joins the new owner');
    await waitFor(() => !deepText(first.shadowRoot!).includes(`First owner ${tag}`), 15_000, 'the row leaves the first owner');
    expect(deepText(first.shadowRoot!)).to.not.include(`Second owner ${tag}`);
  });

  it("Broadcast mode: a stream moved to another org takes its agents off the old org's list (QA16 N4: Live with them beside \"Not found\")", async () => {
    const [from, to] = await insertInto('orgs', [{ id: newId(), name: 'Moving from' }, { id: newId(), name: 'Moving to' }]);
    await insertInto('org_members', [{ org_id: from.id, user_id: CAROL }]);
    try {
      const stream = await newStream({ org_id: from.id as string, name: 'moving stream' });
      await insertRows('agent_executions', [{ id: newId(), stream_id: stream.id, agent_id: 'moving-agent', status: 'running' }]);
      const carol = await clientFor(USERS.carol, { realtimeMode: 'broadcast' });
      clients.push(carol);
      const wrapper = await fixture(html`<rt-provider .client=${carol}><rt-agent-executions stream-id=${stream.id}></rt-agent-executions></rt-provider>`);
      const agents = wrapper.querySelector('rt-agent-executions')!;
      await waitFor(() => deepText(agents.shadowRoot!).includes('moving-agent') && live(carol), 15_000, 'live with the agent');
      await updateRows('streams', { id: stream.id }, { org_id: to.id as string });
      await waitFor(() => !deepText(agents.shadowRoot!).includes('moving-agent'), 15_000, `the agent leaves (${deepText(agents.shadowRoot!)})`);
      await waitFor(() => deepText(agents.shadowRoot!).includes(en.notFound), 15_000, `"Not found" (${deepText(agents.shadowRoot!)})`);
    } finally {
      await deleteRows('org_members' as never, { org_id: from.id as string, user_id: CAROL });
    }
  });

  it('an alert given to another user leaves the list and the unread count; one still visible stays', async () => {
    // A user of its own (a token minted for a fresh id): no other test's alerts move its count.
    const user = newId();
    const [mine, theirs] = await insertRows('signal_alerts', [
      { id: newId(), user_id: user, business_name: 'Staying Co', signal_type: 'funding', priority: 'low', read: false },
      { id: newId(), user_id: user, business_name: 'Leaving Co', signal_type: 'funding', priority: 'low', read: false },
    ]);
    const info = await backendInfo();
    const token = await mintToken(user, 3600);
    const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token });
    clients.push(c);
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-signal-alerts></rt-signal-alerts></rt-provider>`);
    const el = wrapper.querySelector('rt-signal-alerts')!;
    await waitFor(() => deepText(el.shadowRoot!).includes('Leaving Co') && live(c), 15_000, 'both shown');
    const unread = () => Number(/(\d+)/.exec(el.shadowRoot!.querySelector('[part="unread-badge"]')?.textContent ?? '0')?.[1] ?? 0);
    const before = unread();
    await updateRows('signal_alerts', { id: theirs.id }, { user_id: BOB });
    await waitFor(() => !deepText(el.shadowRoot!).includes('Leaving Co'), 15_000, 'the alert given away is gone');
    expect(deepText(el.shadowRoot!)).to.include('Staying Co');
    expect(before).to.equal(2);
    await waitFor(() => unread() === 1, 10_000, 'unread count 1');
    expect(mine.id).to.be.a('string');
  });

  it('an unread alert outside the window given to another user: the unread count follows (Realtime says nothing)', async () => {
    const user = newId();
    const base = Date.now() - 60_000;
    await insertRows(
      'signal_alerts',
      [0, 1, 2].map((i) => ({ id: newId(), user_id: user, business_name: `Biz ${i}`, signal_type: 'funding', priority: 'low' as const, read: false, created_at: new Date(base + i * 1000).toISOString() })),
    );
    const oldest = (await selectRows('signal_alerts', { user_id: user })).sort((a, b) => a.created_at.localeCompare(b.created_at))[0];
    const info = await backendInfo();
    const token = await mintToken(user, 3600);
    const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token });
    clients.push(c);
    const el = await fixture(html`<rt-provider .client=${c}><test-alerts-host limit="1"></test-alerts-host></rt-provider>`);
    const host = el.querySelector('test-alerts-host') as TestAlertsHost;
    await waitFor(() => host.ctl.phase === 'live' && host.ctl.alerts.length === 1 && host.ctl.unreadCount === 3, 15_000, 'one held, three unread');
    expect(host.ctl.alerts[0].id).to.not.equal(oldest.id);
    await updateRows('signal_alerts', { id: oldest.id }, { user_id: BOB });
    await waitFor(() => host.ctl.unreadCount === 2, 10_000, 'the count follows within the revalidation interval');
  });
});
