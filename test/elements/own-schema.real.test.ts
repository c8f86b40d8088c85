/**
 * Your schema, your project (issue 12): every element against tables with OTHER names, other
 * column names and `text` keys (supabase/examples/own_schema.sql, loaded into the local backend),
 * mapped with the provider's `tables` / `columns` attributes — live, with real RLS.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-scan-progress/rt-scan-progress.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import type { RtProvider } from '../../src/elements/rt-provider/rt-provider.js';
import { BOB, CAROL, backendInfo, insertInto, lagRealtime, newId, signIn, USERS } from '../helpers/backend.js';
import { badgeText, deepText } from './helpers.js';
import { en } from '../../src/internal/strings.js';

const TABLES = {
  org_members: 'acme_members', streams: 'acme_work_items', acquisition_scans: 'acme_scans',
  agent_executions: 'acme_agent_runs', signal_alerts: 'acme_signals', notifications: 'acme_inbox',
};
const COLUMNS = {
  org_members: { org_id: 'team_id', user_id: 'member_id' },
  streams: { org_id: 'team_id' },
  agent_executions: { stream_id: 'work_item_id' },
  notifications: { user_id: 'owner_id', read: 'is_read' },
};

/** PATCH rows of any table as service_role (raw PostgREST query). */
async function patch(table: string, query: string, body: Record<string, unknown>): Promise<void> {
  const info = await backendInfo();
  const res = await fetch(`${info.url}/rest/v1/${table}?${query}`, {
    method: 'PATCH',
    headers: { apikey: info.serviceRoleKey, authorization: `Bearer ${info.serviceRoleKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.ok, `patch ${table}: ${res.status}`).to.equal(true);
}

async function mounted(template: TemplateResult, user: keyof typeof USERS = 'carol'): Promise<RtProvider> {
  const info = await backendInfo();
  const token = await signIn(USERS[user]);
  return fixture<RtProvider>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}
    tables=${JSON.stringify(TABLES)} columns=${JSON.stringify(COLUMNS)}>${template}</rt-provider>`);
}

async function until(el: Element, needle: string, label = needle) {
  // Widgets out of view do not render until seen (issue 10): look at each one.
  el.scrollIntoView({ block: 'center' });
  const read = () => deepText(el.shadowRoot!);
  await waitUntil(() => read().includes(needle), `${el.localName} never showed ${label}; showed: ${read().slice(0, 300)}`, { timeout: 30_000, interval: 50 });
}

describe('your own schema: other table and column names, text keys (real backend)', function () {
  this.timeout(180_000);

  it('every element is live over the mapped tables', async () => {
    const tag = newId().slice(0, 8);
    const team = `team-${tag}`;
    await insertInto('acme_members', [{ team_id: team, member_id: CAROL }]);
    const item = `wi-${tag}`;
    await insertInto('acme_work_items', [{ id: item, team_id: team, name: `Own item ${tag}`, goal_status: 'in_progress', current_progress: { percentage: 15, completed: 3, total: 20 } }]);
    await insertInto('acme_scans', [{ id: `scan-${tag}`, user_id: CAROL, name: `Own scan ${tag}`, status: 'running', progress_percentage: 30, current_step: 'Resolving domains' }]);
    await insertInto('acme_agent_runs', [{ id: `run-${tag}`, work_item_id: item, agent_id: `agent-${tag}`, status: 'running' }]);
    await insertInto('acme_signals', [{ id: `sig-${tag}`, user_id: CAROL, business_name: `Own Signal ${tag}`, signal_type: 'funding', priority: 'high' }]);
    await insertInto('acme_inbox', [{ id: `note-${tag}`, owner_id: CAROL, title: `Own note ${tag}` }]);

    const wrapper = await mounted(html`
      <rt-stream-progress stream-id=${item}></rt-stream-progress>
      <rt-scan-progress scan-id=${`scan-${tag}`}></rt-scan-progress>
      <rt-agent-executions stream-id=${item}></rt-agent-executions>
      <rt-signal-alerts></rt-signal-alerts>
      <rt-notifications></rt-notifications>
      <rt-monitoring-dashboard></rt-monitoring-dashboard>`);
    const el = (tag: string) => wrapper.querySelector(tag)!;

    await until(el('rt-stream-progress'), '15%');
    await until(el('rt-scan-progress'), 'Resolving domains');
    await until(el('rt-agent-executions'), `agent-${tag}`);
    await until(el('rt-signal-alerts'), `Own Signal ${tag}`);
    await until(el('rt-notifications'), `Own note ${tag}`);
    await until(el('rt-monitoring-dashboard'), `Own item ${tag}`, 'the team work item (org found through acme_members)');
    for (const t of ['rt-stream-progress', 'rt-scan-progress', 'rt-agent-executions', 'rt-signal-alerts', 'rt-notifications']) await until(el(t), 'Live');

    // Live changes arrive under the mapped names.
    await patch('acme_work_items', `id=eq.${item}`, { current_progress: { percentage: 70, completed: 14, total: 20 } });
    await until(el('rt-stream-progress'), '70%');
    await patch('acme_scans', `id=eq.scan-${tag}`, { current_step: 'Scoring targets' });
    await until(el('rt-scan-progress'), 'Scoring targets');
    await patch('acme_agent_runs', `id=eq.run-${tag}`, { status: 'completed' });
    await until(el('rt-agent-executions'), 'Completed');
    await insertInto('acme_inbox', [{ id: `note2-${tag}`, owner_id: CAROL, title: `Second note ${tag}` }]);
    await until(el('rt-notifications'), `Second note ${tag}`);
    // Another user's row (RLS) never shows; ours, written after it, does.
    await insertInto('acme_signals', [{ id: `bob-${tag}`, user_id: BOB, business_name: `Not carol ${tag}`, signal_type: 't' }]);
    await insertInto('acme_signals', [{ id: `sig2-${tag}`, user_id: CAROL, business_name: `Carol again ${tag}`, signal_type: 't' }]);
    await until(el('rt-signal-alerts'), `Carol again ${tag}`);
    expect(deepText(el('rt-signal-alerts').shadowRoot!)).not.to.include(`Not carol ${tag}`);

    // Mark as read writes the mapped column (is_read) and the unread count follows.
    const notes = el('rt-notifications');
    await waitUntil(() => notes.shadowRoot!.querySelector('[part~="mark-all"]'), 'no mark-all button', { timeout: 30_000 });
    notes.shadowRoot!.querySelector<HTMLButtonElement>('[part~="mark-all"]')!.click();
    const info = await backendInfo();
    await waitUntil(async () => {
      const res = await fetch(`${info.url}/rest/v1/acme_inbox?owner_id=eq.${CAROL}&is_read=eq.false&id=like.*${tag}`, {
        headers: { apikey: info.serviceRoleKey, authorization: `Bearer ${info.serviceRoleKey}` },
      });
      return ((await res.json()) as unknown[]).length === 0;
    }, 'is_read never became true in acme_inbox', { timeout: 30_000, interval: 100 });
    await waitUntil(() => !notes.shadowRoot!.querySelector('[part~="mark-all"]'), 'the unread count never reached 0', { timeout: 30_000 });
  });

  it("an org is checked through the mapped membership table: the user's empty team reads No streams, another team Not found, and the subscription list names that cause (QA36)", async () => {
    // A team id shaped like a UUID (ids from another system), and a text one: neither is in rt-monitor's `orgs`.
    const mine = newId();
    const theirs = `team-${newId().slice(0, 8)}`;
    await insertInto('acme_members', [{ team_id: mine, member_id: CAROL }, { team_id: theirs, member_id: BOB }]);
    const provider = await mounted(html`
      <rt-monitoring-dashboard org-id=${mine} hide-scans hide-alerts></rt-monitoring-dashboard>
      <rt-monitoring-dashboard org-id=${theirs} hide-scans hide-alerts></rt-monitoring-dashboard>`);
    const [empty, other] = [...provider.querySelectorAll('rt-monitoring-dashboard')];
    await until(empty!, en.noStreams, "the member's empty team");
    await until(other!, en.notFound, "another team's cause");
    expect(deepText(empty!.shadowRoot!)).not.to.include(en.notFound);
    expect(deepText(other!.shadowRoot!)).not.to.include(en.noStreams);
    // The subscription list (rt-multi-connection-status) names the widget's own problem, as on rt-monitor's schema.
    const named = () => provider.rtClient!.getActiveSubscriptions().find((s) => s.filter?.includes(theirs));
    await waitUntil(() => named()?.lastError, `no subscription names the other team's cause: ${JSON.stringify(provider.rtClient!.getActiveSubscriptions())}`, { timeout: 30_000 });
    expect(named()!.lastError!.code).to.equal('not-found');
    expect(provider.rtClient!.getActiveSubscriptions().find((s) => s.filter?.includes(mine))?.lastError ?? null).to.equal(null);
  });

  it('ids of any type: a number property and padded text find the same text-keyed row', async () => {
    const tag = newId().slice(0, 8);
    const team = `team-${tag}`;
    await insertInto('acme_members', [{ team_id: team, member_id: CAROL }]);
    const numeric = String(Date.now() % 1_000_000_000);
    await insertInto('acme_work_items', [{ id: numeric, team_id: team, name: `Numeric ${tag}`, goal_status: 'in_progress', current_progress: { percentage: 42, completed: 42, total: 100 } }]);
    const wrapper = await mounted(html`
      <rt-stream-progress .streamId=${Number(numeric) as unknown as string}></rt-stream-progress>
      <rt-stream-progress stream-id=${`  ${numeric} `}></rt-stream-progress>`);
    const [a, b] = [...wrapper.querySelectorAll('rt-stream-progress')];
    await until(a, '42%');
    await until(b, '42%');
    await patch('acme_work_items', `id=eq.${numeric}`, { current_progress: { percentage: 43, completed: 43, total: 100 } });
    await until(a, '43%');
    await until(b, '43%');
  });

  it('a card over a mapped text-keyed table whose agent_executions is unmapped: the cause, and no running-agents figure (QA28 L3)', async () => {
    const tag = newId().slice(0, 8);
    const team = `team-${tag}`;
    await insertInto('acme_members', [{ team_id: team, member_id: CAROL }]);
    const item = `wi-${tag}`;
    await insertInto('acme_work_items', [{ id: item, team_id: team, name: `Card item ${tag}`, goal_status: 'in_progress', current_progress: { percentage: 25, completed: 5, total: 20 } }]);
    const { agent_executions: _t, ...tables } = TABLES;
    const { agent_executions: _c, ...columns } = COLUMNS;
    const info = await backendInfo();
    const token = await signIn(USERS.carol);
    const wrapper = await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}
      tables=${JSON.stringify(tables)} columns=${JSON.stringify(columns)}><rt-stream-card stream-id=${item}></rt-stream-card></rt-provider>`);
    const card = wrapper.querySelector('rt-stream-card')!;
    await until(card, `Card item ${tag}`);
    await until(card, '25%');
    await until(card, 'keys are UUIDs');
    expect(deepText(card.shadowRoot!)).to.include('Not live');
    expect(deepText(card.shadowRoot!)).not.to.match(/running agent/);
  });

  it('a key no request could carry, a non-UUID in an unmapped table, or a bad mapping entry, is refused with a clear message', async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.carol);
    const wrapper = await fixture(html`<div>
      <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token} tables=${JSON.stringify(TABLES)}>
        <rt-stream-progress stream-id="a,b"></rt-stream-progress>
      </rt-provider>
      <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}>
        <rt-stream-progress stream-id="not-a-uuid"></rt-stream-progress>
      </rt-provider>
      <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token} tables='{"stream":"oops"}'>
        <rt-stream-progress stream-id="x"></rt-stream-progress>
      </rt-provider>
      <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token} tables="{not json">
        <rt-stream-progress stream-id="x"></rt-stream-progress>
      </rt-provider>
      <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token} tables=${JSON.stringify(TABLES)}
        columns=${JSON.stringify({ ...COLUMNS, streams: { org_id: 'team_id', nmae: 'name' } })}>
        <rt-stream-progress stream-id="x"></rt-stream-progress>
      </rt-provider></div>`);
    const [comma, uuid, unknownTable, badJson, typo] = [...wrapper.querySelectorAll('rt-stream-progress')];
    await until(comma, 'realtime filters cannot carry');
    await until(uuid, 'its keys are UUIDs');
    await until(unknownTable, 'Unknown table "stream"');
    await until(badJson, 'not valid JSON');
    // A standard column name misspelt (QA28 M1): refused, not the placeholder name under "Live".
    await until(typo!, 'columns.streams.nmae');
    expect(deepText(typo!.shadowRoot!)).not.to.include('Live');
  });

  // Review of b4756c8 (9): a change under your own names lost its commit time when mapped back to
  // the standard ones, so Realtime running behind the database went unseen ("Live" over late data),
  // and a late change could not be ordered against a newer read.
  it('Realtime running behind the database is seen over mapped tables too: not Live, the cause named; Live again once on time', async () => {
    const tag = newId().slice(0, 8);
    const team = `team-${tag}`;
    await insertInto('acme_members', [{ team_id: team, member_id: CAROL }]);
    const item = `wi-${tag}`;
    await insertInto('acme_work_items', [{ id: item, team_id: team, name: `Lag item ${tag}`, goal_status: 'in_progress', current_progress: { percentage: 10, completed: 1, total: 10 } }]);
    const wrapper = await mounted(html`<rt-stream-progress stream-id=${item}></rt-stream-progress>`);
    const el = wrapper.querySelector('rt-stream-progress')!;
    const badge = () => el.shadowRoot!.querySelector('[part~="live-badge"]');
    await until(el, '10%');
    await waitUntil(() => badgeText(el) === en.live, `never Live: ${badgeText(el)}`, { timeout: 30_000, interval: 50 });
    await lagRealtime(6500);
    try {
      await patch('acme_work_items', `id=eq.${item}`, { current_progress: { percentage: 20, completed: 2, total: 10 } });
      await until(el, '20%');
      await waitUntil(() => badgeText(el) === en.stale, `not "${en.stale}" after a late change: ${badgeText(el)}`, { timeout: 10_000, interval: 50 });
      await waitUntil(() => badge()?.getAttribute('title') === en.errorMessages['realtime-behind'], `Realtime not named: ${badge()?.getAttribute('title')}`, { timeout: 15_000, interval: 50 });
    } finally {
      await lagRealtime(0);
    }
    await patch('acme_work_items', `id=eq.${item}`, { current_progress: { percentage: 30, completed: 3, total: 10 } });
    await until(el, '30%');
    await waitUntil(() => badgeText(el) === en.live, `not Live again: ${badgeText(el)}`, { timeout: 30_000, interval: 50 });
  });
});
