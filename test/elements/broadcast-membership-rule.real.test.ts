/**
 * A membership rule of one's own (own-project.md step 8: "change the body of rt_is_org_member,
 * every policy follows") holds over the socket too, in Broadcast mode as with postgres_changes
 * (real backend). QA52 F2: rt_can_read_topic read org_members directly, so a member the changed
 * rule excluded (here: suspended) joined the org's topic and saw its new and renamed streams,
 * Live, where REST returned nothing. A member the rule admits, on the same page, is the signal
 * that the changes were sent: once hers show them, the excluded user's widgets must not have.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-live-list/rt-live-list.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import { FEEDS } from '../../src/index.js';
import { backendInfo, mintToken, newId, runSql, waitFor } from '../helpers/backend.js';
import { deepText } from './helpers.js';
import { everyFrame } from '../helpers/hosts.js';

const ORIGINAL = `create or replace function public.rt_is_org_member(p_org uuid) returns boolean
  language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.org_members m where m.org_id = p_org and m.user_id = auth.uid()) $$;`;

async function service(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<Record<string, unknown>[]> {
  const info = await backendInfo();
  const res = await fetch(`${info.url}/rest/v1/${path}`, {
    method,
    headers: { apikey: info.serviceRoleKey, authorization: `Bearer ${info.serviceRoleKey}`, 'content-type': 'application/json', prefer: 'return=representation' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

describe('a membership rule of your own (rt_is_org_member changed) holds over the socket (real backend)', function () {
  this.timeout(60_000);
  before(() =>
    runSql(`
      create table if not exists public.rt_test_suspended (org_id uuid not null, user_id uuid not null, primary key (org_id, user_id));
      create or replace function public.rt_is_org_member(p_org uuid) returns boolean
      language sql stable security definer set search_path = '' as $$
        select exists (select 1 from public.org_members m where m.org_id = p_org and m.user_id = auth.uid())
           and not exists (select 1 from public.rt_test_suspended s where s.org_id = p_org and s.user_id = auth.uid()) $$;`),
  );
  after(() => runSql(`${ORIGINAL} drop table if exists public.rt_test_suspended;`));

  for (const mode of ['broadcast', 'postgres_changes'] as const) {
    it(`${mode}: a member the rule excludes (still in org_members) never sees the org's streams, in a list or a single stream widget (QA52 F2)`, async () => {
      const info = await backendInfo();
      const org = newId();
      const [excluded, admitted] = [newId(), newId()];
      await service('POST', 'orgs', [{ id: org, name: `rule ${org.slice(0, 6)}` }]);
      await service('POST', 'org_members', [{ org_id: org, user_id: excluded, role: 'member' }, { org_id: org, user_id: admitted, role: 'member' }]);
      await service('POST', 'rt_test_suspended', [{ org_id: org, user_id: excluded }]);
      const [existing] = await service('POST', 'streams?select=*', [{ org_id: org, name: 'Existing secret', goal_status: 'in_progress', current_progress: { percentage: 10, completed: 1, total: 10 } }]);
      const page = (user: string, token: string) => html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token} realtime-mode=${mode} data-user=${user}>
        <rt-live-list .feed=${FEEDS['org-streams']} .params=${{ orgId: org }} label-field="name"></rt-live-list>
        <rt-stream-progress stream-id=${String(existing!.id)}></rt-stream-progress></rt-provider>`;
      const root = await fixture(html`<div>${page(excluded, await mintToken(excluded, 3600))}${page(admitted, await mintToken(admitted, 3600))}</div>`);
      const [mine, theirs] = [excluded, admitted].map((u) => root.querySelector(`[data-user="${u}"]`)!);
      const text = (p: Element) => [...p.children].map((el) => deepText(el.shadowRoot!)).join(' || ');
      // REST returns nothing of the org to the excluded user (the rule over REST):
      const rest = await fetch(`${info.url}/rest/v1/streams?select=name&org_id=eq.${org}`, { headers: { apikey: info.anonKey, authorization: `Bearer ${await mintToken(excluded, 600)}` } }).then((r) => r.json());
      expect(rest).to.deep.equal([]);
      await waitFor(() => text(theirs).includes('Existing secret') && /Live/.test(text(theirs)), 20_000, () => `the admitted member's page is Live: ${text(theirs)}`);
      const shown = everyFrame(() => text(mine));
      try {
        await service('POST', 'streams?select=*', [{ org_id: org, name: 'New secret stream', goal_status: 'pending' }]);
        await service('PATCH', `streams?id=eq.${existing!.id}`, { name: 'Existing secret renamed', current_progress: { percentage: 90, completed: 9, total: 10 } });
        await waitFor(() => text(theirs).includes('New secret stream') && text(theirs).includes('Existing secret renamed'), 20_000, () => `the admitted member sees both changes: ${text(theirs)}`);
        await new Promise((r) => requestAnimationFrame(r));
      } finally {
        shown.stop();
      }
      expect([...shown.seen].filter((t) => /secret/.test(t)), "the org's streams on the screen of a member the rule excludes").to.deep.equal([]);
    });
  }
});
