-- An example of YOUR OWN schema that rt-monitor can monitor without its migration: other table
-- names, other column names and `text` keys. It is what the `tables` / `columns` options are for:
--
--   RtMonitor.configure({ url, anonKey, accessToken,
--     tables:  { org_members: 'acme_members', streams: 'acme_work_items', acquisition_scans: 'acme_scans',
--                agent_executions: 'acme_agent_runs', signal_alerts: 'acme_signals', notifications: 'acme_inbox' },
--     columns: { org_members: { org_id: 'team_id', user_id: 'member_id' },
--                streams: { org_id: 'team_id' },
--                agent_executions: { stream_id: 'work_item_id' },
--                notifications: { user_id: 'owner_id', read: 'is_read' } } });
--
-- What rt-monitor needs from each table (whatever the names): a primary key `id` (text, bigint
-- or uuid), an `updated_at timestamptz` kept by a trigger (the version the client merges by),
-- `replica identity full`, RLS policies for reading (and, for alerts and notifications, updating
-- the read flag), and the table in the `supabase_realtime` publication. The columns the widgets
-- read are those of supabase/migrations/*_rt_monitor_schema.sql under your names.
--
-- Applies unchanged to a Supabase project and to the local backend (the browser tests load it).
-- Idempotent. It creates nothing named like rt-monitor's own tables, so both can live side by side.

create table if not exists public.acme_members (
  team_id text not null,
  member_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (team_id, member_id)
);

create table if not exists public.acme_work_items (
  id text primary key,
  team_id text not null,
  name text not null,
  goal_status text not null default 'pending',
  current_progress jsonb not null default '{"percentage": 0, "completed": 0, "total": 0}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists public.acme_scans (
  id text primary key,
  user_id uuid not null,
  org_id text,
  name text not null,
  status text not null default 'queued',
  progress_percentage numeric not null default 0,
  current_step text,
  targets_identified integer not null default 0,
  targets_analyzed integer not null default 0,
  started_at timestamptz,
  completed_at timestamptz,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists public.acme_agent_runs (
  id text primary key,
  work_item_id text not null references public.acme_work_items (id) on delete cascade,
  agent_id text not null,
  status text not null default 'queued',
  started_at timestamptz,
  completed_at timestamptz,
  output jsonb,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists public.acme_signals (
  id text primary key,
  user_id uuid not null,
  org_id text,
  business_name text not null,
  signal_type text not null,
  priority text not null default 'medium',
  details jsonb,
  read boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists public.acme_inbox (
  id text primary key,
  owner_id uuid not null,
  title text not null,
  body text,
  type text not null default 'info',
  link text,
  is_read boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- A table rt-monitor has no widget for: shown with defineFeed() + <rt-live-list> (bigint keys).
create table if not exists public.acme_work_orders (
  id bigint generated always as identity primary key,
  team_id text not null,
  title text not null,
  status text not null default 'queued',
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- A bigint figure that is not a key (test/elements/own-feed.real.test.ts: values beyond 2^53).
alter table public.acme_work_orders add column if not exists quantity bigint;

create or replace function public.acme_set_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := clock_timestamp();
  return new;
end
$$;

create or replace function public.acme_is_member(p_team text) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.acme_members m where m.team_id = p_team and m.member_id = auth.uid())
$$;
revoke all on function public.acme_is_member(text) from public;
grant execute on function public.acme_is_member(text) to anon, authenticated, service_role;

do $$
declare t text;
begin
  foreach t in array array['acme_work_items', 'acme_scans', 'acme_agent_runs', 'acme_signals', 'acme_inbox', 'acme_work_orders'] loop
    execute format('drop trigger if exists acme_set_updated_at on public.%I', t);
    execute format('create trigger acme_set_updated_at before update on public.%I for each row execute function public.acme_set_updated_at()', t);
    execute format('alter table public.%I replica identity full', t);
    execute format('alter table public.%I enable row level security', t);
    execute format('revoke all on public.%I from anon, authenticated', t);
    execute format('grant select on public.%I to authenticated', t);
    execute format('grant all on public.%I to service_role', t);
    if not exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = t) then
      execute format('alter publication supabase_realtime add table public.%I', t);
    end if;
  end loop;
end
$$;
alter table public.acme_members enable row level security;
revoke all on public.acme_members from anon, authenticated;
grant select on public.acme_members to authenticated;
grant all on public.acme_members to service_role;
grant update (read) on public.acme_signals to authenticated;
grant update (is_read) on public.acme_inbox to authenticated;

drop policy if exists "members read memberships" on public.acme_members;
create policy "members read memberships" on public.acme_members
  for select to authenticated using (member_id = auth.uid() or public.acme_is_member(team_id));
drop policy if exists "members read work items" on public.acme_work_items;
create policy "members read work items" on public.acme_work_items
  for select to authenticated using (public.acme_is_member(team_id));
drop policy if exists "owners read scans" on public.acme_scans;
create policy "owners read scans" on public.acme_scans
  for select to authenticated using (user_id = auth.uid());
drop policy if exists "members read agent runs" on public.acme_agent_runs;
create policy "members read agent runs" on public.acme_agent_runs
  for select to authenticated using (
    exists (select 1 from public.acme_work_items w where w.id = work_item_id and public.acme_is_member(w.team_id))
  );
drop policy if exists "owners read signals" on public.acme_signals;
create policy "owners read signals" on public.acme_signals
  for select to authenticated using (user_id = auth.uid());
drop policy if exists "owners mark signals read" on public.acme_signals;
create policy "owners mark signals read" on public.acme_signals
  for update to authenticated using (user_id = auth.uid()) with check (user_id = auth.uid());
drop policy if exists "members read work orders" on public.acme_work_orders;
create policy "members read work orders" on public.acme_work_orders
  for select to authenticated using (public.acme_is_member(team_id));
drop policy if exists "owners read inbox" on public.acme_inbox;
create policy "owners read inbox" on public.acme_inbox
  for select to authenticated using (owner_id = auth.uid());
drop policy if exists "owners mark inbox read" on public.acme_inbox;
create policy "owners mark inbox read" on public.acme_inbox
  for update to authenticated using (owner_id = auth.uid()) with check (owner_id = auth.uid());
