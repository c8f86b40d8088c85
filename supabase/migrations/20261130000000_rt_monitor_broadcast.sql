-- rt-monitor, optional: Broadcast from Database (`realtime-mode="broadcast"`).
--
-- postgres_changes checks every change against RLS once per subscriber; on a page open on every
-- screen of a company that is the bottleneck. With this migration the database sends each change
-- of the five monitored tables to a *topic* (realtime.broadcast_changes, stored in
-- realtime.messages), clients join private channels on those topics, and Realtime checks the
-- policies below ONCE, when a client joins (realtime.topic() is the channel's topic).
--
-- Topics (scoped the way the tables' RLS scopes their rows):
--   org:<org_id>    streams of the org, and agent executions of its streams
--                   (RLS: "members read org streams", "members read executions of org streams")
--   user:<user_id>  the user's acquisition scans, signal alerts and notifications
--                   (RLS: "owners read their scans / alerts / notifications")
-- Events are the operation: INSERT, UPDATE, DELETE; the payload is broadcast_changes'
-- {schema, table, operation, record, old_record}. A row moved to another org or user (its
-- org_id / user_id changed) is sent to both topics, each only what its audience may read: the old
-- topic a DELETE with the old row (it sees the row leave, not what it became), the new topic an
-- INSERT with the new row (not what it was); a stream moved to another org takes its agent
-- executions along the same way.
-- Executions deleted by a cascade from their stream's DELETE are not sent (their stream is gone
-- already when the trigger looks it up); the stream's own DELETE is.
--
-- Apply it after 20261125000000_rt_monitor_schema.sql, unchanged, to a real Supabase project
-- (`supabase db push`, or paste it into the SQL editor) and to the local backend (automatic).
-- Idempotent. Relies only on what Supabase provides: realtime.broadcast_changes(),
-- realtime.topic(), realtime.messages, auth.uid().

-- Who may read a topic. SECURITY DEFINER (like rt_is_org_member) so the check does not depend on
-- the policies of org_members; text comparison, so a malformed topic is simply "no".
create or replace function public.rt_can_read_topic(p_topic text) returns boolean
language sql stable security definer set search_path = '' as $$
  select case
    when p_topic like 'org:%' then exists (
      select 1 from public.org_members m
       where m.user_id = auth.uid() and m.org_id::text = substr(p_topic, 5)
    )
    when p_topic like 'user:%' then auth.uid() is not null and auth.uid()::text = substr(p_topic, 6)
    else false
  end
$$;
revoke all on function public.rt_can_read_topic(text) from public;
grant execute on function public.rt_can_read_topic(text) to anon, authenticated, service_role;

-- The triggers. SECURITY DEFINER: a change made by a signed-in user (marking an alert read)
-- must still reach realtime.messages, which that user may not write to.
create or replace function public.rt_broadcast_change() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  new_topic text;
  old_topic text;
  execution record;
begin
  if tg_table_name = 'streams' then
    if tg_op <> 'DELETE' then new_topic := 'org:' || new.org_id::text; end if;
    if tg_op <> 'INSERT' then old_topic := 'org:' || old.org_id::text; end if;
  elsif tg_table_name = 'agent_executions' then
    if tg_op <> 'DELETE' then
      select 'org:' || s.org_id::text into new_topic from public.streams s where s.id = new.stream_id;
    end if;
    if tg_op <> 'INSERT' then
      select 'org:' || s.org_id::text into old_topic from public.streams s where s.id = old.stream_id;
    end if;
  else -- acquisition_scans, signal_alerts, notifications: owned by user_id
    if tg_op <> 'DELETE' then new_topic := 'user:' || new.user_id::text; end if;
    if tg_op <> 'INSERT' then old_topic := 'user:' || old.user_id::text; end if;
  end if;

  if new_topic = old_topic then
    perform realtime.broadcast_changes(new_topic, tg_op, tg_op, tg_table_name, tg_table_schema, new, old);
  else
    -- Moved (or inserted / deleted): each audience gets only the row as it may read it.
    if old_topic is not null then
      perform realtime.broadcast_changes(old_topic, 'DELETE', 'DELETE', tg_table_name, tg_table_schema, null, old);
    end if;
    if new_topic is not null then
      perform realtime.broadcast_changes(new_topic, 'INSERT', 'INSERT', tg_table_name, tg_table_schema, new, null);
    end if;
    -- A stream moved to another org takes its agent executions along: the same for each of them.
    if tg_table_name = 'streams' and tg_op = 'UPDATE' then
      for execution in select * from public.agent_executions e where e.stream_id = new.id loop
        perform realtime.broadcast_changes(old_topic, 'DELETE', 'DELETE', 'agent_executions', tg_table_schema, null, execution);
        perform realtime.broadcast_changes(new_topic, 'INSERT', 'INSERT', 'agent_executions', tg_table_schema, execution, null);
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

-- Who may join: members of the org read `org:<org_id>`, a user reads `user:<own id>`.
drop policy if exists "rt-monitor members and owners read their topics" on realtime.messages;
create policy "rt-monitor members and owners read their topics" on realtime.messages
  for select to authenticated
  using (realtime.messages.extension = 'broadcast' and public.rt_can_read_topic((select realtime.topic())));
