/**
 * The parts of an {@link RtClient} (src/core/client.ts) and their wiring: the transport
 * (rt-monitor's own realtime-js and PostgREST clients, or the host's), the {@link SchemaMap}, and
 * on them {@link RestSource}, {@link Link} and {@link ChannelRegistry}, with the page watch. The
 * parts hear each other only through the hooks wired here, and tell the client through
 * `ClientHooks` (one direction: parts tell, the client listens). Also what the client's status and
 * last error are, derived from the parts. Framework-free.
 */
import type { ChannelSpec, ChangeListener, LiveSource } from './client-types.js';
import type { ConnectionStatus, RtError } from './types.js';
import { ChannelRegistry } from './channel-registry.js';
import { messageOf, rtError } from './errors.js';
import type { Session } from './session.js';
import { Link, linkStatus, type LinkEvents } from './link.js';
import { RestSource } from './rest-source.js';
import { SchemaMap } from './schema-map.js';
import type { RealtimeClientLike } from './supabase-like.js';
import { transport, watchPage, type RtClientOptions } from './transport.js';
import { topicContext } from './broadcast-topics.js';

/** What the parts tell the client, and ask of it. */
export interface ClientHooks {
  /** Something the connection's status or detail is derived from changed. */
  changed(): void;
  /** The socket failed to open again: the widgets read over REST meanwhile. */
  down(): void;
  /** Someone listens to the connection (then the link is kept without channels). */
  listened(): boolean;
  /** The signed-in user (Broadcast mode's topics are the user's orgs). */
  userId(): Promise<string | null>;
  /** Broadcast mode: why `table` (its name on the server) is refused on this page, or undefined (TopicContext.refusal). */
  refusal?(table: string): RtError | undefined;
  /** Whether the client was disposed (the page watch then keeps nothing awake). */
  disposed(): boolean;
  /** During a REST outage, read one query it refused again (`all` false: a probe) or, at its end, all of them; whether any was (RestSource.outage). */
  readAgain(all: boolean): boolean;
  /** A heartbeat was answered, or given up on, after `roundTrip` ms (LinkEvents.answered). */
  answered: NonNullable<LinkEvents['answered']>;
}

export interface ClientParts {
  realtime: RealtimeClientLike;
  rest: RestSource;
  link: Link;
  registry: ChannelRegistry;
  schema: SchemaMap;
  /** Undoes what building did outside the parts (the page's listeners, a host client's hooks). */
  release(): void;
}

/**
 * Builds the parts for `options`, or returns why they cannot be built: `not-configured` (no URL or
 * key, no host client) or `bad-config` (a malformed option, a schema map that names no table).
 */
export function buildParts(options: RtClientOptions, session: Session, hooks: ClientHooks): ClientParts | RtError {
  let built: ReturnType<typeof transport>;
  let schema: SchemaMap;
  try {
    built = transport(options, session);
  } catch (err) {
    return rtError((err as { code?: string }).code === 'not-configured' ? 'not-configured' : 'bad-config', messageOf(err));
  }
  try {
    schema = new SchemaMap({ tables: options.tables, columns: options.columns });
  } catch (err) {
    built.release?.();
    return rtError('bad-config', messageOf(err));
  }
  const { realtime } = built;
  session.attach(realtime);
  let registry: ChannelRegistry | undefined;
  let link: Link | undefined;
  let outage = false;
  const rest = new RestSource(built.rest, session, schema, () => {
    // REST answers again after an outage (a server restarted): a socket that is down tries now, not
    // at the end of its back-off (QA88b M3: up to 10 s after REST was back).
    if (outage && !rest.outage && link && !link.open && (link.state === 'waiting' || link.state === 'unreachable')) link.reopen();
    outage = !!rest.outage;
    link?.judged();
    hooks.changed();
  }, hooks.readAgain);
  link = new Link(realtime, {
    changed: hooks.changed,
    socketChanged: () => registry?.socketChanged(),
    healthChanged: () => registry?.healthChanged(),
    needed: () => !!registry?.size || hooks.listened(),
    tick: () => session.checkExpiry(),
    down: hooks.down,
    answered: hooks.answered,
    // A key REST rejects, a URL where no Supabase answers: no socket will open either (QA83 F7).
    // Not a web page there (detail `html`: a proxy's error page in an outage may be one), nor a
    // host page's socket (its retries are the host's).
    refused: options.client ? undefined : () => (rest.projectError?.detail === 'html' ? null : rest.projectError),
  });
  registry = new ChannelRegistry(realtime, {
    changed: hooks.changed,
    refreshToken: (reason) => session.refresh(reason),
    token: () => session.tokens.current,
    socketOpen: () => link.open,
    socketOpenedAt: () => link.openedAt,
    socketStatus: () => linkStatus(link.state, { any: true, ready: false, failed: false }),
    socketFailing: () => link.failing,
    socketFailed: (err) => link.failed(err),
    linkHealthy: () => link.healthy,
    authReady: () => session.ready(),
    sessionFailed: () => session.failed,
    renewable: () => session.tokens.refreshable,
    explain: (table, error) => {
      const standard = schema.standardOf(table);
      return standard ? schema.explain(standard, error) : error;
    },
  }, { mode: options.realtimeMode, topics: topicContext((user) => rest.orgsOf(user), hooks.userId, (id) => rest.streamOrg(id), () => rest.broadcastSources(), hooks.refusal) });
  const unwatch = watchPage(link, session, () => !hooks.disposed() && !!registry?.size);
  return {
    realtime, rest, link, registry, schema,
    release: () => {
      unwatch();
      built.release?.();
    },
  };
}

/**
 * Subscribes `listener` to the changes `spec` names (standard table and column names): under the
 * page's own names when a schema map is given, with rows handed back under the standard ones.
 */
export function subscribeMapped<R>({ registry, schema }: ClientParts, spec: ChannelSpec, listener: ChangeListener<R>, eq: [string, string] | null): () => void {
  if (schema.identity) return registry.subscribe(spec, listener);
  const table = spec.table;
  const own: ChannelSpec = { ...spec, table: schema.table(table) as typeof table, filter: eq ? `${schema.column(table, eq[0])}=eq.${eq[1]}` : spec.filter };
  return registry.subscribe<R>(own, {
    // Every member of the listener: its `problem()` is what the subscription list names (QA36).
    problem: () => listener.problem?.() ?? null,
    onState: (s) => listener.onState(s),
    // The change whole (its commit time too: review of b4756c8, 9), rows under the standard names.
    onChange: (c) => listener.onChange({ ...c, new: c.new && schema.row(table, c.new), old: c.old && schema.row(table, c.old) }),
  });
}

/**
 * The connection's status from the parts: the link's state machine (src/core/link.ts), told
 * whether any channel is held, all are ready, or one is refused by its configuration.
 */
export function partsStatus({ link, registry }: ClientParts): ConnectionStatus {
  link.sync();
  return linkStatus(link.state, { any: registry.size > 0 || link.wanted, ready: registry.allReady(), failed: !!registry.anyConfigError() });
}

/**
 * The last error the connection's detail names, most basic cause first: the session's, a channel
 * refused by its configuration, a token that cannot be obtained (the socket may well be connected,
 * but no widget that needs the token can be live: QA33); then, connected, a REST outage while a
 * query waits on a read it refused (`refusedRead`, also just after its end until that query read
 * again: RestSource.outage; QA84 F2, QA85); else the project's
 * REST error, the socket's, or a channel's.
 */
export function partsError(parts: ClientParts, session: Session, status: ConnectionStatus, refusedRead: () => RtError | null): RtError | null {
  const { registry, rest, link } = parts;
  const connected = status === 'connected';
  return session.error ?? registry.anyConfigError() ?? session.tokens.failure ?? (connected ? refusedRead() : (rest.projectError ?? link.error ?? registry.channelError()));
}

/**
 * The {@link LiveSource} a client's live queries read and subscribe through: its parts (`parts()`,
 * null when the client could not be built: then every read fails with `problem()`).
 */
export function liveSource(parts: () => ClientParts | null, problem: () => RtError, subscribe: LiveSource['subscribe'], sessionFailed: () => RtError | null): LiveSource {
  return {
    subscribe,
    sessionFailed,
    select: (query) => parts()?.rest.select(query) ?? Promise.resolve({ rows: null, error: problem() }),
    count: (table, eq) => parts()?.rest.count(table, eq) ?? Promise.resolve({ count: null, error: problem() }),
    problemChanged: () => parts()?.registry.touch(),
    retryAt: () => parts()?.rest.retryAt() ?? 0,
    rejoin: (table) => parts()?.registry.rejoin(parts()!.schema.table(table)),
    recheckSources: () => parts()?.registry.recheckSources(),
    // Broadcast mode: a row without a topic id reaches no topic (never live, docs/core.md); its
    // column is named on the server, the row's keys are the standard names (QA30).
    sends: (table, row) => {
      const p = parts();
      const key = p && topicKey(p, table, row);
      return !key || row[key] != null;
    },
  };
}

/**
 * Broadcast mode: the key of `row` (standard names) that holds `table`'s topic id, i.e. the key
 * whose server name is the column `rt_broadcast_sources` names; null outside Broadcast mode, for a
 * table without a source, or when the row lacks that key.
 */
export function topicKey(parts: Pick<ClientParts, 'registry' | 'schema'>, table: string, row: Record<string, unknown>): string | null {
  const column = parts.registry.topicColumn(parts.schema.table(table));
  if (!column) return null;
  for (const k in row) if (parts.schema.column(table, k) === column) return k;
  return null;
}
