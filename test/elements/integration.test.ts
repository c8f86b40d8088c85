/**
 * The elements against the real local backend (supabase-compatible REST + Realtime + Auth,
 * started once per run by web-test-runner): real supabase-js, real RLS, real WebSocket.
 * Every test makes its own rows (fresh ids); the backend is shared by the whole run.
 * Runs twice: on the sources, and on the built script-tag file dist/rt-monitor.js
 * (web-test-runner.dist.config.mjs; `npm test` runs it after the build).
 *
 * The whole suite runs once per realtime mode (a matrix): `postgres_changes` and `broadcast`
 * (Broadcast from Database on private topics, supabase/migrations/*_rt_monitor_broadcast.sql).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import { RT_VERSION } from '../../src/core/rt-version.js';
import { elementsFrom, loadElements } from './under-test.js'; // src/, or dist/rt-monitor.js (web-test-runner.dist.config.mjs)
import {
  ACME, ALICE, BOB, CAROL, backendInfo, deleteRows, insertRows, mintToken, newId, newStream, pauseRealtime, selectRows, signIn, updateRows, USERS,
} from '../helpers/backend.js';
import { $, $$, deepText, text, visibleText } from './helpers.js';
import type { RealtimeMode } from '../../src/core/broadcast-topics.js';

const TIMEOUT = 10_000;
const MODES: RealtimeMode[] = ['postgres_changes', 'broadcast'];
/** The mode of the suite running now (set by each suite's `before`). */
let mode: RealtimeMode = 'postgres_changes';

async function live<T extends Element>(user: keyof typeof USERS, template: TemplateResult, selector: string): Promise<T> {
  const info = await backendInfo();
  const token = await signIn(USERS[user]);
  const wrapper = await fixture(
    html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token} realtime-mode=${mode}>${template}</rt-provider>`,
  );
  return wrapper.querySelector(selector) as T;
}

async function until(el: Element, needle: string | RegExp, deep = false) {
  const read = () => (deep ? deepText(el.shadowRoot!) : text(el));
  await waitUntil(
    () => (typeof needle === 'string' ? read().includes(needle) : needle.test(read())),
    `never showed ${String(needle)}; showed: ${read().slice(0, 300)}`,
    { timeout: TIMEOUT, interval: 50 },
  );
}

async function gone(el: Element, needle: string, _deep = false) {
  // What is on screen (live-region announcements may still name a removed row).
  const read = () => visibleText(el.shadowRoot!);
  await waitUntil(() => !read().includes(needle), `still shows ${needle}`, { timeout: TIMEOUT, interval: 50 });
}

for (const suiteMode of MODES) describe(`elements against the local backend (realtime-mode=${suiteMode}, elements from ${elementsFrom})`, function () {
  this.timeout(40_000);
  let elementClasses: Record<string, unknown>;
  before(async () => {
    mode = suiteMode;
    elementClasses = await loadElements();
  });

  it(`the elements on the page are the ones from ${elementsFrom}`, () => {
    for (const [tag, name] of [['rt-provider', 'RtProvider'], ['rt-stream-progress', 'RtStreamProgress'], ['rt-monitoring-dashboard', 'RtMonitoringDashboard']] as const) {
      expect(customElements.get(tag), tag).to.equal(elementClasses[name]);
    }
    // One version, injected by each build (package.json): the build's and the test run's agree.
    expect(elementClasses.RT_VERSION).to.equal(RT_VERSION);
    expect(RT_VERSION).not.to.equal('dev');
    if (elementsFrom === 'dist') expect((window as unknown as { RtMonitor: { version: string } }).RtMonitor.version).to.equal(RT_VERSION);
  });

  it('rt-stream-progress shows a stream and follows UPDATE and DELETE', async () => {
    const s = await newStream({ name: `Progress ${newId().slice(0, 6)}`, goal_status: 'in_progress', current_progress: { percentage: 10, completed: 1, total: 10 } });
    const el = await live<HTMLElement>('alice', html`<rt-stream-progress stream-id=${s.id}></rt-stream-progress>`, 'rt-stream-progress');
    await until(el, s.name);
    await until(el, '10%');
    await until(el, 'Live');
    await updateRows('streams', { id: s.id }, { current_progress: { percentage: 65, completed: 13, total: 20 } });
    await until(el, '65%');
    await until(el, '13 of 20');
    await updateRows('streams', { id: s.id }, { goal_status: 'completed' });
    await until(el, 'Completed');
    await deleteRows('streams', { id: s.id });
    await until(el, 'Not found or no access');
    await expect(el).to.be.accessible();
  });

  it('rt-stream-progress: a stream of another org is "not found or no access"', async () => {
    const s = await newStream({ name: 'Hidden', org_id: '00000000-0000-4000-a000-0000000061e0' });
    const el = await live<HTMLElement>('alice', html`<rt-stream-progress stream-id=${s.id}></rt-stream-progress>`, 'rt-stream-progress');
    await until(el, 'Not found or no access');
    expect(text(el)).not.to.include('Hidden');
  });

  it('rt-stream-card counts running agents as executions are INSERTed, UPDATEd and DELETEd', async () => {
    const s = await newStream({ name: `Card ${newId().slice(0, 6)}`, goal_status: 'in_progress', current_progress: { percentage: 30, completed: 3, total: 10 } });
    const el = await live<HTMLElement>('alice', html`<rt-stream-card stream-id=${s.id}></rt-stream-card>`, 'rt-stream-card');
    await until(el, s.name);
    await until(el, '0 running agents');
    const [a] = await insertRows('agent_executions', [{ id: newId(), stream_id: s.id, agent_id: 'researcher', status: 'running', started_at: new Date().toISOString() }]);
    await until(el, '1 running agent');
    await insertRows('agent_executions', [{ id: newId(), stream_id: s.id, agent_id: 'writer', status: 'running', started_at: new Date().toISOString() }]);
    await until(el, '2 running agents');
    await updateRows('agent_executions', { id: a.id }, { status: 'completed', completed_at: new Date().toISOString() });
    await until(el, '1 running agent');
    await deleteRows('agent_executions', { stream_id: s.id });
    await until(el, '0 running agents');
  });

  it('rt-scan-progress follows a scan through INSERT, UPDATE and DELETE', async () => {
    const id = newId();
    const el = await live<HTMLElement>('alice', html`<rt-scan-progress scan-id=${id}></rt-scan-progress>`, 'rt-scan-progress');
    await until(el, 'Not found or no access');
    await insertRows('acquisition_scans', [
      { id, user_id: ALICE, org_id: ACME, name: 'Live scan', status: 'running', progress_percentage: 20, targets_identified: 10, targets_analyzed: 2, current_step: 'Crawling', started_at: new Date().toISOString() },
    ]);
    await until(el, 'Live scan');
    await until(el, '2 of 10 targets analysed');
    await updateRows('acquisition_scans', { id }, { progress_percentage: 80, targets_analyzed: 8, current_step: 'Scoring' });
    await until(el, 'Scoring');
    await until(el, '80%');
    await deleteRows('acquisition_scans', { id });
    await until(el, 'Not found or no access');
  });

  it('rt-agent-executions lists running and finished runs live', async () => {
    const s = await newStream({ name: 'Agents stream' });
    await insertRows('agent_executions', [{ id: newId(), stream_id: s.id, agent_id: 'seeded-agent', status: 'completed', started_at: new Date(Date.now() - 60_000).toISOString(), completed_at: new Date().toISOString() }]);
    const el = await live<HTMLElement>('alice', html`<rt-agent-executions stream-id=${s.id}></rt-agent-executions>`, 'rt-agent-executions');
    await until(el, 'seeded-agent');
    const [r] = await insertRows('agent_executions', [{ id: newId(), stream_id: s.id, agent_id: 'fresh-agent', status: 'running', started_at: new Date().toISOString() }]);
    await waitUntil(() => $(el, '[part="running"]')?.textContent?.includes('fresh-agent'), 'not running', { timeout: TIMEOUT });
    await updateRows('agent_executions', { id: r.id }, { status: 'failed', error: 'Out of credits', completed_at: new Date().toISOString() });
    await waitUntil(() => $(el, '[part="recent"]')?.textContent?.includes('Out of credits'), 'not finished', { timeout: TIMEOUT });
    await expect(el).to.be.accessible();
  });

  it('rt-agent-executions removes a DELETEd run', async () => {
    const s = await newStream({ name: 'Agents delete' });
    const el = await live<HTMLElement>('alice', html`<rt-agent-executions stream-id=${s.id}></rt-agent-executions>`, 'rt-agent-executions');
    await until(el, /Live|No agent activity/);
    const [r] = await insertRows('agent_executions', [{ id: newId(), stream_id: s.id, agent_id: 'doomed-agent', status: 'running', started_at: new Date().toISOString() }]);
    await until(el, 'doomed-agent');
    await deleteRows('agent_executions', { id: r.id });
    await gone(el, 'doomed-agent');
  });

  it('rt-signal-alerts: a user sees only their own alerts, live', async () => {
    const mine = `Bob only ${newId().slice(0, 6)}`;
    const theirs = `Alice only ${newId().slice(0, 6)}`;
    const el = await live<HTMLElement>('bob', html`<rt-signal-alerts max-items="50"></rt-signal-alerts>`, 'rt-signal-alerts');
    await until(el, /Live|No signal alerts/);
    await insertRows('signal_alerts', [
      { id: newId(), user_id: ALICE, business_name: theirs, signal_type: 'x', priority: 'high' },
      { id: newId(), user_id: BOB, business_name: mine, signal_type: 'y', priority: 'medium' },
    ]);
    // One INSERT commits alice's row before bob's: changes reach the socket in commit order, so
    // once bob's own row is shown, alice's would already have been (had RLS let it through).
    await until(el, mine);
    expect(text(el)).not.to.include(theirs);
    // even when asking for Alice's explicitly, RLS keeps them hidden
    const other = await live<HTMLElement>('bob', html`<rt-signal-alerts user-id=${ALICE}></rt-signal-alerts>`, 'rt-signal-alerts');
    await until(other, /No signal alerts|Could not load|Not found/);
    expect(text(other)).not.to.include(theirs);
  });

  it('a nested <rt-provider locale="de"> (a section in German) shows the outer provider\'s live rows in German, live', async () => {
    const name = `Nested ${newId().slice(0, 6)}`;
    const el = await live<HTMLElement>('bob', html`<rt-provider locale="de"><rt-signal-alerts max-items="50"></rt-signal-alerts></rt-provider>`, 'rt-signal-alerts');
    await until(el, /Live|Keine Signalmeldungen/);
    await insertRows('signal_alerts', [{ id: newId(), user_id: BOB, business_name: name, signal_type: 'y', priority: 'medium' }]);
    await until(el, name);
    expect(text(el)).to.include('Signalmeldungen');
  });

  it('rt-signal-alerts: "Mark all as read" updates the database and the unread badge', async () => {
    const names = [`Carol A ${newId().slice(0, 6)}`, `Carol B ${newId().slice(0, 6)}`];
    await insertRows('signal_alerts', names.map((business_name) => ({ id: newId(), user_id: CAROL, business_name, signal_type: 'hiring', priority: 'high' as const, read: false })));
    const el = await live<HTMLElement>('carol', html`<rt-signal-alerts max-items="50"></rt-signal-alerts>`, 'rt-signal-alerts');
    await until(el, names[1]);
    await until(el, /\d+ new/);
    $(el, '[part="mark-all"]')!.click();
    await waitUntil(async () => (await selectRows('signal_alerts', { user_id: CAROL, read: false })).length === 0, 'DB still has unread alerts', { timeout: TIMEOUT, interval: 200 });
    await gone(el, ' new');
    expect($(el, '[part="unread-badge"]')).to.be.null;
    // a new alert arrives unread again, live
    const late = `Carol late ${newId().slice(0, 6)}`;
    await insertRows('signal_alerts', [{ id: newId(), user_id: CAROL, business_name: late, signal_type: 'funding', priority: 'low' }]);
    await until(el, late);
    await until(el, '1 new');
  });

  it('rt-notifications: seeded and new rows, mark one read in the database, DELETE', async () => {
    const title = `Note ${newId().slice(0, 6)}`;
    const el = await live<HTMLElement>('bob', html`<rt-notifications max-items="50"></rt-notifications>`, 'rt-notifications');
    await until(el, /Live|caught up/);
    const [n] = await insertRows('notifications', [{ id: newId(), user_id: BOB, title, body: 'Body text', type: 'success', link: '/x' }]);
    await until(el, title);
    const item = $$(el, '[part="item"]').find((i) => i.textContent!.includes(title))!;
    item.querySelector<HTMLButtonElement>('[part="mark-read"]')!.click();
    await waitUntil(async () => (await selectRows('notifications', { id: n.id }))[0]?.read === true, 'not marked read in DB', { timeout: TIMEOUT, interval: 200 });
    await updateRows('notifications', { id: n.id }, { title: `${title} (edited)` });
    await until(el, `${title} (edited)`);
  });

  it('rt-notifications removes a DELETEd notification', async () => {
    const title = `Gone ${newId().slice(0, 6)}`;
    const el = await live<HTMLElement>('bob', html`<rt-notifications max-items="50"></rt-notifications>`, 'rt-notifications');
    await until(el, /Live|caught up/);
    const [n] = await insertRows('notifications', [{ id: newId(), user_id: BOB, title, type: 'info' }]);
    await until(el, title);
    await deleteRows('notifications', { id: n.id });
    await gone(el, title);
  });

  it('announces only real arrivals: not rows that slide into a bounded list, not the next user\'s rows after a sign-in switch', async () => {
    const info = await backendInfo();
    const [me, next] = [newId(), newId()];
    const tag = (id: string) => id.slice(0, 8);
    // Dated tomorrow: these are each user's newest rows whatever else the run writes.
    const at = (i: number) => new Date(Date.now() + 86_400_000 + i * 60_000).toISOString();
    const seed = (user: string, who: string, n: number) =>
      Promise.all([
        insertRows('signal_alerts', Array.from({ length: n }, (_, i) => ({ id: newId(), user_id: user, business_name: `${who} alert ${i + 1} ${tag(user)}`, signal_type: 'hiring', priority: 'critical' as const, created_at: at(i + 1) }))),
        insertRows('notifications', Array.from({ length: n }, (_, i) => ({ id: newId(), user_id: user, title: `${who} note ${i + 1} ${tag(user)}`, type: 'error' as const, created_at: at(i + 1) }))),
      ]);
    const [[, , , alert4], [, , , note4]] = await seed(me, 'Mine', 4);
    await seed(next, 'Next', 2);
    const wrapper = await fixture<HTMLElement>(
      html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${await mintToken(me, 3600)} realtime-mode=${mode}
        ><rt-signal-alerts max-items="3"></rt-signal-alerts><rt-notifications max-items="3"></rt-notifications
      ></rt-provider>`,
    );
    const events: string[] = [];
    wrapper.addEventListener('rt-alert', (e) => events.push((e as CustomEvent).detail.alert.business_name));
    wrapper.addEventListener('rt-notification', (e) => events.push((e as CustomEvent).detail.notification.title));
    const alerts = wrapper.querySelector('rt-signal-alerts')!;
    const notes = wrapper.querySelector('rt-notifications')!;
    await until(alerts, `Mine alert 2 ${tag(me)}`);
    await until(notes, `Mine note 2 ${tag(me)}`);
    // The newest is deleted: the next older one slides into the three shown. Not an arrival.
    await deleteRows('signal_alerts', { id: alert4.id });
    await deleteRows('notifications', { id: note4.id });
    await until(alerts, `Mine alert 1 ${tag(me)}`);
    await until(notes, `Mine note 1 ${tag(me)}`);
    // A real arrival is announced (the listeners work).
    await insertRows('signal_alerts', [{ id: newId(), user_id: me, business_name: `Mine alert 5 ${tag(me)}`, signal_type: 'hiring', priority: 'critical', created_at: at(5) }]);
    await until(alerts, `Mine alert 5 ${tag(me)}`);
    // Another user signs in: their existing rows are shown, not announced.
    (wrapper as HTMLElement & { accessToken?: string }).accessToken = await mintToken(next, 3600);
    await until(alerts, `Next alert 2 ${tag(next)}`);
    await until(notes, `Next note 2 ${tag(next)}`);
    expect(events).to.deep.equal([`Mine alert 5 ${tag(me)}`]);
    for (const el of [alerts, notes]) {
      const said = [...el.shadowRoot!.querySelectorAll('[role="status"], [role="alert"]')].map((n) => n.textContent).join(' ');
      expect(said).not.to.match(/Next|Mine alert [1-4]|Mine note/);
    }
  });

  it('every new row fires its event once, also those a burst pushes past max-items (QA40: 20 of 30 rt-alert lost, critical ones too)', async () => {
    const info = await backendInfo();
    const me = newId();
    const tag = me.slice(0, 8);
    const wrapper = await fixture<HTMLElement>(
      html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${await mintToken(me, 3600)} realtime-mode=${mode}
        ><rt-signal-alerts max-items="5"></rt-signal-alerts><rt-notifications max-items="5"></rt-notifications
      ></rt-provider>`,
    );
    const alerts: string[] = [];
    const critical: string[] = [];
    const notes: string[] = [];
    wrapper.addEventListener('rt-alert', (e) => {
      const { alert, critical: c } = (e as CustomEvent).detail;
      alerts.push(alert.business_name);
      if (c) critical.push(alert.business_name);
    });
    wrapper.addEventListener('rt-notification', (e) => notes.push((e as CustomEvent).detail.notification.title));
    for (const el of wrapper.querySelectorAll('rt-signal-alerts, rt-notifications')) await until(el, /Live/);
    // One statement each: Realtime delivers the 30 inserts together, most within one frame.
    const names = Array.from({ length: 30 }, (_, i) => `Burst ${i} ${tag}`);
    await Promise.all([
      insertRows('signal_alerts', names.map((business_name, i) => ({ id: newId(), user_id: me, business_name, signal_type: 'hiring', priority: i % 10 === 5 ? ('critical' as const) : ('low' as const) }))),
      insertRows('notifications', names.map((title) => ({ id: newId(), user_id: me, title, type: 'info' as const }))),
    ]);
    await waitUntil(() => alerts.length >= 30 && notes.length >= 30, 'fewer than 30 rt-alert or rt-notification events', { timeout: TIMEOUT, interval: 50 }).catch(() => {
      throw new Error(`events: ${alerts.length} rt-alert, ${notes.length} rt-notification of 30 each`);
    });
    expect([...alerts].sort(), 'rt-alert, each alert once').to.deep.equal([...names].sort());
    expect([...notes].sort(), 'rt-notification, each once').to.deep.equal([...names].sort());
    expect(critical.sort(), 'the critical ones').to.deep.equal([5, 15, 25].map((i) => `Burst ${i} ${tag}`).sort());
    // A new row older than every one shown (the full list does not keep it, nothing on screen
    // changes, already read: the count stays): it arrived all the same.
    const late = `Backdated ${tag}`;
    await insertRows('signal_alerts', [{ id: newId(), user_id: me, business_name: late, signal_type: 'hiring', priority: 'low', read: true, created_at: new Date(Date.now() - 86_400_000).toISOString() }]);
    await waitUntil(() => alerts.includes(late), 'no rt-alert for a new row older than every one shown', { timeout: TIMEOUT, interval: 50 });
    expect(alerts.filter((n) => n === late)).to.have.length(1);
  });

  it('rows written while the page was offline fire their events once it is live again, beyond max-items too, oldest first (QA42 F1)', async () => {
    const info = await backendInfo();
    const me = newId();
    const tag = me.slice(0, 8);
    const wrapper = await fixture<HTMLElement>(
      html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${await mintToken(me, 3600)} realtime-mode=${mode}
        ><rt-signal-alerts max-items="3"></rt-signal-alerts><rt-notifications max-items="3"></rt-notifications
      ></rt-provider>`,
    );
    const alerts: string[] = [];
    const critical: string[] = [];
    const notes: string[] = [];
    wrapper.addEventListener('rt-alert', (e) => {
      const { alert, critical: c } = (e as CustomEvent).detail;
      alerts.push(alert.business_name);
      if (c) critical.push(alert.business_name);
    });
    wrapper.addEventListener('rt-notification', (e) => notes.push((e as CustomEvent).detail.notification.title));
    const [alertList, noteList] = [...wrapper.querySelectorAll('rt-signal-alerts, rt-notifications')];
    for (const el of [alertList!, noteList!]) await until(el, /Live/);
    // One of each shown live first: the newest the page has seen.
    const before = `Before ${tag}`;
    const [first] = await insertRows('signal_alerts', [{ id: newId(), user_id: me, business_name: before, signal_type: 'hiring', priority: 'low' }]);
    await insertRows('notifications', [{ id: newId(), user_id: me, title: before, type: 'info' }]);
    await waitUntil(() => alerts.includes(before) && notes.includes(before), 'the first row of each, live', { timeout: TIMEOUT, interval: 50 });
    // Offline: the sockets dropped and refused for a while; 12 of each written meanwhile, one after another.
    await pauseRealtime(3000);
    await waitUntil(() => !/\bLive\b/.test(text(alertList!)), 'off Live while the sockets are refused', { timeout: TIMEOUT, interval: 20 });
    const names = Array.from({ length: 12 }, (_, i) => `Offline ${String(i).padStart(2, '0')} ${tag}`);
    const at = (i: number) => new Date(Date.parse(first!.created_at) + (i + 1) * 1000).toISOString();
    await insertRows('signal_alerts', names.map((business_name, i) => ({ id: newId(), user_id: me, business_name, signal_type: 'hiring', priority: i % 5 === 2 ? ('critical' as const) : ('low' as const), created_at: at(i) })));
    await insertRows('notifications', names.map((title, i) => ({ id: newId(), user_id: me, title, type: 'info' as const, created_at: at(i) })));
    await waitUntil(() => alerts.length >= 13 && notes.length >= 13, 'not every row written offline fired', { timeout: 30_000, interval: 50 }).catch(() => {
      throw new Error(`events after the outage: ${alerts.length - 1} rt-alert, ${notes.length - 1} rt-notification of 12 each`);
    });
    for (const el of [alertList!, noteList!]) await until(el, /Live/);
    expect(alerts, 'rt-alert: each once, oldest first').to.deep.equal([before, ...names]);
    expect(notes, 'rt-notification: each once, oldest first').to.deep.equal([before, ...names]);
    expect(critical, 'the critical ones').to.deep.equal([2, 7].map((i) => names[i]));
  });

  it('an id set after the first render reports no error left over from before it was set; no Live badge without an id', async () => {
    const s = await newStream({ name: `Late-bound ${newId().slice(0, 8)}` });
    const scanId = newId();
    await insertRows('acquisition_scans', [{ id: scanId, user_id: ALICE, org_id: ACME, name: `Late scan ${scanId.slice(0, 8)}`, status: 'running', progress_percentage: 10, targets_identified: 10, targets_analyzed: 1, current_step: 'Crawling', started_at: new Date().toISOString() }]);
    await insertRows('agent_executions', [{ id: newId(), stream_id: s.id, agent_id: 'late-agent', status: 'running', started_at: new Date().toISOString() }]);
    const box = await live<HTMLElement>(
      'alice',
      html`<div><rt-stream-progress></rt-stream-progress><rt-stream-card></rt-stream-card><rt-scan-progress></rt-scan-progress><rt-agent-executions></rt-agent-executions></div>`,
      'div',
    );
    const errors: string[] = [];
    box.addEventListener('rt-error', (e) => errors.push(`${(e as CustomEvent).detail.source}: ${(e as CustomEvent).detail.error.message}`));
    const [progress, card, scan, agents] = ['rt-stream-progress', 'rt-stream-card', 'rt-scan-progress', 'rt-agent-executions'].map((t) => box.querySelector(t)!);
    for (const el of [progress, card, scan, agents]) await until(el, / selected/);
    expect($(agents, '[part="live-badge"]'), 'no Live / Not live badge without a stream').to.equal(null);
    for (const el of [progress, card, agents]) el.setAttribute('stream-id', s.id);
    scan.setAttribute('scan-id', scanId);
    for (const el of [progress, card]) await until(el, s.name);
    await until(scan, `Late scan ${scanId.slice(0, 8)}`);
    await until(agents, 'late-agent');
    expect(errors).to.deep.equal([]);
  });

  it('rt-agent-executions switched to another stream announces nothing about the other stream\'s past runs', async () => {
    const [one, two] = await Promise.all([newStream(), newStream()]);
    const done = (stream: string, agent: string) => ({ id: newId(), stream_id: stream, agent_id: agent, status: 'completed' as const, started_at: new Date(Date.now() - 60_000).toISOString(), completed_at: new Date().toISOString() });
    await insertRows('agent_executions', [done(one.id, 'first-agent'), done(two.id, 'second-agent')]);
    const el = await live<HTMLElement & { streamId?: string }>('alice', html`<rt-agent-executions stream-id=${one.id}></rt-agent-executions>`, 'rt-agent-executions');
    await until(el, 'first-agent');
    const [r] = await insertRows('agent_executions', [{ id: newId(), stream_id: one.id, agent_id: 'live-agent', status: 'running', started_at: new Date().toISOString() }]);
    await waitUntil(() => $(el, '[role="status"]')?.textContent?.includes('live-agent'), 'a start is announced', { timeout: TIMEOUT });
    el.streamId = two.id;
    await until(el, 'second-agent');
    expect($(el, '[role="status"]')?.textContent?.trim()).to.equal('');
    await deleteRows('agent_executions', { id: r.id });
  });

  it('rt-monitoring-dashboard shows the seeded org streams and the connection', async () => {
    const seeded = await selectRows('streams', { org_id: ACME });
    expect(seeded.length).to.be.greaterThan(0);
    const el = await live<HTMLElement>('alice', html`<rt-monitoring-dashboard></rt-monitoring-dashboard>`, 'rt-monitoring-dashboard');
    const name = seeded.map((s) => s.name).find((n) => n && n.length < 60)!;
    await until(el, name, true);
    await until(el, 'Connected', true);
    const fresh = await newStream({ name: `Dash ${newId().slice(0, 6)}` });
    await until(el, fresh.name, true);
    await deleteRows('streams', { id: fresh.id });
    await gone(el, fresh.name, true);
  });

  it('rt-connection-status and rt-diagnostics show the real connection and channels', async () => {
    const s = await newStream({ name: 'Diag' });
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const wrapper = await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token} realtime-mode=${mode}>
      <rt-connection-status></rt-connection-status>
      <rt-stream-progress stream-id=${s.id}></rt-stream-progress>
      <rt-diagnostics></rt-diagnostics>
    </rt-provider>`);
    const status = wrapper.querySelector('rt-connection-status')!;
    const diag = wrapper.querySelector('rt-diagnostics')!;
    await until(status, 'Connected');
    await until(diag, `stream:${s.id}:progress`);
    await until(diag, 'Heartbeat latency');
    await expect(diag).to.be.accessible();
    if (mode === 'broadcast') await until(diag, `org:${ACME}`);
  });
});
