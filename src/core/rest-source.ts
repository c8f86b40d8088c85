/**
 * One REST source for a client: snapshots, counts and "mark as read" writes through a PostgREST
 * client (the host's SupabaseClient, or rt-monitor's own, see ./rest.ts), with ONE retry policy —
 * a request refused for its token (401/403) is sent once more after asking the session for a fresh
 * token when it can renew — and one mapping of failures to RtErrors (a refused token that nothing
 * can renew expires the session). Never throws.
 */
import type { CountResult, SnapshotQuery, SnapshotResult } from './client-types.js';
import type { MonitoredTable, RtError } from './types.js';
import type { RestLike } from './supabase-like.js';
import type { WriteReadRequest } from './live-hub.js';
import type { Session } from './session.js';
import { fromRestError, messageOf, rtError } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a PostgREST builder resolves to (supabase-js / postgrest-js). */
interface RestResponse {
  data?: unknown;
  count?: number | null;
  error: unknown;
  status?: number;
}

/**
 * An id filter value the server could never match is refused before any request, with the column
 * in the message. Ids are UUIDs in rt-monitor's schema.
 */
export function validateIds(eq: ReadonlyArray<readonly [string, string]>): RtError | null {
  for (const [column, value] of eq) {
    if (!UUID.test(value)) return rtError('bad-config', `"${value}" is not a valid id for ${column} (expected a UUID).`);
  }
  return null;
}

export class RestSource {
  constructor(
    private readonly rest: RestLike,
    private readonly session: Session,
  ) {}

  async select<R>(query: SnapshotQuery): Promise<SnapshotResult<R>> {
    const problem = validateIds(query.eq);
    if (problem) return { rows: null, error: problem };
    const res = await this.send(() => {
      let q = this.rest.from(query.table).select('*');
      for (const [column, value] of query.eq) q = q.eq(column, value);
      if (query.order) q = q.order(query.order.column, { ascending: query.order.ascending });
      if (query.single) q = q.limit(1);
      else if (query.limit !== undefined) q = q.limit(query.limit);
      return q;
    });
    if ('failed' in res) return { rows: null, error: res.failed };
    const data = res.data as R[] | R | null | undefined;
    return { rows: Array.isArray(data) ? data : data ? [data] : [], error: null };
  }

  /** `HEAD /rest/v1/<table>?<eq…>` with `Prefer: count=exact`. */
  async count(table: MonitoredTable, eq: ReadonlyArray<readonly [string, string]>): Promise<CountResult> {
    const problem = validateIds(eq.filter(([column]) => column === 'id' || column.endsWith('_id')));
    if (problem) return { count: null, error: problem };
    const res = await this.send(() => {
      let q = this.rest.from(table).select('*', { count: 'exact', head: true });
      for (const [column, value] of eq) q = q.eq(column, value);
      return q;
    });
    if ('failed' in res) return { count: null, error: res.failed };
    if (typeof res.count !== 'number') return { count: null, error: rtError('server', 'The server sent no count (Content-Range).') };
    return { count: res.count, error: null };
  }

  /** `read = true` on one row, or on every unread row of a user. */
  async markRead(request: WriteReadRequest): Promise<RtError | null> {
    const problem = validateIds(request.id ? [['id', request.id]] : [['user_id', request.userId ?? '']]);
    if (problem) return problem;
    const res = await this.send(() => {
      let q = this.rest.from(request.table).update({ read: true });
      if (request.id) q = q.eq('id', request.id);
      else q = q.eq('user_id', request.userId).eq('read', false);
      return q;
    });
    return 'failed' in res ? res.failed : null;
  }

  /** The user's first organisation (`org_members`, oldest membership first), or null. */
  async firstOrg(userId: string): Promise<string | null> {
    const res = await this.send(() => this.rest.from('org_members').select('org_id').eq('user_id', userId).order('created_at', { ascending: true }).limit(1));
    if ('failed' in res) return null;
    const rows = res.data as Array<{ org_id?: string }> | null;
    return rows?.[0]?.org_id ?? null;
  }

  /** Run a request; once more with a fresh token when it was refused for its token and the session can renew. */
  private async send(build: () => PromiseLike<unknown>): Promise<RestResponse | { failed: RtError }> {
    try {
      let res = (await build()) as RestResponse;
      if (res.error && (res.status === 401 || res.status === 403) && this.session.tokens.refreshable) {
        await this.session.tokens.get(true);
        res = (await build()) as RestResponse;
      }
      return res.error ? { failed: await this.errorOf(res.error, res.status) } : res;
    } catch (err) {
      return { failed: rtError('network', `Cannot reach the server: ${messageOf(err)}`) };
    }
  }

  /** A PostgREST error as an RtError; a refused token that nothing can renew expires the session. */
  private async errorOf(error: unknown, status: number | undefined): Promise<RtError> {
    const { tokens } = this.session;
    const token = await tokens.get();
    const e = fromRestError(error as never, status, !token);
    if (e.code === 'unauthorized' && (!tokens.refreshable || tokens.expired)) return this.session.expire(e.message);
    // Refused as anonymous although this client had a signed-in user: the session ended.
    if (!token && tokens.hadUserToken && (e.code === 'forbidden' || e.code === 'bad-config')) {
      return this.session.expire('no access token could be obtained any more');
    }
    return e;
  }
}
