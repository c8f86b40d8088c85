-- rt-monitor, optional: Broadcast from Database (`realtime-mode="broadcast"`).
--
-- postgres_changes checks every change against RLS once per subscriber; on a page open on every
-- screen of a company that is the bottleneck. With this migration the database sends each change
-- of the five monitored tables to a *topic* (realtime.send, stored in
-- realtime.messages), clients join private channels on those topics, and Realtime checks the
-- policies below ONCE, when a client joins (realtime.topic() is the channel's topic).
--
-- Topics (scoped the way the tables' RLS scopes their rows):
--   org:<org_id>    streams of the org, and agent executions of its streams
--                   (RLS: "members read org streams", "members read executions of org streams")
--   user:<user_id>  the user's acquisition scans, signal alerts and notifications
--                   (RLS: "owners read their scans / alerts / notifications")
-- Events are the operation: INSERT, UPDATE, DELETE; the payload is realtime.broadcast_changes'
-- {schema, table, operation, record, old_record} and `sent_at`, when the trigger sent it (the
-- server's clock, just before the commit): a page tells from it that Realtime delivers late, as
-- from `commit_timestamp` in postgres_changes mode. A row moved to another org or user (its
-- org_id / user_id changed) is sent to both topics, each only what its audience may read: the old
-- topic a DELETE with the old row (it sees the row leave, not what it became), the new topic an
-- INSERT with the new row (not what it was); a stream moved to another org takes its agent
-- executions along the same way.
-- Executions deleted by a cascade from their stream's DELETE are not sent (their stream is gone
-- already when the trigger looks it up); the stream's own DELETE is.
--
-- Your own tables (`defineFeed`, `<rt-live-list>`, or the five under your names through the
-- `tables` option) broadcast with the same trigger, given the topic and the column holding its id:
--   create trigger rt_broadcast_change after insert or update or delete on public.orders
--     for each row execute function public.rt_broadcast_change('org', 'team_id');   -- or ('user', 'owner_id')
-- The view public.rt_broadcast_sources lists every table with a trigger of that name and its
-- topic; rt-monitor reads it when a feed joins, and a feed on a table missing from it is refused
-- with that cause instead of showing "Live" over changes nothing sends.
--
-- Apply it after 20261125000000_rt_monitor_schema.sql, unchanged, to a real Supabase project
-- (`supabase db push`, or paste it into the SQL editor) and to the local backend (automatic).
-- Idempotent. Relies only on what Supabase provides: realtime.send(), realtime.topic(),
-- realtime.messages, auth.uid().

-- Who may read a topic. An org's topic: whoever public.rt_is_org_member says is a member, the
-- same rule as the org's rows over REST, so a membership rule of your own (its body changed: a
-- team table, a claim in the JWT, suspended members) holds over the socket too (QA52 F2: it
-- read org_members directly, and a member the new rule excluded got the org's changes). A
-- malformed topic is simply "no" (the id is matched as text before it is cast).
create or replace function public.rt_can_read_topic(p_topic text) returns boolean
language sql stable security definer set search_path = '' as $$
  select case
    when p_topic ~ '^org:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
      then coalesce(public.rt_is_org_member(substr(p_topic, 5)::uuid), false)
    when p_topic like 'user:%' then auth.uid() is not null and auth.uid()::text = substr(p_topic, 6)
    else false
  end
$$;
revoke all on function public.rt_can_read_topic(text) from public;
grant execute on function public.rt_can_read_topic(text) to anon, authenticated, service_role;

-- One change to one topic: realtime.broadcast_changes' message, with `sent_at` (see above). For
-- the triggers only: no client may call it (it would send any row to any topic).
create or replace function public.rt_broadcast_send(
  topic text, operation text, table_name text, table_schema text, new record, old record
) returns void
language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.send(
    jsonb_build_object('old_record', old, 'record', new, 'operation', operation, 'table', table_name, 'schema', table_schema, 'sent_at', clock_timestamp()),
    operation, topic);
end
$$;
revoke all on function public.rt_broadcast_send(text, text, text, text, record, record) from public, anon, authenticated;

-- The triggers. SECURITY DEFINER: a change made by a signed-in user (marking an alert read)
-- must still reach realtime.messages, which that user may not write to.
create or replace function public.rt_broadcast_change() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  new_topic text;
  old_topic text;
  execution record;
begin
  if tg_nargs >= 2 then -- your own table: ('org' | 'user', the column holding that id)
    if tg_op <> 'DELETE' then new_topic := tg_argv[0] || ':' || (to_jsonb(new) ->> tg_argv[1]); end if;
    if tg_op <> 'INSERT' then old_topic := tg_argv[0] || ':' || (to_jsonb(old) ->> tg_argv[1]); end if;
  elsif tg_table_name = 'streams' then
    if tg_op <> 'DELETE' then new_topic := 'org:' || new.org_id::text; end if;
    if tg_op <> 'INSERT' then old_topic := 'org:' || old.org_id::text; end if;
  elsif tg_table_name = 'agent_executions' then
    if tg_op <> 'DELETE' then
      select 'org:' || s.org_id::text into new_topic from public.streams s where s.id = new.stream_id;
    end if;
    if tg_op <> 'INSERT' then
      select 'org:' || s.org_id::text into old_topic from public.streams s where s.id = old.stream_id;
    end if;
  else -- acquisition_scans, signal_alerts, notifications: owned by user_id (another table needs arguments)
    if tg_op <> 'DELETE' then new_topic := 'user:' || (to_jsonb(new) ->> 'user_id'); end if;
    if tg_op <> 'INSERT' then old_topic := 'user:' || (to_jsonb(old) ->> 'user_id'); end if;
  end if;

  if new_topic = old_topic then
    perform public.rt_broadcast_send(new_topic, tg_op, tg_table_name, tg_table_schema, new, old);
  else
    -- Moved (or inserted / deleted): each audience gets only the row as it may read it.
    if old_topic is not null then
      perform public.rt_broadcast_send(old_topic, 'DELETE', tg_table_name, tg_table_schema, null, old);
    end if;
    if new_topic is not null then
      perform public.rt_broadcast_send(new_topic, 'INSERT', tg_table_name, tg_table_schema, new, null);
    end if;
    -- A stream moved to another org takes its agent executions along: the same for each of them.
    if tg_table_name = 'streams' and tg_nargs < 2 and tg_op = 'UPDATE' then
      for execution in select * from public.agent_executions e where e.stream_id = new.id loop
        perform public.rt_broadcast_send(old_topic, 'DELETE', 'agent_executions', tg_table_schema, null, execution);
        perform public.rt_broadcast_send(new_topic, 'INSERT', 'agent_executions', tg_table_schema, execution, null);
      end loop;
    end if;
  end if;
  return null;
end
$$;

do $$
declare t text;
begin
  foreach t in array array['streams', 'acquisition_scans', 'agent_executions', 'signal_alerts', 'notifications'] loop
    execute format('drop trigger if exists rt_broadcast_change on public.%I', t);
    execute format(
      'create trigger rt_broadcast_change after insert or update or delete on public.%I for each row execute function public.rt_broadcast_change()',
      t);
  end loop;
end
$$;

-- Which tables broadcast their changes, and on which topic: each table with an enabled trigger
-- named rt_broadcast_change that the caller may read, wholly or some columns (has_any_column_privilege is the caller's: a
-- plain view keeps current_user), whose topic column exists. `topic` is 'org' or 'user';
-- `topic_column` the column holding the topic's id (null for agent_executions, whose org is its
-- stream's). The topic comes from the trigger's arguments (pg_trigger.tgargs, NUL-separated); a
-- trigger without them serves only the five standard tables by their own names (under another
-- name it would look for a user_id: such a table is not listed, and its feeds are refused).
create or replace view public.rt_broadcast_sources as
  select s.table_name, s.topic, s.topic_column
    from (
      select c.oid, c.relname::text as table_name,
             case
               when t.tgnargs >= 2 then split_part(encode(t.tgargs, 'escape'), '\000', 1)
               when c.relname in ('streams', 'agent_executions') then 'org'
               when c.relname in ('acquisition_scans', 'signal_alerts', 'notifications') then 'user'
             end as topic,
             case
               when t.tgnargs >= 2 then split_part(encode(t.tgargs, 'escape'), '\000', 2)
               when c.relname = 'streams' then 'org_id'
               when c.relname in ('acquisition_scans', 'signal_alerts', 'notifications') then 'user_id'
             end as topic_column
        from pg_catalog.pg_trigger t
        join pg_catalog.pg_class c on c.oid = t.tgrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and t.tgname = 'rt_broadcast_change' and t.tgenabled <> 'D'
         -- readable by the caller, also through column grants only (QA29 L2)
         and pg_catalog.has_any_column_privilege(c.oid, 'SELECT')
    ) s
   where s.topic in ('org', 'user')
     and (s.table_name = 'agent_executions' and s.topic_column is null
          or exists (select 1 from pg_catalog.pg_attribute a
                      where a.attrelid = s.oid and a.attname = s.topic_column and a.attnum > 0 and not a.attisdropped));
grant select on public.rt_broadcast_sources to anon, authenticated, service_role;

-- Who may join: members of the org read `org:<org_id>`, a user reads `user:<own id>`.
drop policy if exists "rt-monitor members and owners read their topics" on realtime.messages;
create policy "rt-monitor members and owners read their topics" on realtime.messages
  for select to authenticated
  using (realtime.messages.extension = 'broadcast' and public.rt_can_read_topic((select realtime.topic())));
