-- rt-monitor, optional, with 20261130000000_rt_monitor_broadcast.sql (Broadcast from Database):
-- a stream deleted takes its agent executions along on its org's topic.
--
-- Deleting a stream deletes its executions by cascade before rt_broadcast_change runs for them,
-- and that trigger cannot find their stream any more, so their DELETEs reached no topic: a page's
-- `<rt-agent-executions stream-id>` kept showing the runs, "Live", until its next revalidation
-- round (QA69 F3), while the stream's own widgets said "not found" at once. This trigger runs
-- BEFORE the stream's DELETE, while its executions still exist, and sends each of them to the
-- stream's org topic as a DELETE with the old row, as a move to another org does. Nothing is sent
-- if the DELETE is rolled back (realtime.messages is written in the same transaction).
--
-- Apply it after 20261130000000_rt_monitor_broadcast.sql, unchanged (`supabase db push`, or paste
-- it into the SQL editor); the local backend applies it at start. Idempotent.

create or replace function public.rt_broadcast_stream_delete() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  execution record;
begin
  for execution in select * from public.agent_executions e where e.stream_id = old.id loop
    perform public.rt_broadcast_send('org:' || old.org_id::text, 'DELETE', 'agent_executions', 'public', null, execution);
  end loop;
  return old;
end
$$;

drop trigger if exists rt_broadcast_stream_delete on public.streams;
create trigger rt_broadcast_stream_delete before delete on public.streams
  for each row execute function public.rt_broadcast_stream_delete();
