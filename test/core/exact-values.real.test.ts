/**
 * Text primary keys as they are stored (real backend). QA round 24: keys were "normalised" as if
 * they were parameters — an upper-case GUID stored as text lower-cased, spaces trimmed — so rows
 * left a Live list at the first revalidation, single-row widgets said "Not found" for rows that
 * exist, and two keys differing by case or a space showed as one row; and a key holding `"` broke
 * the revalidation request (`id=in.(…)`), so the keys after it left the list too.
 */
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { defineFeed } from '../../src/core/feeds/feed.js';
import { USERS, backendInfo, insertInto, newStream, probeFeed, probeTable, runSql, signIn, updateRows, waitFor, type Probe } from '../helpers/backend.js';

const KEYS = [
  'BBBBBBBB-BBBB-4BBB-8BBB-BBBBBBBBBBBB',
  'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
  'dup',
  ' dup',
  'trailing ',
  'q"uote',
  'back\\slash',
  'a+b&c=d',
  'v1.2',
  '50%',
];

describe('keys and values exactly as stored (real backend)', function () {
  this.timeout(90_000);
  const clients: RtClient[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.dispose();
  });

  it('every row of a list and each single row is shown, Live, through revalidation and changes (QA24 H1, H2)', async () => {
    const table = await probeTable('rt_textkeys', true, 'text');
    try {
      await insertInto(table, KEYS.map((id) => ({ id, team: 't', title: `row ${id}` })));
      const info = await backendInfo();
      const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice), revalidateMs: 300 });
      clients.push(client);
      let revalidations = 0;
      const nativeFetch = window.fetch;
      window.fetch = (input, init) => {
        const url = decodeURIComponent(String(input instanceof Request ? input.url : input));
        if (url.includes(`/rest/v1/${table}?`) && url.includes('id=in.')) revalidations++;
        return nativeFetch(input, init);
      };
      try {
        const list = client.liveQuery(probeFeed(table), { team: 't' });
        const one = defineFeed<Probe, { id?: string }>({ name: `one-${table}`, table, kind: 'single', filters: [{ column: 'id', param: 'id', what: 'id' }] });
        const singles = [KEYS[0]!, KEYS[5]!, KEYS[3]!].map((id) => client.liveQuery(one, { id }));
        const offs = [list, ...singles].map((q) => q.subscribe(() => {}));
        try {
          const ids = () => (list.getState().data as Probe[]).map((r) => r.id).sort();
          const shows = () => `list ${JSON.stringify(ids())}; singles ${singles.map((q) => `${q.getState().phase}:${(q.getState().data as Probe | null)?.id}`).join(', ')}`;
          const right = (title: (id: string) => string) =>
            list.getState().phase === 'live' &&
            JSON.stringify((list.getState().data as Probe[]).map((r) => [r.id, r.title]).sort()) === JSON.stringify(KEYS.map((id) => [id, title(id)]).sort()) &&
            singles.every((q, i) => q.getState().phase === 'live' && (q.getState().data as Probe | null)?.title === title([KEYS[0]!, KEYS[5]!, KEYS[3]!][i]!));
          await waitFor(() => right((id) => `row ${id}`), 30_000, `every row, Live (${shows()})`);
          // Revalidation asks for every held key: the rows stay, Live.
          const after = revalidations;
          // Waited for with the rows: Live is delivered on a frame, and a busy run may show Stale a moment.
          await waitFor(() => revalidations >= after + 3 && right((id) => `row ${id}`), 15_000, () => `three revalidation rounds, the rows kept (${shows()})`);
          // A change to every row is followed, on its own row.
          await runSql(`update public.${table} set title = 'new ' || id, updated_at = now();`);
          await waitFor(() => right((id) => `new ${id}`), 30_000, `every change on its row (${shows()})`);
          const rounds = revalidations;
          await waitFor(() => revalidations >= rounds + 3 && right((id) => `new ${id}`), 15_000, () => `three more rounds, the rows kept (${shows()})`);
        } finally {
          offs.forEach((off) => off());
        }
      } finally {
        window.fetch = nativeFetch;
      }
    } finally {
      await runSql(`drop table if exists public.${table};`);
    }
  });

  it('a numeric of more than 15 significant digits keeps every digit, read and changed live (QA24 M1)', async () => {
    const table = await probeTable('rt_numeric');
    try {
      await runSql(`alter table public.${table} add column amount numeric;`);
      await insertInto(table, [{ team: 't', title: 'sum', amount: '12345678901234567890.12' }]);
      const info = await backendInfo();
      const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice) });
      clients.push(client);
      const list = client.liveQuery(probeFeed<Probe & { amount: unknown }>(table), { team: 't' });
      const off = list.subscribe(() => {});
      try {
        const amount = () => String((list.getState().data as Array<{ amount: unknown }>)[0]?.amount);
        await waitFor(() => list.getState().phase === 'live' && amount() === '12345678901234567890.12', 30_000, `read exactly (shows ${amount()})`);
        // A cent more: realtime-js reads the number rounded; the row is read again exactly.
        await runSql(`update public.${table} set amount = amount + 0.01, updated_at = now();`);
        await waitFor(() => amount() === '12345678901234567890.13', 30_000, `the change, every digit (shows ${amount()})`);
        // Numbers a double holds stay numbers.
        await runSql(`update public.${table} set amount = 1.10, updated_at = now();`);
        await waitFor(() => Number((list.getState().data as Array<{ amount: unknown }>)[0]?.amount) === 1.1, 30_000, `1.10 (shows ${amount()})`);
      } finally {
        off();
      }
    } finally {
      await runSql(`drop table if exists public.${table};`);
    }
  });

  for (const realtimeMode of ['postgres_changes', 'broadcast'] as const) {
    it(`a stream id in upper case, with spaces around, finds its uuid row, live (${realtimeMode}; QA25 H1)`, async () => {
      const stream = await newStream({ name: `upper ${realtimeMode}` });
      const info = await backendInfo();
      const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice), realtimeMode });
      clients.push(client);
      const query = client.liveQuery('stream', { streamId: ` ${stream.id.toUpperCase()} ` });
      const off = query.subscribe(() => {});
      try {
        const name = () => (query.getState().data as { name?: string } | null)?.name;
        await waitFor(() => query.getState().phase === 'live' && name() === `upper ${realtimeMode}`, 30_000, `live (shows ${query.getState().phase}: ${query.getState().error?.message ?? name()})`);
        await updateRows('streams', { id: stream.id }, { name: `upper ${realtimeMode} changed` });
        await waitFor(() => name() === `upper ${realtimeMode} changed`, 15_000, 'the change');
      } finally {
        off();
      }
    });
  }
});

