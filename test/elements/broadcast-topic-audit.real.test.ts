/**
 * Broadcast mode over a table whose topic is wider than its read policy (QA52 F1): a per-owner
 * table (RLS `owner = auth.uid()`) broadcasting on its team's `org:` topic. Realtime sends every
 * row to every member of the team; REST returns each user only their own. rt-monitor's
 * revalidation finds the rows REST does not return; their DELETE never comes and the user may still
 * read the topic, so the table is refused with that cause (src/core/topic-audit.ts): the list
 * leaves the topic, is not Live, names the cause, and shows no more of the other user's rows.
 * The same table with a read policy equal to its topic (members of the team) stays Live through
 * deletes. Real backend, real Chromium.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-live-list/rt-live-list.js';
import { defineFeed } from '../../src/index.js';
import { ACME, ALICE, CAROL, USERS, backendInfo, deleteRows, insertInto, newId, runSql, signIn, updateRows, waitFor } from '../helpers/backend.js';
import { everyFrame } from '../helpers/hosts.js';
import { badgeText, deepText } from './helpers.js';

/** A table of Acme's broadcasting on `org:<team>`, readable by each row's owner only, or by the team's members (`ownerOnly` false). */
async function ownTable(ownerOnly: boolean): Promise<string> {
  const table = `audit_${newId().slice(0, 8)}`;
  await runSql(`
    create table public.${table} (id uuid primary key default gen_random_uuid(), team uuid not null, owner uuid, title text,
      created_at timestamptz not null default now(), updated_at timestamptz not null default now());
    alter table public.${table} replica identity full;
    alter table public.${table} enable row level security;
    create policy read_rows on public.${table} for select to authenticated using (${ownerOnly ? 'owner = auth.uid()' : 'public.rt_is_org_member(team)'});
    grant select on public.${table} to authenticated;
    create trigger rt_broadcast_change after insert or update or delete on public.${table}
      for each row execute function public.rt_broadcast_change('org', 'team');
    create or replace function public.${table}_touch() returns trigger language plpgsql as $$ begin new.updated_at = clock_timestamp(); return new; end $$;
    create trigger touch before update on public.${table} for each row execute function public.${table}_touch();`);
  tables.push(table);
  return table;
}

const tables: string[] = [];
afterEach(async () => {
  for (const t of tables.splice(0)) await runSql(`drop table if exists public.${t}`);
});

const labels = (list: Element) => [...list.shadowRoot!.querySelectorAll('[part~="label"]')].map((e) => e.textContent!.trim());
/** The list's words and its badge's explanation. */
const said = (list: Element) => `${deepText(list.shadowRoot!)} ${[...list.shadowRoot!.querySelectorAll('[title]')].map((e) => e.getAttribute('title')).join(' ')}`;

/** Alice's and Carol's lists of the team's rows, in Broadcast mode, revalidated every second. */
async function pages(table: string) {
  const info = await backendInfo();
  const feed = defineFeed({ name: `audit-${table}`, table, kind: 'list', filters: [{ column: 'team', param: 'team' }], limit: 50 });
  const page = (token: string, who: string) => html`<rt-provider data-user=${who} supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token} realtime-mode="broadcast" revalidate-ms="1000">
    <rt-live-list .feed=${feed} .params=${{ team: ACME }} label-field="title"></rt-live-list></rt-provider>`;
  const root = await fixture(html`<div>${page(await signIn(USERS.alice), 'alice')}${page(await signIn(USERS.carol), 'carol')}</div>`);
  const [alice, carol] = ['alice', 'carol'].map((u) => root.querySelector(`[data-user="${u}"] rt-live-list`)!);
  return { alice, carol };
}

describe('Broadcast mode: a topic wider than its table’s read policy (real backend)', function () {
  this.timeout(90_000);

  for (const how of ['another member inserts a row of their own', "Alice's row is given to Carol"] as const) {
    it(`${how}: the table is refused with that cause, not Live, and none of Carol's rows shown after`, async () => {
      const table = await ownTable(true);
      const [mine] = await insertInto(table, [{ team: ACME, owner: ALICE, title: 'Alice own' }]);
      const { alice, carol } = await pages(table);
      await waitFor(() => badgeText(alice) === 'Live' && labels(alice).includes('Alice own') && badgeText(carol) === 'Live', 30_000, () => `both Live: ${said(alice)} | ${said(carol)}`);
      if (how === "Alice's row is given to Carol") await updateRows(table as never, { id: String(mine!.id) }, { owner: CAROL, title: 'Carol took it' } as never);
      else await insertInto(table, [{ team: ACME, owner: CAROL, title: 'Carol secret' }]);
      await waitFor(() => /read policy/.test(said(alice)), 30_000, () => `Alice's list names the cause: ${said(alice)}`);
      expect(badgeText(alice)).to.not.equal('Live');
      // Refused: the topic is left. A row Carol's page receives over it never reaches Alice's.
      const shown = everyFrame(() => labels(alice).join('|'));
      try {
        await insertInto(table, [{ team: ACME, owner: CAROL, title: 'Carol after' }]);
        await waitFor(() => labels(carol).includes('Carol after'), 30_000, () => `Carol's own page shows her row: ${said(carol)}`);
        await new Promise((r) => requestAnimationFrame(r));
      } finally {
        shown.stop();
      }
      expect([...shown.seen].filter((t) => t.includes('Carol after')), "Carol's row on Alice's screen after the refusal").to.deep.equal([]);
      expect(labels(alice).filter((l) => l.startsWith('Carol')), "Carol's rows on Alice's screen").to.deep.equal([]);
      // Carol's own list: every row her policy gives her, and no cause (her rows are hers).
      expect(said(carol)).to.not.match(/read policy/);
    });
  }

  it('a read policy equal to the topic: rows deleted while revalidation reads them leave the list Live, never refused', async () => {
    const table = await ownTable(false);
    const rows = await insertInto(table, Array.from({ length: 12 }, (_, i) => ({ team: ACME, owner: i % 2 ? ALICE : CAROL, title: `row ${i}` })));
    const { alice } = await pages(table);
    await waitFor(() => badgeText(alice) === 'Live' && labels(alice).length === 12, 30_000, () => `Live with 12 rows: ${said(alice)}`);
    const causes = everyFrame(() => said(alice));
    try {
      // One by one across several revalidation rounds (1 s): some DELETEs race a round's read.
      for (const row of rows) {
        await deleteRows(table as never, { id: String(row.id) });
        await new Promise((r) => requestAnimationFrame(r));
      }
      await waitFor(() => labels(alice).length === 0, 30_000, () => `every row gone: ${labels(alice)}`);
      await insertInto(table, [{ team: ACME, owner: CAROL, title: 'after the deletes' }]);
      await waitFor(() => labels(alice).includes('after the deletes') && badgeText(alice) === 'Live', 30_000, () => `Live with the new row: ${said(alice)}`);
    } finally {
      causes.stop();
    }
    expect([...causes.seen].filter((t) => /read policy/.test(t))).to.deep.equal([]);
  });
});
