-- Local change capture (the local backend's stand-in for Supabase's WAL reader):
-- an AFTER trigger on every table in the supabase_realtime publication appends the change
-- to a queue and NOTIFYs its id (payloads stay tiny; the drain loop reads the queue in order).
create schema if not exists _rt_local;
revoke all on schema _rt_local from public;

create table if not exists _rt_local.changes (
  id bigserial primary key,
  schema_name text not null,
  table_name text not null,
  op text not null,
  record jsonb,
  old_record jsonb,
  commit_ts timestamptz not null default clock_timestamp()
);

create or replace function _rt_local.capture() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  new_id bigint;
begin
  insert into _rt_local.changes (schema_name, table_name, op, record, old_record)
  values (
    tg_table_schema, tg_table_name, tg_op,
    case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end,
    case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end
  )
  returning id into new_id;
  perform pg_notify('rt_local_changes', new_id::text);
  return null;
end
$$;

-- Capture follows the publication, as Supabase's WAL reader does (it sees only published tables):
-- every published table gets the trigger, and a table no longer in the publication loses it, so
-- its changes stop reaching channels already joined (new joins are refused by the server). The
-- trigger on realtime.messages (Broadcast from Database, below) is not the publication's.
create or replace function _rt_local.install_capture() returns void
language plpgsql as $$
declare r record;
begin
  for r in
    select n.nspname as schemaname, c.relname as tablename
      from pg_trigger t
      join pg_class c on c.oid = t.tgrelid
      join pg_namespace n on n.oid = c.relnamespace
     where t.tgname = 'rt_local_capture'
       and not (n.nspname = 'realtime' and c.relname = 'messages')
       and not exists (select 1 from pg_publication_tables p
                        where p.pubname = 'supabase_realtime' and p.schemaname = n.nspname and p.tablename = c.relname)
  loop
    execute format('drop trigger if exists rt_local_capture on %I.%I', r.schemaname, r.tablename);
  end loop;
  for r in select schemaname, tablename from pg_publication_tables where pubname = 'supabase_realtime' loop
    execute format('drop trigger if exists rt_local_capture on %I.%I', r.schemaname, r.tablename);
    execute format(
      'create trigger rt_local_capture after insert or update or delete on %I.%I for each row execute function _rt_local.capture()',
      r.schemaname, r.tablename);
  end loop;
end
$$;

-- Like Supabase Realtime, notice tables added to (or dropped from) the publication later, e.g. a
-- project's own migration applied to a running backend, or `alter publication supabase_realtime
-- drop table …`: re-install (and remove) the capture triggers after every CREATE / ALTER / DROP
-- PUBLICATION, in the same transaction — no per-change check of the catalog. Creating an event
-- trigger needs a superuser (PGlite is one; on PostgreSQL without one, restart the backend after
-- changing the publication: install_capture() runs at every start).
create or replace function _rt_local.on_publication_change() returns event_trigger
language plpgsql as $$
begin
  perform _rt_local.install_capture();
end
$$;

do $$
begin
  -- Re-created at every start, so a persisted database gets the current tag list.
  drop event trigger if exists rt_local_publication_change;
  create event trigger rt_local_publication_change on ddl_command_end
    when tag in ('CREATE PUBLICATION', 'ALTER PUBLICATION', 'DROP PUBLICATION')
    execute function _rt_local.on_publication_change();
exception when insufficient_privilege then
  raise notice 'rt-monitor local backend: not a superuser, so tables added to (or dropped from) supabase_realtime later are followed after a restart';
end
$$;

-- Broadcast from Database: rows realtime.send() writes to realtime.messages go through the same
-- queue, so they reach the sockets in commit order with the postgres_changes of the same
-- transactions. (Supabase reads them from the WAL.) Rows without an event are the ones Realtime
-- itself inserts to check a join's policies, in a transaction it rolls back: not messages.
drop trigger if exists rt_local_capture on realtime.messages;
create trigger rt_local_capture after insert on realtime.messages
  for each row when (new.event is not null) execute function _rt_local.capture();
