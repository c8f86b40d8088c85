/**
 * One REST source for a client: snapshots, counts and "mark as read" writes through a PostgREST
 * client (the host's SupabaseClient, or rt-monitor's own, see ./rest.ts), with ONE retry policy —
 * a request refused for its token (401/403) is sent once more after asking the session for a fresh
 * token when it can renew; every other failure is answered at once, for the caller to name and
 * retry on its own schedule (./snapshot-reader.ts: 1, 2, 5, 10, 30 s, or the server's
 * `Retry-After`): postgrest-js's own retries are turned off per request (they waited out a 503's
 * `Retry-After` up to three times inside one call, the widget "Loading…" meanwhile with no
 * cause) — and one mapping of failures to RtErrors (a refused token that nothing can renew expires
 * the session). A request unanswered after {@link RestSource.timeoutMs} is abandoned (detail
 * `timeout`). Never throws.
 */
import type { CountResult, SnapshotQuery, SnapshotResult } from './client-types.js';
import type { MonitoredTable, RtError } from './types.js';
import type { RestLike } from './supabase-like.js';
import type { WriteReadRequest } from './live-hub.js';
import type { Session } from './session.js';
import { fromRestError, isRtError, messageOf, rtError } from './errors.js';
import { SLOW_SOURCE_MS, TOKEN_TIMEOUT_MS } from './tokens.js';
import { policyRefusal, policyRefused, watchPolicy } from './csp.js';
import { checkKeys, isUuid, normalizeKey, unsafeKey } from './keys.js';
import { isNotJwt, NOT_A_JWT, tokenUserId } from './jwt.js';
import { withPlainJson } from './plain-json.js';
import type { SchemaMap } from './schema-map.js';
import type { BroadcastSource } from './broadcast-topics.js';
import { PINNED_LIMIT } from './feeds/feed.js';

/** What a PostgREST builder resolves to (supabase-js / postgrest-js). */
interface RestResponse {
  data?: unknown;
  count?: number | null;
  error: unknown;
  status?: number;
}

/**
 * An `in.(…)` list with every value quoted and `"` / `\` escaped (PostgREST's grammar): postgrest-js
 * quotes only values holding `,()`, so a text key with a `"` broke the list (QA24: a revalidation
 * request lost every key after it, and their rows left a Live list).
 */
const inList = (values: Iterable<string>): string => `(${[...values].map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')})`;

/**
 * Readies one request (a postgrest-js builder, also a host's): no retries of postgrest-js's own
 * (versions without `retry()` have none), and abandoned after `timeoutMs`.
 */
function configured(request: PromiseLike<unknown>, timeoutMs: number): PromiseLike<unknown> {
  const q = request as PromiseLike<unknown> & { retry?(enabled: boolean): unknown; abortSignal?(signal: AbortSignal): unknown };
  q.retry?.(false);
  if (timeoutMs > 0) q.abortSignal?.(AbortSignal.timeout(timeoutMs));
  return q;
}

/** During a REST outage, a query it refused is read again after this long without a request (ms; RestSource.outage). */
export const OUTAGE_PROBE_MS = 5000;

/**
 * Whether a request's failure is the REST API's as a whole (RestSource.outage): unreachable (not a
 * page policy's refusal of an address), abandoned after its timeout, or 429 / 502 / 503 / 504.
 */
const outageFailure = (error: RtError, status = 0): boolean =>
  (error.code === 'network' && error.detail !== 'csp-blocked') || error.detail === 'busy' || error.detail === 'timeout' || [502, 503, 504].includes(status);

/** How long a read that failed like an unreachable server waits for the page's policy report (ms). */
const POLICY_REPORT_WAIT_MS = 500;

export class RestSource {
  /**
   * A request unanswered after this long (ms) is abandoned, a `server` error with detail `timeout`
   * (0: never); doubled after each abandoned one in a row (up to 4×), so a slow but working server
   * is still read, and back to this after any answer.
   */
  static timeoutMs = 30_000;
  /** Requests abandoned in a row (the next one waits longer). */
  #timeouts = 0;

  /**
   * The project's API key and address as REST last judged them: the rejection (a wrong or rotated
   * key, 401 to an anonymous request; a URL where nothing answers as PostgREST, detail
   * `wrong-url`, or a web page answers, detail `html`) until a request succeeds again; null otherwise. The connection's cause when the
   * socket cannot open either (the socket's 1006 says nothing of why: a wrong path read as "a
   * proxy or firewall").
   */
  projectError: RtError | null = null;

  /**
   * The REST API as a whole cannot answer now: the last request failed for the server's sake, not
   * the query's (unreachable, not by the page's policy, which refuses an address; abandoned after
   * its timeout; 429, 502, 503 or 504), until a request
   * succeeds; null otherwise. With the socket open no widget can read meanwhile, so the connection
   * names it (QA84 F2: a green "Connected" beside every widget reading "Not live (503)").
   */
  outage: RtError | null = null;

  /**
   * @param projectChanged called when `projectError` or `outage` changes
   * @param readAgain during an outage, every {@link OUTAGE_PROBE_MS} without a request, `false`:
   *   read one query it refused again (a probe: the queries' own back-off reaches 30 s); at its end
   *   (a request succeeded), `true`: read every query it refused again now. Returns whether one was.
   */
  constructor(
    private readonly rest: RestLike,
    private readonly session: Session,
    private readonly schema: SchemaMap,
    private readonly projectChanged: () => void = () => {},
    private readonly readAgain: (all: boolean) => boolean = () => false,
  ) {
    watchPolicy();
  }

  #probe: ReturnType<typeof setTimeout> | undefined;
  readonly #outageErrors = new WeakSet<RtError>();

  /**
   * Whether `error` is a request's failure that made (or kept) an {@link outage}, or a read held
   * back for the `Retry-After` such a failure asked for (detail `busy`, made by the reader with no
   * request: QA87 F1, the indicator read "Connected" beside it): a query holding it reads again at
   * its end.
   */
  byOutage(error: RtError | null): boolean {
    return !!error && (this.#outageErrors.has(error) || error.detail === 'busy');
  }

  #noteOutage(error: RtError | null): void {
    if (error) this.#outageErrors.add(error);
    if (error === this.outage) return;
    const over = !error && !!this.outage;
    this.outage = error;
    this.projectChanged();
    clearTimeout(this.#probe);
    // After this task: the query whose read just succeeded takes its rows first (re-read now, it would drop them).
    if (over) setTimeout(() => this.readAgain(true));
    if (error) {
      const probe = () => (this.#probe = setTimeout(() => this.outage && this.readAgain(false) && probe(), OUTAGE_PROBE_MS));
      probe();
    }
  }

  #noteProject(error: RtError | null): void {
    if (error === this.projectError) return;
    this.projectError = error;
    this.projectChanged();
  }

  /** The REST address (postgrest-js `url`; a host's SupabaseClient: its `supabaseUrl`). */
  get #url(): string | undefined {
    const r = this.rest as RestLike & { supabaseUrl?: unknown };
    // A host's SupabaseClient knows its project's address; its REST requests go below /rest/v1.
    return r.url ?? (typeof r.supabaseUrl === 'string' ? `${r.supabaseUrl.replace(/\/+$/, '')}/rest/v1` : undefined);
  }

  /** Epoch ms before which the server asked not to be asked again (`Retry-After`; rt-monitor's own client only), 0 when not. */
  retryAt(): number {
    return this.rest.retryAt?.() ?? 0;
  }

  #checkedAt = -Infinity;

  /**
   * A read of no rows, to judge the project's key and address ({@link projectError}): the socket
   * keeps failing to open and no widget may read over REST (a signed-out page, status widgets only),
   * so nothing else tells a rejected key or a URL where no Supabase answers from a blocked socket
   * (QA83 F7: "Retrying" for good beside a key the server rejects). At most every 30 s.
   */
  checkProject(): void {
    const now = performance.now();
    if (this.projectError || now - this.#checkedAt < 30_000) return;
    this.#checkedAt = now;
    void this.#send(() => this.rest.from(this.schema.table('streams')).select('*').limit(0));
  }

  /** Why these equality filters cannot be sent to `table` (checked before any request), or null. */
  check(table: string, eq: ReadonlyArray<readonly [string, string]>): RtError | null {
    // An id no request could carry is refused before any request, with the column in the message.
    const problem = checkKeys(eq) ?? this.schema.checkIds(table, eq);
    if (!problem) return null;
    const sub = tokenUserId(this.session.tokens.current);
    return sub && !isUuid(sub) && eq.some(([, value]) => value === sub) ? subNotUuid(sub) : problem;
  }

  async select<R>(query: SnapshotQuery): Promise<SnapshotResult<R>> {
    const problem = this.check(query.table, query.eq);
    if (problem) return { rows: null, error: problem };
    const { schema } = this;
    const table = query.table;
    const read = (pinned?: SnapshotQuery['pinned']) =>
      this.#send(() => {
        // Mapped columns are named in the select list: the server then says when one does not exist.
        let q = this.rest.from(schema.table(table)).select(schema.select(table));
        for (const [column, value] of schema.eq(table, query.eq)) q = q.eq(column, value);
        if (query.ids) q = q.filter(schema.column(table, 'id'), 'in', inList(query.ids));
        if (pinned) q = q.filter(schema.column(table, pinned.column), 'in', inList(pinned.values));
        if (query.since !== undefined && query.order) q = q.gte(schema.column(table, query.order.column), query.since);
        // Ties in the order column (rows inserted by one statement share `created_at`) are broken by
        // the key, as the store orders them: otherwise the database picks which tied rows fill a
        // bounded list, and may pick others on the next read.
        if (query.order) {
          const { column, ascending } = query.order;
          q = q.order(schema.column(table, column), { ascending });
          if (column !== 'id') q = q.order(schema.column(table, 'id'), { ascending });
        }
        if (query.single) q = q.limit(1);
        // Work under way is not bounded by the list's limit (feeds/feed.ts, PINNED_LIMIT).
        else if (query.limit !== undefined) q = q.limit(pinned ? PINNED_LIMIT : query.limit);
        return q;
      });
    // A full bounded list also reads its pinned rows (work under way), wherever they are in the
    // order; a list shorter than its limit already holds them all.
    const first = await read();
    const pinned = !query.single && !query.ids && query.limit !== undefined ? query.pinned : undefined;
    const full = pinned && !('failed' in first) && Array.isArray(first.data) && first.data.length >= query.limit!;
    const replies = full ? [first, await read(pinned)] : [first];
    const all: R[] = [];
    const seen = new Set<unknown>();
    const id = schema.column(table, 'id');
    for (const res of replies) {
      if ('failed' in res) return { rows: null, error: schema.explain(table, res.failed) };
      const rows = rowsOf(res, id);
      if (!Array.isArray(rows)) return { rows: null, error: rows };
      for (const r of rows) {
        const key = (r as Record<string, unknown>)[id];
        if (!seen.has(key)) all.push(schema.row(table, r as R));
        seen.add(key);
      }
    }
    return { rows: all, error: null };
  }

  /**
   * `GET /rest/v1/<table>?<eq…>&limit=0` with `Prefer: count=exact`: no rows, the total in
   * `Content-Range`. Not `HEAD`: a refusal then has a body, so a wrong project key ("Invalid API
   * key") is told from a refused user token.
   */
  async count(table: MonitoredTable, eq: ReadonlyArray<readonly [string, string]>): Promise<CountResult> {
    const problem = this.check(table, eq.filter(([column]) => column === 'id' || column.endsWith('_id')));
    if (problem) return { count: null, error: problem };
    const { schema } = this;
    const res = await this.#send(() => {
      let q = this.rest.from(schema.table(table)).select('*', { count: 'exact' });
      for (const [column, value] of schema.eq(table, eq)) q = q.eq(column, value);
      return q.limit(0);
    });
    if ('failed' in res) return { count: null, error: schema.explain(table, res.failed) };
    if (typeof res.count !== 'number') return { count: null, error: rtError('server', 'The server sent no count (Content-Range).') };
    return { count: res.count, error: null };
  }

  /** `read = true` on one row, or on every unread row of a user. */
  async markRead(request: WriteReadRequest): Promise<RtError | null> {
    const key = normalizeKey(request.id ?? request.userId);
    if (key === null) return rtError('bad-config', request.id !== undefined ? 'No id given.' : 'No user id given.');
    const { schema } = this;
    const table = request.table;
    const problem = this.check(table, [[request.id !== undefined ? 'id' : 'user_id', key]]);
    if (problem) return problem;
    const read = schema.column(table, 'read');
    const res = await this.#send(() => {
      let q = this.rest.from(schema.table(table)).update({ [read]: true });
      if (request.id !== undefined) q = q.eq(schema.column(table, 'id'), key);
      else {
        q = q.eq(schema.column(table, 'user_id'), key).eq(read, false);
        if (request.before !== undefined) q = q.lte(schema.column(table, 'created_at'), request.before);
      }
      return q;
    });
    return 'failed' in res ? schema.explain(table, res.failed) : null;
  }

  /**
   * The user's first organisation (`org_members`, oldest membership first, then by org id), null when they have
   * none, or why it could not be read (an expired session, the network: not "no organisation").
   */
  async firstOrg(userId: string): Promise<string | null | RtError> {
    const { schema } = this;
    const col = (c: string) => schema.column('org_members', c);
    const res = await this.#send(() =>
      this.rest.from(schema.table('org_members')).select(col('org_id')).eq(col('user_id'), userId).order(col('created_at'), { ascending: true }).order(col('org_id'), { ascending: true }).limit(1),
    );
    if ('failed' in res) return schema.explain('org_members', res.failed);
    const rows = rowsOf(res);
    return Array.isArray(rows) ? normalizeKey(rows[0]?.[col('org_id')]) : rows;
  }

  /** The org of stream `id` (`streams.org_id`, under your names when mapped), null when the user cannot read it, or the error. */
  async streamOrg(id: string): Promise<string | null | RtError> {
    const { schema } = this;
    const col = (c: string) => schema.column('streams', c);
    const res = await this.#send(() => this.rest.from(schema.table('streams')).select(col('org_id')).eq(col('id'), id).limit(1));
    if ('failed' in res) return schema.explain('streams', res.failed);
    const rows = rowsOf(res);
    return Array.isArray(rows) ? normalizeKey(rows[0]?.[col('org_id')]) : rows;
  }

  /**
   * Whether the row `id` of `table` comes back for this user (Row Level Security), or null when the
   * read failed. An org (`orgs`) with the signed-in `user` given: whether they are its member
   * (`org_members`, which your schema map may rename; your schema need have no `orgs` table).
   */
  async rowVisible(table: string, id: string, user?: string | null): Promise<boolean | null> {
    const { schema } = this;
    const [t, eq] = table === 'orgs' && user ? ['org_members', [['org_id', id], ['user_id', user]] as const] : [table, [['id', id]] as const];
    const own = schema.eq(t, eq);
    const res = await this.#send(() => own.reduce((q, [c, v]) => q.eq(c, v), this.rest.from(schema.table(t)).select(own[0]![0])).limit(1));
    const rows = 'failed' in res ? null : rowsOf(res, own[0]![0]);
    return Array.isArray(rows) ? rows.length > 0 : null;
  }

  /**
   * Broadcast mode: the tables whose changes are broadcast (`public.rt_broadcast_sources`, from
   * supabase/migrations/*_rt_monitor_broadcast.sql: each table with an enabled `rt_broadcast_change`
   * trigger the user may read, whose topic column exists), by table name, with the topic (`org` / `user`) and the column
   * holding its id (null: the stream's org). Without that view: a `bad-config` error naming the
   * migration.
   */
  async broadcastSources(): Promise<Map<string, BroadcastSource> | RtError> {
    const res = await this.#send(() => this.rest.from('rt_broadcast_sources').select('table_name,topic,topic_column'));
    if ('failed' in res) {
      const { failed } = res;
      return failed.code === 'bad-config' && failed.detail !== 'wrong-url'
        ? rtError('bad-config', `Broadcast mode needs supabase/migrations/*_rt_monitor_broadcast.sql applied (${failed.message}).`, 'broadcast-source')
        : failed;
    }
    const rows = rowsOf(res);
    if (!Array.isArray(rows)) return rows;
    const sources = new Map<string, BroadcastSource>();
    for (const r of rows) {
      if (typeof r.table_name === 'string' && (r.topic === 'org' || r.topic === 'user'))
        sources.set(r.table_name, { topic: r.topic, column: typeof r.topic_column === 'string' && r.topic_column ? r.topic_column : null });
    }
    return sources;
  }

  /**
   * Broadcast mode: whether the user may read `topic` now (`rt_can_read_topic`, the function of
   * the topics' policy on `realtime.messages`), or null when that could not be read.
   */
  async canReadTopic(topic: string): Promise<boolean | null> {
    const { rest } = this;
    if (!rest.rpc) return null;
    const res = await this.#send(() => rest.rpc!('rt_can_read_topic', { p_topic: topic }));
    const data = 'failed' in res ? null : res.data;
    return typeof data === 'boolean' ? data : null;
  }

  /** Every org the user is a member of (`org_members`, under your names when mapped), or the error. */
  async orgsOf(userId: string): Promise<string[] | RtError> {
    const { schema } = this;
    const col = (c: string) => schema.column('org_members', c);
    const res = await this.#send(() => this.rest.from(schema.table('org_members')).select(col('org_id')).eq(col('user_id'), userId));
    if ('failed' in res) return schema.explain('org_members', res.failed);
    const rows = rowsOf(res);
    if (!Array.isArray(rows)) return rows;
    return rows.map((r) => normalizeKey(r[col('org_id')])).filter((id): id is string => id !== null);
  }

  /** Run a request; once more with a fresh token when it was refused for its token and the session can renew. */
  async #send(build: () => PromiseLike<unknown>): Promise<RestResponse | { failed: RtError }> {
    // postgrest-js writes filters and bodies with JSON.stringify while it builds and starts the
    // request (synchronously, inside `then`): a page's own prototype `toJSON` must not reach them.
    const timeoutMs = (this.constructor as typeof RestSource).timeoutMs * 2 ** Math.min(this.#timeouts, 2);
    const run = () =>
      this.#unsent(
        new Promise<RestResponse>((resolve, reject) =>
          withPlainJson(() => {
            const request = build();
            address = (request as { url?: URL }).url?.href ?? this.#url;
            // An address the page's policy refused stays refused for the document's life: not
            // sent again, each a console error and a violation report (QA58 F7: for good).
            const refused = policyRefused(address) && policyRefusal(address);
            if (refused) return reject(refused);
            configured(request, timeoutMs).then(resolve as (v: unknown) => void, reject);
          }),
        ),
      );
    const { tokens } = this.session;
    /** The address of the request last built (its query aside): what the page's policy would have refused. */
    let address = this.#url;
    try {
      let sentWith = tokens.current;
      let res = await run();
      // Refused for its token: once more with a fresh one, asked for or handed over meanwhile (a
      // read sent with the expired token and answered after the page renewed it must not expire
      // the renewed session again).
      const renewed = tokens.current !== sentWith;
      let same = false;
      if (res.error && (res.status === 401 || res.status === 403) && (renewed || tokens.refreshable)) {
        let stillAnonymous = false;
        if (!renewed) {
          const fresh = await tokens.get(true);
          same = fresh === sentWith;
          // Sent without a user (a host client signed out sends its API key) and still none to
          // send: the same request again would be refused the same way (QA55: every read twice).
          stillAnonymous = fresh === null && !tokenUserId(sentWith);
        }
        // The source answered with the token just refused: not sent again (QA37: a loop of asks).
        if (!same && !stillAnonymous) {
          sentWith = tokens.current;
          res = await run();
        }
      }
      // postgrest-js answers an aborted fetch as status 0, "TimeoutError: …" (not a network failure).
      const timedOut = !res.status && /TimeoutError/.test(messageOf(res.error));
      this.#timeouts = timedOut ? this.#timeouts + 1 : 0;
      if (!res.error) {
        if (this.projectError) this.#noteProject(null);
        this.#noteOutage(null);
        return res;
      }
      const failed = timedOut
        ? rtError('server', `The server did not answer within ${timeoutMs / 1000} s.`, 'timeout')
        : await this.#errorOf(res.error, res.status, same, sentWith);
      // A 401 read as a configuration error is the API key itself, a 404 of no PostgREST or a web
      // page the URL (src/core/errors.ts, fromRestError).
      if ((failed.code === 'bad-config' && res.status === 401) || failed.detail === 'wrong-url' || failed.detail === 'html') this.#noteProject(failed);
      const retryAt = this.retryAt();
      if (failed.code === 'server' && retryAt > Date.now()) failed.retryAt = retryAt;
      const told = (failed.code === 'network' && (await this.#refusedBy(address))) || failed;
      if (outageFailure(told, res.status)) this.#noteOutage(told);
      return { failed: told };
    } catch (err) {
      const failed = isRtError(err) ? err : ((await this.#refusedBy(address)) ?? rtError('network', `Cannot reach the server: ${messageOf(err)}`));
      if (outageFailure(failed)) this.#noteOutage(failed);
      return { failed };
    }
  }

  /**
   * For a request that failed like an unreachable server: the page policy's refusal of its own
   * address, not of another path of the project (QA59 F2: under a policy that allows only some
   * tables, an outage of an allowed one read as the policy). The page's report may come after the
   * failure (Chromium: a task later; Firefox: later still): waited for up to
   * {@link POLICY_REPORT_WAIT_MS}, so the first error already names the policy (QA59 F3: "Cannot
   * reach the server" first, the policy a moment later).
   */
  async #refusedBy(address: string | undefined): Promise<RtError | null> {
    if (!policyRefusal(address)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          stop();
          resolve();
        };
        const timer = setTimeout(done, POLICY_REPORT_WAIT_MS);
        const stop = watchPolicy(() => policyRefusal(address) && done());
      });
    }
    return policyRefusal(address);
  }

  /**
   * A host client's token callback (supabase-js's `accessToken`) that fails holds or ends its
   * request before it is sent, and the request's own error says nothing of why:
   * - one that throws (Auth0's `login_required`) ends it as status 0 with the thrown message, read
   *   as "cannot reach the server" (QA31);
   * - one that never answers holds it, with nothing for the time limit to abort (QA32: stream
   *   widgets on "Loading…" for as long as it hung), until {@link TOKEN_TIMEOUT_MS} has passed.
   * Either way rt-monitor asks the callback itself: its failure (a throw, or no answer within that
   * limit) rejects the request with that cause. Otherwise the request goes on as it was. A callback
   * already known to fail (`TokenSource.failure`) has {@link SLOW_SOURCE_MS} to answer the
   * request's call before its known failure is the cause.
   */
  #unsent(request: Promise<RestResponse>): Promise<RestResponse> {
    const { tokens } = this.session;
    if (!tokens.viaHostCallback) return request;
    const askCallback = () => tokens.get(true).then(() => {
      if (tokens.failure) throw tokens.failure;
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A callback already known to fail (it hung or threw when last asked) is given a moment, not
    // the whole limit again (QA33: widgets re-read after the hang was found sat on "Loading…" for
    // another 10 s); its known failure is the cause, and the read is retried on its back-off.
    const held = new Promise<never>((_, reject) => {
      const ask = () => void askCallback().catch(reject);
      if (!tokens.failure) timer = setTimeout(ask, TOKEN_TIMEOUT_MS);
      // Answered meanwhile: the rest of the limit, as for any request.
      else timer = setTimeout(() => (tokens.failure ? reject(tokens.failure) : (timer = setTimeout(ask, TOKEN_TIMEOUT_MS - SLOW_SOURCE_MS))), SLOW_SOURCE_MS);
    });
    // postgrest-js answers an aborted fetch as status 0 too, "TimeoutError: …": that one was sent.
    const ended = request.then(async (res) => {
      if (res.error && !res.status && !/TimeoutError/.test(messageOf(res.error))) await askCallback();
      return res;
    });
    return Promise.race([ended, held]).finally(() => clearTimeout(timer));
  }

  /** A PostgREST error as an RtError; a refused token that nothing can renew expires (or fails) the session. */
  async #errorOf(error: unknown, status: number | undefined, same = false, sentWith?: string | null): Promise<RtError> {
    const { tokens } = this.session;
    const token = await tokens.get();
    // Refused, and no wonder: what the page gave as the user's token is no JWT at all.
    if ((status === 401 || status === 403) && isNotJwt(token)) return rtError('bad-config', NOT_A_JWT);
    const e = fromRestError(error as never, status, !token);
    // Refused, and nothing can renew it: a fixed token, an expired one, or the source's answer the same token again.
    if (e.code === 'unauthorized' && (!tokens.refreshable || tokens.expired || same)) return this.session.refused(e.message, sentWith);
    // Refused as anonymous although this client had a signed-in user (or sent as anonymous: a
    // host client whose expired session could not be refreshed sends the anon key): the session ended.
    if ((!token || tokens.expired) && tokens.hadUserToken && (e.code === 'forbidden' || e.code === 'bad-config')) {
      return this.session.expire(tokens.failure?.message ?? 'no access token could be obtained any more');
    }
    // A uuid compared with the token's user id that is none (Clerk's `user_…`): the policies' doing,
    // not the widget's id (QA86 L1: read as a wrong stream-id).
    const sub = tokenUserId(token);
    if (e.detail === '22P02' && sub && !isUuid(sub) && e.message.includes(sub)) return subNotUuid(sub, e);
    // Refused as anonymous because the token source failed: that is the cause, not "not signed in".
    return !token && e.detail === 'not-signed-in' && tokens.failure ? tokens.failure : e;
  }
}

/**
 * A uuid compared with the token's user id, which is none (third-party auth: Clerk's `user_…`): the
 * schema's and policies' doing, not a wrong widget id (QA86 L1: read as a bad stream-id).
 */
const subNotUuid = (sub: string, cause?: RtError): RtError =>
  rtError('bad-config', `The access token's user id ("${sub}") is no UUID, yet is compared with uuid columns${cause ? ` (${cause.message})` : ''}: make user_id columns text, compared with auth.jwt() ->> 'sub'.`, 'sub-not-uuid');

/**
 * The rows of a successful reply, or why it is not a list of rows (a `server` error): a proxy, a
 * captive portal or a misrouted URL can answer 200 with an empty body, an object or anything else,
 * and taking that as "no rows" would show a false empty state (or "not found") as Live. With `key`,
 * every row must hold that column (the primary key rt-monitor merges by).
 */
function rowsOf(res: RestResponse, key?: string): Array<Record<string, unknown>> | RtError {
  const { data } = res;
  const rounded = key === undefined || !Array.isArray(data) ? undefined : data.find((r) => unsafeKey(r?.[key]));
  if (rounded) return rtError('bad-config', `A key beyond 2^53 (${rounded[key!]}) reached this page rounded (a JSON number): rows could not be told apart. This browser lacks JSON.parse source text access, or the page's own client read it; use text or uuid keys.`);
  const bad = !Array.isArray(data)
    ? -1
    : data.findIndex((r) => !r || typeof r !== 'object' || Array.isArray(r) || (key !== undefined && normalizeKey((r as Record<string, unknown>)[key]) === null));
  if (bad < 0 && Array.isArray(data)) return data;
  const got = bad >= 0 ? `item ${bad + 1}` : data == null || data === '' ? 'an empty body' : typeof data;
  return rtError('server', `The server's reply (${res.status ?? 200}) is not a list of rows${key ? ` with "${key}"` : ''}: ${got}.`);
}
