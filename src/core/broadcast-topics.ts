/**
 * Broadcast from Database mode (`realtimeMode: 'broadcast'`): which private topics carry a feed,
 * and how a `realtime.broadcast_changes` message becomes the change a live query folds in.
 *
 * Topics are those of supabase/migrations/*_rt_monitor_broadcast.sql, scoped as RLS scopes rows:
 *
 * | table                                          | topic            |
 * |------------------------------------------------|------------------|
 * | streams, agent_executions                      | `org:<org_id>`   |
 * | acquisition_scans, signal_alerts, notifications | `user:<user_id>` |
 *
 * Your own tables (and the five under your names) broadcast through the same trigger, given its
 * topic and column (`rt_broadcast_change('org', 'team_id')`); the view `rt_broadcast_sources`
 * names every table that broadcasts, and a feed on any other table is refused (`bad-config`,
 * detail `broadcast-source`): nothing would ever arrive on its topic, and "Live" would be a lie.
 *
 * A feed whose filter names the topic's key (`org_id=eq.<o>`, `user_id=eq.<u>`, or your table's
 * topic column) joins that one topic. One stream (by `id`) and its executions (by `stream_id`) join the topic of the stream's
 * org, read when the subscription starts (a membership added after the page loaded counts), and
 * follow the stream to another org (src/core/topic-subscription.ts). A
 * feed filtered by something else joins the topics the signed-in user can read for that table:
 * the org topics of the user's memberships (`org_members`, read again when older than
 * {@link ORGS_FRESH_MS}), or the user's own topic. Every
 * feed on one topic shares one private channel; changes are routed on the client by table and
 * filter.
 *
 * Framework-free: no Lit, no DOM.
 */
import type { ChannelSpec, RowChange } from './client-types.js';
import type { MonitoredTable, RtError } from './types.js';
import { isRtError, messageOf, rtError } from './errors.js';
import { isUuid, sameKey, unsafeKey, uuidCase } from './keys.js';
import { parseServerTime } from './server-clock.js';

/** `postgres_changes` (default: per-subscriber RLS on every change) or `broadcast` (RLS once at join). */
export type RealtimeMode = 'postgres_changes' | 'broadcast';

export const DEFAULT_REALTIME_MODE: RealtimeMode = 'postgres_changes';

/**
 * Reads a mode from an attribute / option value. Accepts `broadcast` and `postgres_changes`
 * (also `postgres-changes`); nothing is the default, `postgres_changes`; anything else is the
 * default too, with one console warning per value (a typo must not pass unnoticed).
 */
export function parseRealtimeMode(value: unknown): RealtimeMode {
  const v = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (v === 'broadcast') return v;
  if (v && v !== 'postgres_changes' && v !== 'postgres-changes' && !warned.has(v)) {
    warned.add(v);
    console.warn(`rt-monitor: realtime mode "${String(value)}" is neither "postgres_changes" nor "broadcast"; using postgres_changes.`);
  }
  return DEFAULT_REALTIME_MODE;
}
const warned = new Set<string>();

/**
 * A join refused on a private topic, said with its likely cause (QA61 F4). The shipped
 * `rt_can_read_topic` grants an `org:` topic only when its id is a UUID, so a table of your own
 * whose org ids are text or integers (`rt_broadcast_change('org', 'team_id')`) is refused to
 * every user, whatever its rows' RLS lets them read: that is the setup, not the user's access.
 * Any other refusal is returned as it is.
 */
export function topicRefusal(topic: string, refusal: RtError): RtError {
  if (refusal.code !== 'forbidden' || !topic.startsWith('org:') || isUuid(topic.slice(4))) return refusal;
  return rtError(
    'bad-config',
    `Realtime refused the topic "${topic}": its org id is not a UUID, and the shipped rt_can_read_topic grants only org:<uuid> topics. For org ids of another type, replace that function (docs/core.md, "Realtime modes"); if you have replaced it, it refused this user (${refusal.message}).`,
    'broadcast-topic',
  );
}

/** What topic resolution needs from the client. */
export interface TopicContext {
  /** The signed-in user's id (the token's `sub`), or null. */
  userId(): Promise<string | null>;
  /** The orgs the signed-in user is a member of (`org_members`), or an error. */
  orgIds(): Promise<string[] | RtError>;
  /**
   * The org of stream `id` (`streams.org_id`), null when the user cannot read it, or an error;
   * `fresh`: read now, not a read shared within {@link ORGS_FRESH_MS}.
   */
  streamOrg?(id: string, fresh?: boolean): Promise<string | null | RtError>;
  /**
   * The tables that broadcast their changes (`rt_broadcast_sources`), or an error; `fresh`: read
   * now, not a read shared within {@link ORGS_FRESH_MS}. Without it: the five tables, as the
   * migration sets them up.
   */
  sources?(fresh?: boolean): Promise<ReadonlyMap<string, BroadcastSource> | RtError>;
  /** The last {@link sources} read that succeeded, or null before one. */
  knownSources?(): ReadonlyMap<string, BroadcastSource> | null;
  /** Why `table` (its name on the server) is refused on this page whatever it broadcasts (src/core/topic-audit.ts), or undefined. */
  refusal?(table: string): RtError | undefined;
}

/** How a table's changes are broadcast (a row of the view `rt_broadcast_sources`). */
export interface BroadcastSource {
  /** `org` (topic `org:<id>`) or `user` (topic `user:<id>`). */
  topic: 'org' | 'user';
  /** The column holding the topic's id; null when it comes from elsewhere (agent executions: their stream's org). */
  column: string | null;
}

/** How long (ms) a read of the user's memberships names the topics of new subscriptions. */
export const ORGS_FRESH_MS = 10_000;

const ORG_TABLES = new Set<MonitoredTable>(['streams', 'agent_executions']);
const EQ = /^([A-Za-z_][A-Za-z0-9_]*)=eq\.(.+)$/;

/**
 * The stream whose org names the topic of `spec` (one stream by `id`, its executions by
 * `stream_id`; `source`: how its table broadcasts, when read: on `org:` topics, not by that
 * column), or null: such a topic follows the stream, which can move to another org.
 */
export function streamOf(spec: Pick<ChannelSpec, 'table' | 'filter'>, source?: BroadcastSource): string | null {
  const m = spec.filter ? EQ.exec(spec.filter) : null;
  const column = spec.table === 'streams' ? 'id' : 'stream_id';
  return m && ORG_TABLES.has(spec.table) && m[1] === column && (!source || (source.topic === 'org' && source.column !== column)) ? m[2]! : null;
}

const notSignedIn = () => rtError('forbidden', 'Not signed in: broadcast mode reads private topics, which need a signed-in user.', 'not-signed-in');

/** The topics (without `realtime:`) a subscription listens on, or why it cannot. */
export async function topicsFor(spec: Pick<ChannelSpec, 'table' | 'filter'>, ctx: TopicContext): Promise<string[] | RtError> {
  const refused = ctx.refusal?.(spec.table);
  if (refused) return refused;
  // Every private topic needs a signed-in user: that is the cause, before what the anonymous role
  // cannot read (QA70 F4: "no enabled trigger" on a page without a token).
  if (!(await ctx.userId())) return notSignedIn();
  const m = spec.filter ? EQ.exec(spec.filter) : null;
  const sources = ctx.sources ? await ctx.sources() : null;
  if (isRtError(sources)) return sources;
  const orgTable = ORG_TABLES.has(spec.table);
  const source: BroadcastSource | undefined = sources
    ? sources.get(spec.table)
    : { topic: orgTable ? 'org' : 'user', column: spec.table === 'agent_executions' ? null : orgTable ? 'org_id' : 'user_id' };
  if (!source) {
    const some = [...sources!.keys()].sort().join(', ') || 'none';
    return rtError('bad-config', `Broadcast mode: "${spec.table}" has no enabled rt_broadcast_change trigger (or you may not read it), so nothing sends its changes (tables that do: ${some}).`, 'broadcast-source');
  }
  if (m && source.column && m[1] === source.column) return [`${source.topic}:${uuidCase(m[2]!)}`];
  if (source.topic === 'org') {
    const stream = streamOf(spec, source);
    if (stream && ctx.streamOrg) {
      const org = await ctx.streamOrg(stream);
      if (org !== null) return typeof org === 'string' ? [`org:${org}`] : org;
      // Not visible to the user (the snapshot says so): the memberships' topics, as before.
    }
    const orgs = await ctx.orgIds();
    if (!Array.isArray(orgs)) return orgs;
    return orgs.map((o) => `org:${o}`);
  }
  const me = await ctx.userId();
  return me ? [`user:${me}`] : notSignedIn();
}

/** A broadcast message as realtime-js hands it over: `{type, event, payload, meta}`. */
export interface BroadcastMessage {
  event?: string;
  payload?: {
    schema?: string;
    table?: string;
    operation?: string;
    type?: string;
    record?: Record<string, unknown> | null;
    old_record?: Record<string, unknown> | null;
    /** When the trigger sent it (supabase/migrations, rt_broadcast_send): an ISO timestamp. */
    sent_at?: string;
  } | null;
}

/** broadcast_changes' `{schema, table, operation, record, old_record}` (and `sent_at`) as a {@link RowChange}, or null. */
export function changeOfMessage(msg: BroadcastMessage | null | undefined): { table: string; change: RowChange<any> } | null {
  const p = msg?.payload;
  if (!p || typeof p !== 'object' || typeof p.table !== 'string') return null;
  if (p.schema !== undefined && p.schema !== 'public') return null;
  const type = String(p.operation ?? p.type ?? msg?.event ?? '').toUpperCase();
  if (type !== 'INSERT' && type !== 'UPDATE' && type !== 'DELETE') return null;
  const record = p.record && typeof p.record === 'object' ? p.record : null;
  const old = p.old_record && typeof p.old_record === 'object' ? p.old_record : null;
  if (type !== 'DELETE' && !record) return null;
  if (type === 'DELETE' && !old) return null;
  const sentAt = parseServerTime(p.sent_at);
  return {
    table: p.table,
    change: { type, new: type === 'DELETE' ? null : record, old: type === 'INSERT' ? null : old, ...(sentAt === null ? {} : { sentAt }) },
  };
}

/**
 * Whether a change concerns a subscription (same table; its `col=eq.value` filter matches the row
 * before or after the change). Without a filter, every change of the table does.
 */
export function changeMatches(spec: Pick<ChannelSpec, 'table' | 'filter'>, table: string, change: RowChange<any>): boolean {
  if (spec.table !== table) return false;
  if (!spec.filter) return true;
  const m = EQ.exec(spec.filter);
  if (!m) return false;
  const [, column, value] = m;
  // A bigint beyond 2^53 read rounded may be the value asked for: delivered (the store reads it again).
  const has = (row: Record<string, unknown> | null | undefined) => !!row && row[column] !== undefined && row[column] !== null && (sameKey(row[column], value) || unsafeKey(row[column]));
  return has(change.new as Record<string, unknown> | null) || has(change.old as Record<string, unknown> | null);
}

/**
 * `read(key)`, shared by the callers within {@link ORGS_FRESH_MS} of one read (a page's widgets
 * at start-up: a stream widget and its executions widget ask for the same stream's org). A failed
 * read is not kept; `fresh` reads now (and shares that read).
 */
function freshReads<T>(read: (key: string) => Promise<T | RtError>, what: string): (key: string, fresh?: boolean) => Promise<T | RtError> {
  const cache = new Map<string, { at: number; value: Promise<T | RtError> }>();
  return (key, fresh) => {
    let cached = cache.get(key);
    // On the monotonic clock: the page's clock set back would keep a read fresh for as long as the jump.
    if (fresh || !cached || performance.now() - cached.at > ORGS_FRESH_MS) {
      const value = read(key).catch((err: unknown) => rtError('network', `Could not read ${what}: ${messageOf(err)}`));
      cache.set(key, (cached = { at: performance.now(), value }));
      void value.then((v) => {
        if (isRtError(v) && cache.get(key)?.value === value) cache.delete(key);
      });
    }
    return cached.value;
  };
}

/**
 * The topic context of a client: the user from its token, the user's orgs through `orgsOf` (the
 * client's REST source: `org_members` under your names, its retry policy; RLS: a user reads their
 * own memberships) and a stream's org through `streamOrg`, each shared by the subscriptions that
 * start within {@link ORGS_FRESH_MS} of one read.
 */
export function topicContext(
  orgsOf: (userId: string) => Promise<string[] | RtError>,
  userId: () => Promise<string | null>,
  streamOrg?: (id: string) => Promise<string | null | RtError>,
  sources?: () => Promise<ReadonlyMap<string, BroadcastSource> | RtError>,
  refusal?: (table: string) => RtError | undefined,
): TopicContext {
  const orgs = freshReads(orgsOf, "the user's orgs");
  let known: ReadonlyMap<string, BroadcastSource> | null = null;
  const broadcasting = sources && freshReads(async () => {
    const read = await sources();
    if (!isRtError(read)) known = read;
    return read;
  }, 'which tables broadcast');
  return {
    userId,
    streamOrg: streamOrg && freshReads(streamOrg, "the stream's org"),
    sources: broadcasting && ((fresh) => broadcasting('', fresh)),
    knownSources: () => known,
    refusal,
    async orgIds() {
      const me = await userId();
      return me ? orgs(me) : notSignedIn();
    },
  };
}
