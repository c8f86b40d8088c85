/**
 * A table of your own that lacks what rt-monitor needs is told so in its cause, not only in
 * PostgREST's words about a column the user never named (QA61 F7: "column qa_composite.id does
 * not exist" for a table keyed `(org_id, code)`; rt-monitor itself reads and orders by `id`).
 */
import { expect } from '@open-wc/testing';
import type { RtClient } from '../../src/core/client.js';
import { defineFeed, type FeedDeclaration } from '../../src/core/feeds/feed.js';
import { clientFor, newId, runSql, USERS, waitFor } from '../helpers/backend.js';

const clients: RtClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});

/** The error a list of `table` (made by `sql`, dropped afterwards) settles on, read as Alice. */
async function settledError(table: string, sql: string, feed: FeedDeclaration<{ id: string }, Record<string, unknown>>, params: Record<string, unknown>) {
  await runSql(sql);
  try {
    const c = await clientFor(USERS.alice);
    clients.push(c);
    const q = c.liveQuery(defineFeed(feed as never), params as never);
    let state = q.getState();
    const off = q.subscribe((st) => (state = st));
    try {
      await waitFor(() => state.phase === 'error', 15_000, () => `an error (phase ${state.phase})`);
      return state.error;
    } finally {
      off();
    }
  } finally {
    await runSql(`drop table if exists public.${table}`);
  }
}

describe('your own table without what rt-monitor needs (real backend)', function () {
  this.timeout(30_000);

  it('a table keyed otherwise than `id`: the cause says rt-monitor needs a primary key column named id', async () => {
    const table = `noid_${newId().slice(0, 8)}`;
    const error = await settledError(
      table,
      `create table public.${table} (team text not null, code text not null, title text, created_at timestamptz not null default now(), updated_at timestamptz not null default now(), primary key (team, code));
      alter table public.${table} enable row level security;
      create policy read_all on public.${table} for select to authenticated using (true);
      grant select on public.${table} to authenticated;
      insert into public.${table} (team, code, title) values ('t', 'a', 'A');`,
      { name: `noid-${table}`, table, kind: 'list', filters: [{ column: 'team', param: 'team', what: 'team' }] },
      { team: 't' },
    );
    expect(error?.code).to.equal('bad-config');
    expect(error?.message).to.match(/column .*id does not exist/);
    expect(error?.message).to.include('rt-monitor needs a primary key column named id');
  });

  it('a list without an order on a table without created_at: the cause says created_at is its default order (QA86 L4)', async () => {
    const table = `nocreated_${newId().slice(0, 8)}`;
    const error = await settledError(
      table,
      `create table public.${table} (id uuid primary key default gen_random_uuid(), title text);
      alter table public.${table} enable row level security;
      create policy read_all on public.${table} for select to authenticated using (true);
      grant select on public.${table} to authenticated;
      insert into public.${table} (title) values ('A');`,
      { name: `nocreated-${table}`, table, kind: 'list' },
      {},
    );
    expect(error?.code).to.equal('bad-config');
    expect(error?.message).to.match(/column .*created_at does not exist/);
    expect(error?.message).to.include('a list is ordered by created_at unless its feed gives an order');
  });
});
