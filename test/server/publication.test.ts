/**
 * postgres_changes follow the supabase_realtime publication (QA t4): as on Supabase, whose WAL
 * reader only sees published tables, a table dropped from the publication delivers no more
 * changes to channels already joined, and delivers again once added back. On PGlite or
 * PostgreSQL (RT_TEST_DB).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';

import type { LocalBackend } from '../../server/index.ts';
import { signJwt } from '../../server/jwt.ts';
import { ALICE, ENGINE, startTestBackend, waitFor } from './helpers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`postgres_changes follow the supabase_realtime publication (${ENGINE})`, () => {
  let b: LocalBackend;
  let c: SupabaseClient | undefined;
  before(async () => {
    b = await startTestBackend();
  });
  after(async () => {
    await c?.removeAllChannels().catch(() => {});
    c?.realtime.disconnect();
    await b?.stop();
  });

  async function captured(table: string): Promise<boolean> {
    const r = await b.db.query<{ n: number }>(
      `select count(*)::int as n from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
        where t.tgname = 'rt_local_capture' and n.nspname = 'public' and c.relname = $1`,
      [table],
    );
    return r.rows[0]!.n > 0;
  }

  test('a table dropped from the publication delivers nothing more; added back, it delivers again', async () => {
    const token = await signJwt(b.jwtSecret, { sub: ALICE, role: 'authenticated', aud: 'authenticated' }, 3600);
    c = createClient(b.url, b.anonKey, { accessToken: async () => token, realtime: { transport: WebSocket as never } as never });
    await c.realtime.setAuth();
    // One channel, two tables: changes reach it in commit order, so once the alert written AFTER
    // a notification has arrived, that notification would have arrived before it, if at all.
    const got: { table: string; title: string }[] = [];
    const systems: { message?: string }[] = [];
    const ch = c.channel('publication-follow');
    for (const table of ['notifications', 'signal_alerts']) {
      ch.on('postgres_changes' as never, { event: 'INSERT', schema: 'public', table } as never, (p: any) =>
        got.push({ table: p.table, title: p.new.title ?? p.new.business_name }),
      );
    }
    ch.on('system' as never, {} as never, (p: any) => systems.push(p));
    ch.subscribe();
    await waitFor(() => systems.some((s) => s.message === 'Subscribed to PostgreSQL'), 8000, 'subscribed');

    const note = (title: string) => b.db.query(`insert into public.notifications (user_id, title) values ($1, $2)`, [ALICE, title]);
    const alert = (name: string) => b.db.query(`insert into public.signal_alerts (user_id, business_name, signal_type) values ($1, $2, 'test')`, [ALICE, name]);
    const arrived = (title: string) => got.some((g) => g.title === title);

    await note('note before');
    await waitFor(() => arrived('note before'), 5000, 'the notification while published');

    await b.db.query(`alter publication supabase_realtime drop table public.notifications`);
    await note('note while unpublished');
    await alert('alert after the unpublished note');
    await waitFor(() => arrived('alert after the unpublished note'), 5000, 'the alert written after the note');
    await sleep(300);
    assert.equal(arrived('note while unpublished'), false, 'a change of a table out of the publication was delivered');

    await b.db.query(`alter publication supabase_realtime add table public.notifications`);
    await note('note after re-adding');
    await waitFor(() => arrived('note after re-adding'), 5000, 'the notification once published again');
    assert.deepEqual(
      got.map((g) => g.title),
      ['note before', 'alert after the unpublished note', 'note after re-adding'],
    );
  });

  test('a stale capture trigger on an unpublished table is removed at start (publication changed while not listening)', async () => {
    // E.g. PostgreSQL without a superuser (no event trigger), or a table dropped from the
    // publication of a persisted data directory: install_capture() at start follows the publication.
    await b.db.query(`alter publication supabase_realtime drop table public.agent_executions`);
    await b.db.query(`drop trigger if exists rt_local_capture on public.agent_executions`);
    await b.db.query(
      `create trigger rt_local_capture after insert or update or delete on public.agent_executions for each row execute function _rt_local.capture()`,
    );
    assert.equal(await captured('agent_executions'), true);
    await b.db.query(`select _rt_local.install_capture()`);
    assert.equal(await captured('agent_executions'), false);
    assert.equal(await captured('streams'), true, 'published tables keep theirs');
    await b.db.query(`alter publication supabase_realtime add table public.agent_executions`);
    assert.equal(await captured('agent_executions'), true);
  });
});
