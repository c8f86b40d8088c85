-- rt-monitor schema: orgs, streams, acquisition scans, agent executions, signal alerts,
-- notifications; RLS; column grants; realtime publication.
--
-- Applies unchanged to a real Supabase project (`supabase db push`, or paste into the SQL
-- editor), to PostgreSQL 15 and to PGlite (the local backend). Idempotent: running it twice
-- changes nothing. Relies only on what Supabase provides: the roles anon / authenticated /
-- service_role, auth.uid(), and the supabase_realtime publication.

create table if not exists public.orgs (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  created_at timestamptz not null default now()
);

create table if not exists public.org_members (
  org_id uuid not null references public.orgs (id) on delete cascade,
  user_id uuid not null,
  role text not null default 'member' check (role in ('owner', 'admin', 'member')),
  created_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
create index if not exists org_members_user_idx on public.org_members (user_id);

create table if not exists public.streams (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.orgs (id) on delete cascade,
  name text not null,
  goal_status text not null default 'pending'
    check (goal_status in ('pending', 'in_progress', 'paused', 'completed', 'failed')),
  current_progress jsonb not null default '{"percentage": 0, "completed": 0, "total": 0}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists streams_org_updated_idx on public.streams (org_id, updated_at desc);

create table if not exists public.acquisition_scans (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,
  org_id uuid references public.orgs (id) on delete cascade,
  name text not null,
  status text not null default 'queued'
    check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
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
create index if not exists acquisition_scans_user_updated_idx on public.acquisition_scans (user_id, updated_at desc);

create table if not exists public.agent_executions (
  id uuid primary key default gen_random_uuid(),
  stream_id uuid not null references public.streams (id) on delete cascade,
  agent_id text not null,
  status text not null default 'queued'
    check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
  started_at timestamptz,
  completed_at timestamptz,
  output jsonb,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists agent_executions_stream_idx on public.agent_executions (stream_id, created_at desc);
create index if not exists agent_executions_running_idx on public.agent_executions (stream_id) where status = 'running';

create table if not exists public.signal_alerts (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,
  org_id uuid references public.orgs (id) on delete cascade,
  business_name text not null,
  signal_type text not null,
  priority text not null default 'medium' check (priority in ('low', 'medium', 'high', 'critical')),
  details jsonb,
  read boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists signal_alerts_user_created_idx on public.signal_alerts (user_id, created_at desc);
create index if not exists signal_alerts_user_unread_idx on public.signal_alerts (user_id) where not read;

create table if not exists public.notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,
  title text not null,
  body text,
  type text not null default 'info' check (type in ('info', 'success', 'warning', 'error')),
  link text,
  read boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists notifications_user_created_idx on public.notifications (user_id, created_at desc);
create index if not exists notifications_user_unread_idx on public.notifications (user_id) where not read;

-- updated_at is the version guard the client merges by: clock_timestamp() so that two
-- updates in one transaction still get increasing versions.
create or replace function public.rt_set_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := clock_timestamp();
  return new;
end
$$;

do $$
declare t text;
begin
  foreach t in array array['streams', 'acquisition_scans', 'agent_executions', 'signal_alerts', 'notifications'] loop
    execute format('drop trigger if exists rt_set_updated_at on public.%I', t);
    execute format('create trigger rt_set_updated_at before update on public.%I for each row execute function public.rt_set_updated_at()', t);
    -- DELETE events carry the full old row, so filtered subscriptions (org_id=eq.…) see deletes.
    -- (With RLS on, Realtime still sends only the primary key to clients.)
    execute format('alter table public.%I replica identity full', t);
  end loop;
end
$$;

-- Membership check used by RLS. SECURITY DEFINER so policies on org_members do not recurse.
create or replace function public.rt_is_org_member(p_org uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.org_members m where m.org_id = p_org and m.user_id = auth.uid()
  )
$$;
revoke all on function public.rt_is_org_member(uuid) from public;
grant execute on function public.rt_is_org_member(uuid) to anon, authenticated, service_role;

-- Row level security -----------------------------------------------------------------------
alter table public.orgs enable row level security;
alter table public.org_members enable row level security;
alter table public.streams enable row level security;
alter table public.acquisition_scans enable row level security;
alter table public.agent_executions enable row level security;
alter table public.signal_alerts enable row level security;
alter table public.notifications enable row level security;

drop policy if exists "members read their orgs" on public.orgs;
create policy "members read their orgs" on public.orgs
  for select to authenticated using (public.rt_is_org_member(id));

drop policy if exists "members read memberships of their orgs" on public.org_members;
create policy "members read memberships of their orgs" on public.org_members
  for select to authenticated using (user_id = auth.uid() or public.rt_is_org_member(org_id));

drop policy if exists "members read org streams" on public.streams;
create policy "members read org streams" on public.streams
  for select to authenticated using (public.rt_is_org_member(org_id));

drop policy if exists "owners read their scans" on public.acquisition_scans;
create policy "owners read their scans" on public.acquisition_scans
  for select to authenticated using (user_id = auth.uid());

drop policy if exists "members read executions of org streams" on public.agent_executions;
create policy "members read executions of org streams" on public.agent_executions
  for select to authenticated using (
    exists (select 1 from public.streams s where s.id = stream_id and public.rt_is_org_member(s.org_id))
  );

drop policy if exists "owners read their alerts" on public.signal_alerts;
create policy "owners read their alerts" on public.signal_alerts
  for select to authenticated using (user_id = auth.uid());
drop policy if exists "owners mark their alerts read" on public.signal_alerts;
create policy "owners mark their alerts read" on public.signal_alerts
  for update to authenticated using (user_id = auth.uid()) with check (user_id = auth.uid());

drop policy if exists "owners read their notifications" on public.notifications;
create policy "owners read their notifications" on public.notifications
  for select to authenticated using (user_id = auth.uid());
drop policy if exists "owners mark their notifications read" on public.notifications;
create policy "owners mark their notifications read" on public.notifications
  for update to authenticated using (user_id = auth.uid()) with check (user_id = auth.uid());

-- Privileges: everything is written by service_role; signed-in users read (RLS filters) and
-- may change only `read` on their own alerts and notifications.
revoke all on public.orgs, public.org_members, public.streams, public.acquisition_scans,
  public.agent_executions, public.signal_alerts, public.notifications from anon, authenticated;
grant select on public.orgs, public.org_members, public.streams, public.acquisition_scans,
  public.agent_executions, public.signal_alerts, public.notifications to authenticated;
grant update (read) on public.signal_alerts, public.notifications to authenticated;
grant all on public.orgs, public.org_members, public.streams, public.acquisition_scans,
  public.agent_executions, public.signal_alerts, public.notifications to service_role;

-- Realtime: publish the five monitored tables (skipping those already published).
do $$
declare t text;
begin
  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
  foreach t in array array['streams', 'acquisition_scans', 'agent_executions', 'signal_alerts', 'notifications'] loop
    if not exists (
      select 1 from pg_publication_tables
      where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = t
    ) then
      execute format('alter publication supabase_realtime add table public.%I', t);
    end if;
  end loop;
end
$$;
