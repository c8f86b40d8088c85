/**
 * The RLS matrix (issue 15), against the REAL local backend in real Chromium: three users (two in
 * one org, one in another) × every monitored table × three ways to read it:
 *
 * - REST, through the real supabase-js (`from(table).select()` with the user's token);
 * - the socket: `postgres_changes` on every table through the real supabase-js, unfiltered (the
 *   widest a client can ask for), watched until a control row the user IS allowed to see arrives
 *   after the forbidden writes;
 * - the DOM of rt-monitor's elements for that user (dashboard, agents of both orgs' streams,
 *   alerts, notifications), read through every shadow root.
 *
 * Each way must show exactly the rows the policies allow: every visible row allowed, every allowed
 * row reachable. Users and orgs are fresh (ids minted here), so the matrix is exact.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { createClient, type RealtimePostgresChangesPayload, type SupabaseClient } from '@supabase/supabase-js';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import type { MonitoredTable } from '../../src/core/types.js';
import { backendInfo, deleteRows, insertInto, insertRows, mintToken, newId, updateRows, waitFor } from '../helpers/backend.js';
import { deepText } from '../elements/helpers.js';

const TABLES: MonitoredTable[] = ['streams', 'acquisition_scans', 'agent_executions', 'signal_alerts', 'notifications'];
/** The text column each table's rows are named by (and the widgets show). */
const TEXT: Record<MonitoredTable, string> = {
  streams: 'name',
  acquisition_scans: 'name',
  agent_executions: 'agent_id',
  signal_alerts: 'business_name',
  notifications: 'title',
};

interface User {
  name: 'ann' | 'cat' | 'ben';
  id: string;
  org: string;
  token: string;
  supabase: SupabaseClient;
  rt: RtClient;
  events: RealtimePostgresChangesPayload<Record<string, unknown>>[];
}

interface Row {
  table: MonitoredTable;
  id: string;
  label: string;
  /** Who may read it under the policies. */
  allowed: Set<string>;
}

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('RLS matrix: 3 users × 5 tables × REST, socket and DOM (real backend)', function () {
  this.timeout(90_000);

  it('every visible row is allowed and every allowed row is reachable', async () => {
    const info = await backendInfo();
    const tag = `rls${Date.now().toString(36)}`;
    const orgA = newId();
    const orgB = newId();
    await insertInto('orgs', [{ id: orgA, name: `${tag} A` }, { id: orgB, name: `${tag} B` }]);
    const specs = [
      { name: 'ann', org: orgA },
      { name: 'cat', org: orgA }, // same org as ann, different user: org rows shared, user rows not
      { name: 'ben', org: orgB },
    ] as const;
    const users: User[] = [];
    for (const s of specs) {
      const id = newId();
      const token = await mintToken(id, 3600);
      const supabase = createClient(info.url, info.anonKey, { accessToken: async () => token });
      const rt = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token });
      users.push({ name: s.name, id, org: s.org, token, supabase, rt, events: [] });
      cleanup.push(() => rt.dispose(), () => supabase.removeAllChannels());
    }
    await insertInto('org_members', users.map((u) => ({ org_id: u.org, user_id: u.id, role: 'member' })));
    const orgMembers = (org: string) => new Set(users.filter((u) => u.org === org).map((u) => u.name));
    const only = (u: User) => new Set([u.name]);

    // The socket: every table, every event, no filter, per user; joined before any write.
    for (const u of users) {
      const channel = u.supabase.channel(`${tag}-${u.name}`);
      for (const table of TABLES) channel.on('postgres_changes', { event: '*', schema: 'public', table }, (p) => u.events.push(p));
      await new Promise<void>((resolve, reject) =>
        channel.subscribe((status, err) => (status === 'SUBSCRIBED' ? resolve() : status === 'CHANNEL_ERROR' || status === 'TIMED_OUT' ? reject(err ?? new Error(status)) : undefined)),
      );
    }

    // The DOM: what rt-monitor shows each user (its own client, like a page would have).
    const streamA = newId();
    const streamB = newId();
    const wrappers = new Map<string, HTMLElement>();
    for (const u of users) {
      wrappers.set(
        u.name,
        await fixture(html`<rt-provider .client=${u.rt}>
          <rt-monitoring-dashboard org-id=${u.org} user-id=${u.id} hide-agents hide-alerts hide-notifications></rt-monitoring-dashboard>
          <rt-agent-executions stream-id=${streamA}></rt-agent-executions>
          <rt-agent-executions stream-id=${streamB}></rt-agent-executions>
          <rt-signal-alerts user-id=${u.id}></rt-signal-alerts>
          <rt-notifications user-id=${u.id}></rt-notifications>
        </rt-provider>`),
      );
    }

    // The rows: per table, one per org (org rows) or one per user (user rows).
    const rows: Row[] = [];
    const label = (table: MonitoredTable, owner: string) => `${tag}-${table}-${owner}`;
    const add = (table: MonitoredTable, id: string, owner: string, allowed: Set<string>) => rows.push({ table, id, label: label(table, owner), allowed });
    await insertRows('streams', [
      { id: streamA, org_id: orgA, name: label('streams', 'orgA'), goal_status: 'in_progress' },
      { id: streamB, org_id: orgB, name: label('streams', 'orgB'), goal_status: 'in_progress' },
    ]);
    add('streams', streamA, 'orgA', orgMembers(orgA));
    add('streams', streamB, 'orgB', orgMembers(orgB));
    for (const [stream, org, owner] of [[streamA, orgA, 'orgA'], [streamB, orgB, 'orgB']] as const) {
      const id = newId();
      await insertRows('agent_executions', [{ id, stream_id: stream, agent_id: label('agent_executions', owner), status: 'running', started_at: new Date().toISOString() }]);
      add('agent_executions', id, owner, orgMembers(org));
    }
    for (const u of users) {
      for (const table of ['acquisition_scans', 'signal_alerts', 'notifications'] as const) {
        const id = newId();
        const base: Record<string, unknown> = { id, user_id: u.id, [TEXT[table]]: label(table, u.name) };
        if (table !== 'notifications') base.org_id = u.org;
        if (table === 'signal_alerts') base.signal_type = 'funding_round';
        await insertRows(table, [base]);
        add(table, id, u.name, only(u));
      }
    }
    // Updates of every row (a forbidden UPDATE must not travel either).
    for (const r of rows) {
      const patch: Record<string, unknown> =
        r.table === 'streams' ? { current_progress: { percentage: 50, completed: 5, total: 10 } }
        : r.table === 'acquisition_scans' ? { progress_percentage: 40, current_step: `${r.label} step` }
        : r.table === 'agent_executions' ? { output: { n: 1 } }
        : { read: false };
      await updateRows(r.table, { id: r.id }, patch as never);
    }
    // Control rows, written last: one per user that only that user may see. Frames on one socket
    // arrive in commit order, so once a user's control row is in, every earlier change that was
    // going to reach that user has.
    const controls = new Map<string, string>();
    for (const u of users) {
      const id = newId();
      await insertRows('notifications', [{ id, user_id: u.id, title: `${tag}-control-${u.name}` }]);
      controls.set(u.name, id);
    }
    await waitFor(() => users.every((u) => u.events.some((e) => e.eventType === 'INSERT' && (e.new as { id?: string }).id === controls.get(u.name))), 20_000, 'every control row on its socket');

    const problems: string[] = [];
    const ours = new Set(rows.map((r) => r.id));
    for (const u of users) {
      // --- socket
      const got = new Map<string, Set<string>>();
      for (const e of u.events) {
        const id = ((e.eventType === 'DELETE' ? e.old : e.new) as { id?: string }).id ?? '';
        if (!ours.has(id)) continue;
        if (!got.has(id)) got.set(id, new Set());
        got.get(id)!.add(e.eventType);
      }
      for (const r of rows) {
        const events = [...(got.get(r.id) ?? [])].sort().join(',');
        const want = r.allowed.has(u.name) ? 'INSERT,UPDATE' : '';
        if (events !== want) problems.push(`${u.name} socket ${r.table} ${r.label}: got [${events}], allowed [${want}]`);
      }
      // --- REST (supabase-js, the user's token)
      for (const table of TABLES) {
        const { data, error } = await u.supabase.from(table).select(`id, ${TEXT[table]}`).like(TEXT[table], `${tag}-%`);
        if (error) problems.push(`${u.name} REST ${table}: ${error.message}`);
        const seen = new Set((data ?? []).map((d) => (d as unknown as { id: string }).id).filter((id) => ours.has(id)));
        for (const r of rows.filter((x) => x.table === table)) {
          if (seen.has(r.id) !== r.allowed.has(u.name)) problems.push(`${u.name} REST ${table} ${r.label}: ${seen.has(r.id) ? 'visible, not allowed' : 'allowed, not returned'}`);
        }
      }
    }
    // --- DOM: wait until every allowed row shows (positive), then nothing else of ours may.
    const labelsIn = (el: HTMLElement) => new Set((deepText(el).match(new RegExp(`${tag}-[a-z_]+-(orgA|orgB|ann|cat|ben)`, 'g')) ?? []).filter((l) => !l.includes('-control')));
    for (const u of users) {
      const el = wrappers.get(u.name)!;
      const allowed = rows.filter((r) => r.allowed.has(u.name)).map((r) => r.label);
      await waitFor(() => allowed.every((l) => labelsIn(el).has(l)) && deepText(el).includes(`${tag}-control-${u.name}`), 20_000, `${u.name}: every allowed row in the DOM`).catch(() => {});
      const shown = labelsIn(el);
      for (const l of allowed) if (!shown.has(l)) problems.push(`${u.name} DOM: allowed ${l} not shown`);
      for (const l of shown) if (!allowed.includes(l)) problems.push(`${u.name} DOM: shows ${l}, not allowed`);
      for (const other of users) if (other !== u && deepText(el).includes(`${tag}-control-${other.name}`)) problems.push(`${u.name} DOM: shows ${other.name}'s control row`);
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);

    // Deletes: Supabase sends DELETE of an RLS table to every unfiltered subscriber, with the
    // primary key only (docs, "Receiving old records"; apply_rls.sql). A forbidden delete may
    // therefore reach this unfiltered socket, but must carry no column besides the key.
    for (const u of users) u.events.length = 0;
    for (const r of rows.filter((x) => x.table === 'signal_alerts')) await deleteRows(r.table, { id: r.id });
    for (const u of users) await insertRows('notifications', [{ id: newId(), user_id: u.id, title: `${tag}-control2-${u.name}` }]);
    await waitFor(() => users.every((u) => u.events.some((e) => e.eventType === 'INSERT' && String((e.new as { title?: string }).title).endsWith(`control2-${u.name}`))), 20_000, 'second control rows');
    for (const u of users) {
      for (const e of u.events.filter((x) => x.eventType === 'DELETE')) {
        expect(Object.keys(e.old).sort(), `${u.name}: a DELETE carries only the primary key`).to.deep.equal(['id']);
      }
      // …and rt-monitor's own subscriptions are filtered by user: its DOM drops its own alert only.
      const el = wrappers.get(u.name)!;
      // (the feed, not the polite live region, which keeps the last announcement's text)
      const feed = () => el.querySelector('rt-signal-alerts')!.shadowRoot!;
      await waitFor(() => [...feed().querySelectorAll('[part~="item"]')].every((i) => !deepText(i).includes(label('signal_alerts', u.name))), 20_000, `${u.name}: own deleted alert gone`);
    }
  });
});
