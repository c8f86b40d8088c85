/**
 * What the server says wins over what the page held (real backend, real Chromium, real elements).
 * Each case left a widget "Live" over a value the database no longer had:
 *
 * - a database restored from a backup (versions older than those shown): the re-read after the
 *   reconnect was ignored for every row the page held newer, for good;
 * - an UPDATE that changed a primary key: the row stayed under its old key beside the new one;
 * - a change record without a column the widget holds (a column renamed under a live widget;
 *   also an unchanged TOASTed value under REPLICA IDENTITY DEFAULT): the old value was kept, "Live";
 * - every row of a list leaving the user's view (membership removed): "No streams in this
 *   organisation" instead of "Not found or no access";
 * - a row that came with no change announcing it (a table dropped from the publication, a lost
 *   message): the re-check counted it ("3 new" over two rows) but the list never showed it.
 *
 * And what Realtime said after a read was asked for wins over that read: a re-check read mid-burst
 * whose reply came after the burst's last change put the bar back to 20% under Live (QA40 M2).
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import { createClient } from '@supabase/supabase-js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { LiveHub } from '../../src/core/live-hub.js';
import { en } from '../../src/internal/strings.js';
import { CAROL, USERS, backendInfo, clientFor, mintToken, signIn, deleteRows, dropConnections, insertInto, insertRows, newId, newStream, runSql, updateRows, waitFor } from '../helpers/backend.js';
import { badgeText, deepText } from '../elements/helpers.js';

const clients: RtClient[] = [];
const every = LiveHub.revalidateMs;
afterEach(() => {
  LiveHub.revalidateMs = every;
  for (const c of clients.splice(0)) c.dispose();
});

async function alice(): Promise<RtClient> {
  const c = await clientFor(USERS.alice);
  clients.push(c);
  return c;
}
const live = (c: RtClient) => c.getActiveSubscriptions().length > 0 && c.getActiveSubscriptions().every((s) => s.status === 'connected');
const text = (el: Element) => deepText(el.shadowRoot!);

describe('the server’s rows win over what the page held (real backend)', function () {
  this.timeout(60_000);

  it('a database restored to an older copy: the re-read after the reconnect shows its row, not the newer one held', async () => {
    const stream = await newStream({ name: 'restored', current_progress: { percentage: 90, completed: 45, total: 50 } });
    const c = await alice();
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`);
    const el = wrapper.querySelector('rt-stream-card')!;
    await waitFor(() => text(el).includes('90%') && live(c) && badgeText(el) === 'Live', 20_000, 'live at 90%');
    // The backup: an older version of the row, written with triggers off (no event, no new updated_at).
    await runSql(`begin; set local session_replication_role = replica;
      update public.streams set current_progress = '{"percentage": 42, "completed": 21, "total": 50}', updated_at = updated_at - interval '1 hour'
      where id = '${stream.id}'; commit;`);
    await dropConnections();
    await waitFor(() => text(el).includes('42%') && live(c), 20_000, "the restored row's 42% after the reconnect");
    expect(text(el)).to.not.include('90%');
  });

  it('a row deleted and inserted again with its old updated_at (a copy, an undo): shown at once, without any re-check', async () => {
    LiveHub.revalidateMs = 0; // nothing but Realtime may bring it back
    const stream = await newStream({ name: 'before the delete', current_progress: { percentage: 60, completed: 30, total: 50 } });
    const c = await alice();
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`);
    const el = wrapper.querySelector('rt-stream-card')!;
    await waitFor(() => text(el).includes('before the delete') && live(c) && badgeText(el) === 'Live', 20_000, 'live');
    await deleteRows('streams', { id: stream.id });
    await waitFor(() => !text(el).includes('before the delete'), 10_000, 'gone after the DELETE');
    await insertRows('streams', [{ ...stream, name: 'inserted again', current_progress: { percentage: 5, completed: 1, total: 20 }, updated_at: '2020-01-01T00:00:00Z' }]);
    await waitFor(() => text(el).includes('inserted again') && text(el).includes('5%') && live(c), 10_000, `the row inserted again (shows ${text(el).slice(0, 160)})`);
  });

  /** An UPDATE that sets `updated_at` back (a writer without the schema's trigger): `replica` also sends no change. */
  const backdate = (id: string, name: string, replica: boolean) =>
    runSql(`begin; ${replica ? 'set local session_replication_role = replica;' : 'alter table public.streams disable trigger rt_set_updated_at;'}
      update public.streams set name = '${name}', updated_at = '2019-06-01T00:00:00Z' where id = '${id}';
      ${replica ? '' : 'alter table public.streams enable trigger rt_set_updated_at;'} commit;`);

  it('an UPDATE that sets updated_at back, over a row the page read over REST: shown at once (committed after the read; QA14 F1)', async () => {
    LiveHub.revalidateMs = 0;
    const stream = await newStream({ name: 'as read' });
    const c = await alice();
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`);
    const el = wrapper.querySelector('rt-stream-card')!;
    await waitFor(() => text(el).includes('as read') && live(c) && badgeText(el) === 'Live', 20_000, `the card Live (shows ${text(el).slice(0, 120)})`);
    await backdate(stream.id, 'set back', false);
    await waitFor(() => text(el).includes('set back'), 10_000, `the change (shows ${text(el).slice(0, 120)})`);
  });

  it('the same change seen only by the re-check (no realtime event): the re-read by key wins over the held copy', async () => {
    LiveHub.revalidateMs = 500;
    const stream = await newStream({ name: 'held copy' });
    const c = await alice();
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`);
    const el = wrapper.querySelector('rt-stream-card')!;
    await waitFor(() => text(el).includes('held copy') && live(c) && badgeText(el) === 'Live', 20_000, 'live');
    await backdate(stream.id, 'set back unseen', true);
    await waitFor(() => text(el).includes('set back unseen'), 15_000, `the re-check's row (shows ${text(el).slice(0, 120)})`);
  });

  it('an UPDATE that changes a primary key: the list holds the row once, under its new key', async () => {
    const stream = await newStream({ name: 'pk change' });
    const oldId = newId();
    const newKey = newId();
    await insertRows('agent_executions', [
      { id: oldId, stream_id: stream.id, agent_id: 'agent-moving', status: 'running', started_at: new Date().toISOString() },
      { id: newId(), stream_id: stream.id, agent_id: 'agent-staying', status: 'running', started_at: new Date().toISOString() },
    ]);
    LiveHub.revalidateMs = 600_000; // the change itself must do it, not the periodic re-check
    const c = await alice();
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-agent-executions stream-id=${stream.id}></rt-agent-executions></rt-provider>`);
    const el = wrapper.querySelector('rt-agent-executions')!;
    await waitFor(() => text(el).includes('agent-moving') && text(el).includes('agent-staying') && live(c), 15_000, 'both runs live');
    await updateRows('agent_executions', { id: oldId }, { id: newKey, agent_id: 'agent-moved' });
    await waitFor(() => text(el).includes('agent-moved'), 15_000, 'the row under its new key');
    expect(text(el)).to.not.include('agent-moving');
    expect(el.shadowRoot!.querySelectorAll('[part~="item"]').length).to.equal(2);
  });

  it('a change without a column the widget shows (the column renamed under it): not Live over the old value', async () => {
    const stream = await newStream({ name: 'renamed column', current_progress: { percentage: 30, completed: 3, total: 10 } });
    LiveHub.revalidateMs = 600_000;
    const c = await alice();
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`);
    const el = wrapper.querySelector('rt-stream-card')!;
    await waitFor(() => text(el).includes('30%') && live(c) && badgeText(el) === 'Live', 20_000, 'live at 30%');
    await runSql(`alter table public.streams rename column current_progress to progress_renamed`);
    try {
      await runSql(`update public.streams set progress_renamed = '{"percentage": 90, "completed": 9, "total": 10}' where id = '${stream.id}'`);
      // Whatever the re-read finds (rows without the column, or an error naming it), the old 30%
      // is not shown as Live.
      await waitFor(() => !(text(el).includes('30%') && text(el).includes(en.live)), 15_000, 'the old value no longer Live');
    } finally {
      await runSql(`alter table public.streams rename column progress_renamed to current_progress`);
    }
  });

  it('every stream of the dashboard leaving the user’s view (membership removed): it says "Not found or no access", not "No streams"', async () => {
    const [org] = await insertInto('orgs', [{ id: newId(), name: 'Left behind' }]);
    await insertInto('org_members', [{ org_id: org.id, user_id: CAROL }]);
    let member = true;
    try {
      await newStream({ org_id: org.id as string, name: 'left behind stream' });
      LiveHub.revalidateMs = 1000;
      const c = await clientFor(USERS.carol);
      clients.push(c);
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-monitoring-dashboard org-id=${org.id as string}></rt-monitoring-dashboard></rt-provider>`);
      const el = wrapper.querySelector('rt-monitoring-dashboard')!;
      await waitFor(() => text(el).includes('left behind stream') && live(c), 15_000, 'dashboard live');
      // Every frame until the end: the streams list never says "No streams" on the way.
      let sawNoStreams = false;
      let watching = true;
      const watch = () => {
        if (text(el).includes(en.noStreams)) sawNoStreams = true;
        if (watching) requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
      await deleteRows('org_members' as never, { org_id: org.id as string, user_id: CAROL });
      member = false;
      await waitFor(() => !text(el).includes('left behind stream'), 20_000, 'the stream leaves the dashboard');
      await waitFor(() => text(el).includes(`No org id ${org.id as string}`), 15_000, 'the streams list says the org is not found or not accessible');
      watching = false;
      expect(sawNoStreams, '"No streams" shown on the way').to.equal(false);
      expect(text(el)).to.not.include(en.noStreams);
    } finally {
      if (member) await deleteRows('org_members' as never, { org_id: org.id as string, user_id: CAROL });
    }
  });

  it('the same with the user’s default org (no org-id): the dashboard checks the org it looked up once', async () => {
    const user = newId(); // a user whose only org is this one
    const [org] = await insertInto('orgs', [{ id: newId(), name: 'Only org' }]);
    await insertInto('org_members', [{ org_id: org.id, user_id: user }]);
    await newStream({ org_id: org.id as string, name: 'only org stream' });
    LiveHub.revalidateMs = 1000;
    const info = await backendInfo();
    const token = await mintToken(user, 3600);
    const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token });
    clients.push(c);
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-monitoring-dashboard></rt-monitoring-dashboard></rt-provider>`);
    const el = wrapper.querySelector('rt-monitoring-dashboard')!;
    await waitFor(() => text(el).includes('only org stream') && live(c), 15_000, 'dashboard live on the default org');
    await deleteRows('org_members' as never, { org_id: org.id as string, user_id: user });
    await waitFor(() => !text(el).includes('only org stream'), 20_000, 'the stream leaves the dashboard');
    await waitFor(() => text(el).includes(en.notFound), 15_000, 'the streams list says not found or no access');
    expect(text(el)).to.not.include(en.noStreams);
  });

  it('a notification that came with no change announcing it: the re-check shows it in the list, not only in the count', async () => {
    const user = newId(); // a user of this test alone: no other test writes its notifications
    const info = await backendInfo();
    await insertRows('notifications', [
      { user_id: user, title: 'first note', created_at: new Date(Date.now() - 2000).toISOString() },
      { user_id: user, title: 'second note', created_at: new Date(Date.now() - 1000).toISOString() },
    ]);
    LiveHub.revalidateMs = 1500;
    const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await mintToken(user, 3600) });
    clients.push(c);
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-notifications max-items="2"></rt-notifications></rt-provider>`);
    const el = wrapper.querySelector('rt-notifications')!;
    await waitFor(() => text(el).includes('second note') && text(el).includes('first note') && live(c), 15_000, 'both notes live');
    // Inserted with triggers off: the change is never captured, so no client hears of it.
    await runSql(`begin; set local session_replication_role = replica;
      insert into public.notifications (user_id, title) values ('${user}', 'unannounced note'); commit;`);
    await waitFor(() => text(el).includes('unannounced note'), 20_000, `the unannounced note in the list (shows: ${text(el).slice(0, 200)})`);
    expect(text(el)).to.not.include('first note'); // max-items 2: the newest two
  });

  it("a live query's parameters changed in place by its caller do not turn its shared store to another row (QA19: the store read the caller's object when it started)", async () => {
    const one = await newStream({ name: 'asked for' });
    const other = await newStream({ name: 'changed to in place' });
    const c = await alice();
    const params = { streamId: one.id };
    const query = c.liveQuery('stream', params);
    params.streamId = other.id; // after asking, before subscribing (the store starts then)
    const name = () => (query.getState().data as { name?: string } | null)?.name;
    const seen = new Set<string | undefined>();
    const off = query.subscribe(() => seen.add(name()));
    try {
      await waitFor(() => name() === 'asked for' && live(c), 15_000, `live on the stream asked for (shows ${name()})`);
      expect([...seen]).to.not.include('changed to in place');
      // Another widget asking for the first stream shares that store: it must hold the first stream.
      expect(c.liveQuery('stream', { streamId: one.id }).getState().data).to.include({ id: one.id });
    } finally {
      off();
    }
  });

  it('a re-check read whose reply comes after a change Realtime delivered does not put the row back (QA40 M2)', async () => {
    const stream = await newStream({ name: 'mid-burst', current_progress: { percentage: 20, completed: 20, total: 100 } });
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    // The page's REST requests through a fetch that can hold the re-check's reply (a read of held rows by key).
    const gate = { armed: false, asked: 0, release: null as null | (() => void) };
    const held = () => new Promise<void>((r) => (gate.release = r));
    const hold: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const recheck = url.includes('/rest/v1/streams') && url.includes('id=in.');
      if (recheck) gate.asked++;
      const res = await fetch(input, init); // the server has read the rows when this resolves
      if (recheck && gate.armed) {
        gate.armed = false;
        await held();
      }
      return res;
    };
    const sb = createClient(info.url, info.anonKey, { accessToken: async () => token, global: { fetch: hold } });
    const c = createRtClient({ client: sb, revalidateMs: 300 });
    clients.push(c);
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
    const el = wrapper.querySelector('rt-stream-progress')!;
    await waitFor(() => text(el).includes('20%') && badgeText(el) === en.live, 20_000, 'live at 20%');
    gate.armed = true;
    const asked = gate.asked;
    await waitFor(() => gate.release !== null && gate.asked > asked, 10_000, 'a re-check read at 20%, its reply held');
    await updateRows('streams', { id: stream.id }, { current_progress: { percentage: 99, completed: 99, total: 100 } });
    await waitFor(() => text(el).includes('99%'), 10_000, 'the change delivered over Realtime');
    const after = gate.asked;
    // Every frame from now on: the older copy must never be shown, not even for a moment.
    const seen = new Set<string>();
    let sampling = true;
    const sample = () => {
      if (!sampling) return;
      seen.add(/\d+%/.exec(text(el))?.[0] ?? '?');
      requestAnimationFrame(sample);
    };
    sample();
    gate.release!(); // the reply (20%) lands now
    // Re-checks run one after another: the next one asked means the held reply was folded in.
    await waitFor(() => gate.asked > after, 10_000, 'the next re-check');
    await waitFor(() => gate.asked > after + 1, 10_000, 'and the one after it');
    sampling = false;
    expect([...seen], 'what Realtime said after the read was asked for stands').to.deep.equal(['99%']);
    await waitFor(() => badgeText(el) === en.live, 10_000, () => `Live (shows ${badgeText(el)})`);
    await sb.removeAllChannels();
  });
});
