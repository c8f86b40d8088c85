/**
 * The Realtime WebSocket server: upgrade (apikey check, pause), Phoenix message routing per
 * socket, channel join / leave / access_token / token expiry, broadcast and a simple presence.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';

import type { BackendContext } from '../context.ts';
import { enterRole, type Claims } from '../db.ts';
import { verifyJwt, type VerifyResult } from '../jwt.ts';
import { Channel, channelKey, type PresenceMeta, type SocketLike } from './channel.ts';
import { ChangeFeed, type Binding, type QueuedMessage } from './changes.ts';
import { bindingId } from './filters.ts';
import { FrameError, decodeFrame, encodeBroadcast, encodeFrame, encodeRawPayload, parseVsn, type Msg, type UserBroadcast, type Vsn } from './serializer.ts';

export const MAX_FRAME_BYTES = 5_000_000;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const MAX_CHANNELS_PER_SOCKET = 100;
/** A socket whose unsent output exceeds this is closed rather than buffering without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** setTimeout's ceiling is ~24.8 days; re-check long-lived tokens hourly (as Realtime does). */
const MAX_CONFIRM_INTERVAL_MS = 3_600_000;
/** `replay.limit` cap (Realtime's lib/realtime/messages.ex). */
const MAX_REPLAY = 25;

/** Thrown to roll back an authorization transaction, carrying its result. */
class Rollback<T> {
  constructor(readonly value: T) {}
}

/** Counters for diagnostics and bench/broadcast.ts. */
export interface BroadcastStats {
  /** Join / access_token policy checks on realtime.messages (one transaction each). */
  authorizationChecks: number;
  authorizationMs: number;
  /** realtime.messages rows taken from the queue, and frames pushed for them. */
  messages: number;
  pushes: number;
  /** Time spent routing and framing messages to sockets, ms. */
  deliverMs: number;
}

export interface RealtimeOptions {
  /** Close a socket this long after its last received frame. Default 60 s (Phoenix). */
  idleTimeoutMs?: number;
}

class RtSocket implements SocketLike {
  readonly channels = new Map<string, Channel>();
  lastFrameAt = Date.now();
  private queue: Promise<void> = Promise.resolve();
  closed = false;
  onSlow: (() => void) | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly vsn: Vsn,
    readonly apikey: string,
  ) {}

  isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  send(data: string | Buffer): void {
    if (!this.isOpen()) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.closed = true;
      this.onSlow?.();
      this.ws.close(1013, 'client too slow');
      return;
    }
    this.ws.send(data);
  }

  /** Messages of one socket are handled strictly in order. */
  enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task, task);
  }
}

export class RealtimeServer {
  readonly feed: ChangeFeed;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<RtSocket>();
  private readonly topics = new Map<string, Set<Channel>>();
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly idleTimeoutMs: number;
  private stopped = false;
  private presenceRef = 0;
  readonly broadcastStats: BroadcastStats = { authorizationChecks: 0, authorizationMs: 0, messages: 0, pushes: 0, deliverMs: 0 };

  constructor(
    private readonly ctx: BackendContext,
    options: RealtimeOptions = {},
  ) {
    this.feed = new ChangeFeed(ctx.db, ctx.log, () => ctx.dev.realtimeLagMs);
    this.feed.onMessages = (messages) => this.deliverMessages(messages);
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  }

  async start(): Promise<void> {
    await this.feed.start();
    const every = Math.max(50, Math.min(5_000, Math.floor(this.idleTimeoutMs / 4)));
    this.idleTimer = setInterval(() => this.closeIdle(), every);
    this.idleTimer.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    for (const s of [...this.sockets]) {
      this.teardown(s);
      s.ws.terminate();
    }
    this.sockets.clear();
    await this.feed.stop();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** Closes every socket now (1001 "going away"), as a restarting server would. */
  dropAll(): number {
    const all = [...this.sockets];
    for (const s of all) {
      this.teardown(s);
      try {
        s.ws.close(1001, 'server requested disconnect');
      } catch {
        s.ws.terminate();
      }
      // If the peer never answers the close handshake, cut the TCP connection.
      setTimeout(() => s.ws.terminate(), 2_000).unref?.();
    }
    return all.length;
  }

  /**
   * The demo's "expire the token now" fault: every open channel joined with a user's token (one
   * with a `sub`) is shut down as when that token runs out on Supabase (`system` error "Token has
   * expired 0 seconds ago", then `phx_close`); the client must get a token and join again by
   * itself. A client that renews tokens before they run out never meets a natural expiry, so the
   * fault cannot wait for one. Returns the number of channels shut down.
   */
  expireTokens(): number {
    let count = 0;
    for (const s of this.sockets) {
      for (const ch of [...s.channels.values()]) {
        if (!ch.isOpen() || typeof ch.claims.sub !== 'string' || !ch.claims.sub) continue;
        this.shutdownChannel(ch, 'Token has expired 0 seconds ago');
        count++;
      }
    }
    return count;
  }

  /**
   * The dev control forget-channels: every channel is dropped without a frame to its client (no
   * `phx_error`, no `phx_close`); the sockets stay open and heartbeats are still answered, as when
   * a Realtime node loses its channel processes silently. Clients see nothing wrong until a change
   * they were owed does not come. Returns the number of channels forgotten.
   */
  forgetChannels(): number {
    let count = 0;
    for (const s of this.sockets) {
      for (const ch of [...s.channels.values()]) {
        this.removeChannel(s, ch);
        count++;
      }
    }
    return count;
  }

  socketCount(): number {
    return this.sockets.size;
  }

  // ---- upgrade -----------------------------------------------------------------------------

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {});
    if (this.stopped) return rejectUpgrade(socket, 503, 'Realtime is shutting down');
    if (this.isPaused()) return rejectUpgrade(socket, 503, 'RealtimeRestarting: Realtime is paused, try again later');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return rejectUpgrade(socket, 400, 'Bad request');
    }
    const vsn = parseVsn(url.searchParams.get('vsn'));
    if (!vsn) return rejectUpgrade(socket, 400, `Unsupported vsn: ${url.searchParams.get('vsn')}`);
    const header = req.headers['x-api-key'];
    const apikey = (Array.isArray(header) ? header[0] : header) || url.searchParams.get('apikey') || '';
    if (!apikey) return rejectUpgrade(socket, 401, 'MissingAPIKey: An apikey is required to connect');
    verifyJwt(this.ctx.jwtSecret, apikey)
      .then((v) => {
        if (!v.ok) return rejectUpgrade(socket, 401, connectErrorMessage(v));
        if (this.stopped || this.isPaused()) return rejectUpgrade(socket, 503, 'RealtimeRestarting: Realtime is paused, try again later');
        this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, vsn, apikey));
      })
      .catch((err) => {
        this.ctx.log(`realtime: upgrade failed: ${(err as Error)?.message ?? String(err)}`);
        rejectUpgrade(socket, 500, 'Internal error');
      });
  }

  private isPaused(): boolean {
    return Date.now() < this.ctx.dev.realtimePausedUntil;
  }

  private onConnection(ws: WebSocket, vsn: Vsn, apikey: string): void {
    if (this.stopped) {
      ws.terminate();
      return;
    }
    const s = new RtSocket(ws, vsn, apikey);
    s.onSlow = () => this.ctx.log(`realtime: closed a socket with over ${MAX_BUFFERED_BYTES >> 20} MB of unsent frames (client too slow)`);
    this.sockets.add(s);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      s.lastFrameAt = Date.now();
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      let msg: Msg;
      try {
        msg = decodeFrame(buf, isBinary, vsn);
      } catch (err) {
        this.ctx.log(`realtime: dropped malformed frame (${err instanceof FrameError ? err.message : 'undecodable'}, ${buf.length} bytes)`);
        return;
      }
      s.enqueue(() =>
        this.handleMessage(s, msg).catch((err) => {
          this.ctx.log(`realtime: ${msg.event} on ${msg.topic} failed: ${(err as Error)?.message ?? String(err)}`);
        }),
      );
    });
    ws.on('error', (err) => this.ctx.log(`realtime: socket error: ${err.message}`));
    ws.on('close', () => {
      this.teardown(s);
    });
  }

  private closeIdle(): void {
    const now = Date.now();
    for (const s of [...this.sockets]) {
      if (now - s.lastFrameAt > this.idleTimeoutMs) {
        this.teardown(s);
        s.ws.close(1000, 'idle timeout');
        setTimeout(() => s.ws.terminate(), 2_000).unref?.();
      }
    }
  }

  /** Forgets a socket and all its channels (subscriptions, presence, timers). */
  private teardown(s: RtSocket): void {
    s.closed = true;
    for (const ch of [...s.channels.values()]) this.removeChannel(s, ch);
    this.sockets.delete(s);
  }

  private removeChannel(s: RtSocket, ch: Channel): void {
    ch.closed = true;
    if (ch.expiryTimer) clearTimeout(ch.expiryTimer);
    ch.expiryTimer = null;
    this.feed.unsubscribe(ch);
    if (s.channels.get(ch.topic) === ch) s.channels.delete(ch.topic);
    const set = this.topics.get(ch.key);
    if (set) {
      set.delete(ch);
      if (!set.size) this.topics.delete(ch.key);
    }
    if (ch.presenceMeta) {
      const key = ch.presenceKey;
      const meta = ch.presenceMeta;
      ch.presenceMeta = null;
      this.presenceDiff(ch.key, {}, { [key]: { metas: [meta] } });
    }
  }

  // ---- routing -----------------------------------------------------------------------------

  private reply(s: RtSocket, msg: Msg, status: 'ok' | 'error', response: unknown): void {
    s.send(encodeFrame({ join_ref: msg.join_ref, ref: msg.ref, topic: msg.topic, event: 'phx_reply', payload: { status, response } }, s.vsn));
  }

  private async handleMessage(s: RtSocket, msg: Msg): Promise<void> {
    if (!s.isOpen()) return;
    if (msg.topic === 'phoenix') {
      if (msg.event === 'heartbeat') return this.reply(s, msg, 'ok', {});
      return this.reply(s, msg, 'error', { reason: 'unmatched topic' });
    }
    if (msg.event === 'phx_join') return this.join(s, msg);
    const ch = s.channels.get(msg.topic);
    if (!ch) return this.reply(s, msg, 'error', { reason: 'unmatched topic' });
    const payload = isObject(msg.payload) ? msg.payload : {};
    switch (msg.event) {
      case 'phx_leave':
        this.reply(s, msg, 'ok', {});
        this.removeChannel(s, ch);
        ch.pushClose();
        return;
      case 'access_token':
        return this.accessToken(s, ch, payload);
      case 'broadcast':
        return this.broadcast(s, ch, msg, payload);
      case 'presence':
        return this.presence(s, ch, msg, payload);
      default:
        this.ctx.log(`realtime: ignored unknown event ${JSON.stringify(msg.event).slice(0, 80)} on ${msg.topic.slice(0, 120)}`);
    }
  }

  // ---- join --------------------------------------------------------------------------------

  private async join(s: RtSocket, msg: Msg): Promise<void> {
    const { topic } = msg;
    if (!topic.startsWith('realtime:')) return this.reply(s, msg, 'error', { reason: 'unmatched topic' });
    if (topic === 'realtime:') return this.reply(s, msg, 'error', { reason: 'TopicNameRequired: You must provide a topic name' });
    const payload = isObject(msg.payload) ? msg.payload : {};
    const config = isObject(payload.config) ? payload.config : {};

    // Re-joining a joined topic closes the old channel first (Phoenix duplicate join).
    const existing = s.channels.get(topic);
    if (existing) {
      this.removeChannel(s, existing);
      existing.pushClose();
    }
    if (s.channels.size >= MAX_CHANNELS_PER_SOCKET) return this.reply(s, msg, 'error', { reason: 'ChannelRateLimitReached: Too many channels' });

    const raw = typeof payload.access_token === 'string' ? payload.access_token : typeof payload.user_token === 'string' ? payload.user_token : null;
    const token = raw && !raw.startsWith('sb_') ? raw : s.apikey;
    const verified = await verifyJwt(this.ctx.jwtSecret, token);
    if (!verified.ok) return this.reply(s, msg, 'error', { reason: joinErrorReason(verified) });
    if (!s.isOpen()) return;

    const broadcast = isObject(config.broadcast) ? config.broadcast : {};
    const presence = isObject(config.presence) ? config.presence : {};
    const isPrivate = bool(config.private);
    const subTopic = topic.slice('realtime:'.length);

    // Private channels: the realtime.messages SELECT policies decide, as the joining user, once.
    let canRead = false;
    if (isPrivate) {
      const policies = await this.readPolicies(subTopic, verified.claims);
      if (!s.isOpen()) return;
      canRead = policies.broadcast;
      if (!policies.broadcast && !policies.presence) {
        return this.reply(s, msg, 'error', { reason: `Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic}` });
      }
    }
    let replay: { since: number; limit: number } | null = null;
    if (isObject(broadcast.replay)) {
      if (!isPrivate) return this.reply(s, msg, 'error', { reason: 'UnableToReplayMessages: Replay is not allowed for public channels' });
      if (!canRead) return this.reply(s, msg, 'error', { reason: `Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic}` });
      const since = broadcast.replay.since === undefined ? 0 : Number(broadcast.replay.since);
      const limit = broadcast.replay.limit === undefined ? 1 : Number(broadcast.replay.limit);
      if (!Number.isInteger(since) || since < 0 || !Number.isInteger(limit) || limit < 1) {
        return this.reply(s, msg, 'error', { reason: 'UnableToReplayMessages: Replay params are not valid' });
      }
      replay = { since, limit: Math.min(limit, MAX_REPLAY) };
    }
    const replayed = replay ? await this.replayMessages(subTopic, replay.since, replay.limit) : null;
    if (replay && !replayed) return this.reply(s, msg, 'error', { reason: 'UnableToReplayMessages: Realtime was unable to replay messages' });
    if (!s.isOpen()) return;
    const pgParams = Array.isArray(config.postgres_changes) ? (config.postgres_changes as unknown[]) : [];
    const bindings: Binding[] = pgParams.map((p) => ({ id: bindingId(p), params: p }));
    const presenceKey = typeof presence.key === 'string' && presence.key ? presence.key : uuidV1Like();
    const ch = new Channel(
      s,
      topic,
      msg.join_ref ?? msg.ref,
      token,
      verified.claims,
      bool(broadcast.self),
      bool(broadcast.ack),
      bool(presence.enabled),
      presenceKey,
      bindings,
    );
    ch.isPrivate = isPrivate;
    ch.canRead = canRead;
    if (replayed) ch.replayed = new Set(replayed.map((m) => m.id));
    s.channels.set(topic, ch);
    let set = this.topics.get(ch.key);
    if (!set) this.topics.set(ch.key, (set = new Set()));
    set.add(ch);
    this.scheduleExpiry(ch, verified.claims.exp);

    const response = { postgres_changes: pgParams.map((p, i) => ({ ...(isObject(p) ? p : {}), id: bindings[i]!.id })) };
    const options = isObject(config.postgres_changes_options) ? config.postgres_changes_options : {};
    if (bindings.length && bool(options.wait)) {
      // Hold the reply until the subscription is live (realtime-js `postgres_changes_options.wait`).
      const result = await this.subscribeChannel(ch, false);
      if (result && !result.ok) {
        this.removeChannel(s, ch);
        return this.reply(s, msg, 'error', { reason: `RealtimeDisabledForConfiguration: ${result.message}` });
      }
      this.reply(s, msg, 'ok', response);
      if (result) ch.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
    } else {
      this.reply(s, msg, 'ok', response);
      if (bindings.length) void this.subscribeChannel(ch, true);
    }
    if (ch.presenceEnabled) this.pushPresenceState(ch);
    // Replayed messages follow the join reply, marked `meta.replayed` (Realtime's handle_info(:replay)).
    for (const m of replayed ?? []) {
      ch.socket.send(encodeRawPayload(ch.topicJson, 'broadcast', broadcastPayload(m, true), s.vsn));
    }
  }

  // ---- Broadcast from Database / private channels --------------------------------------------

  /**
   * Realtime's read check (Authorization.get_read_policies_for_connection): insert a broadcast and
   * a presence row for the topic, then, as the user's role with its claims and `realtime.topic`
   * set, SELECT them back; the transaction is rolled back. A policy error counts as "no".
   */
  private async readPolicies(subTopic: string, claims: Claims): Promise<{ broadcast: boolean; presence: boolean }> {
    const started = performance.now();
    this.broadcastStats.authorizationChecks++;
    try {
      await this.ctx.db.transaction(async (tx) => {
        const ins = await tx.query<{ id: string; extension: string }>(
          `insert into realtime.messages (topic, extension) values ($1, 'broadcast'), ($1, 'presence') returning id::text as id, extension`,
          [subTopic],
        );
        const b = ins.rows.find((r) => r.extension === 'broadcast')!.id;
        const p = ins.rows.find((r) => r.extension === 'presence')!.id;
        await enterRole(tx, claims);
        await tx.query(`select set_config('realtime.topic', $1, true)`, [subTopic]);
        const r = await tx.query<{ id: string }>(
          `select id::text as id from realtime.messages
            where topic = $1 and ((extension = 'broadcast' and id = $2::uuid) or (extension = 'presence' and id = $3::uuid))`,
          [subTopic, b, p],
        );
        const ids = new Set(r.rows.map((x) => x.id));
        throw new Rollback({ broadcast: ids.has(b), presence: ids.has(p) });
      });
      return { broadcast: false, presence: false };
    } catch (err) {
      if (err instanceof Rollback) return err.value as { broadcast: boolean; presence: boolean };
      this.ctx.log(`realtime: RlsPolicyError on ${subTopic.slice(0, 120)}: ${(err as Error)?.message ?? String(err)}`);
      return { broadcast: false, presence: false };
    } finally {
      this.broadcastStats.authorizationMs += performance.now() - started;
    }
  }

  /** Realtime's write check: may the user INSERT a broadcast row for the topic? (Rolled back.) */
  private async writePolicy(subTopic: string, claims: Claims): Promise<boolean> {
    try {
      await this.ctx.db.transaction(async (tx) => {
        await enterRole(tx, claims);
        await tx.query(`select set_config('realtime.topic', $1, true)`, [subTopic]);
        await tx.query(`insert into realtime.messages (topic, extension) values ($1, 'broadcast')`, [subTopic]);
        throw new Rollback(true);
      });
      return false;
    } catch (err) {
      if (err instanceof Rollback) return true;
      if ((err as { code?: string }).code !== '42501') this.ctx.log(`realtime: RlsPolicyError (write) on ${subTopic.slice(0, 120)}: ${(err as Error)?.message ?? String(err)}`);
      return false;
    }
  }

  /** The newest `limit` private broadcast messages of the topic since `since` (ms epoch), oldest first. */
  private async replayMessages(subTopic: string, since: number, limit: number): Promise<QueuedMessage[] | null> {
    try {
      const r = await this.ctx.db.query<{ id: string; event: string; payload: string | null }>(
        `select id::text as id, event, payload::text as payload from (
           select id, event, payload, inserted_at from realtime.messages
            where topic = $1 and extension = 'broadcast' and private is true and event is not null
              and inserted_at >= (to_timestamp($2::double precision / 1000) at time zone 'utc')
            order by inserted_at desc limit $3
         ) m order by inserted_at asc`,
        [subTopic, since, limit],
      );
      return r.rows.map((row) => ({ id: row.id, topic: subTopic, event: row.event, private: true, payloadJson: row.payload ?? 'null' }));
    } catch (err) {
      this.ctx.log(`realtime: replay on ${subTopic.slice(0, 120)} failed: ${(err as Error)?.message ?? String(err)}`);
      return null;
    }
  }

  /** realtime.messages rows from the change queue, in commit order, to every channel joined on their topic. */
  private deliverMessages(messages: QueuedMessage[]): void {
    const started = performance.now();
    for (const m of messages) {
      this.broadcastStats.messages++;
      const set = this.topics.get(channelKey(`realtime:${m.topic}`, m.private));
      if (!set) continue;
      const payload = broadcastPayload(m, false);
      const frames = new Map<Vsn, string>();
      for (const ch of set) {
        if (!ch.isOpen() || (ch.isPrivate && !ch.canRead)) continue;
        if (ch.replayed?.has(m.id)) continue;
        const vsn = ch.socket.vsn;
        let frame = frames.get(vsn);
        if (frame === undefined) frames.set(vsn, (frame = encodeRawPayload(ch.topicJson, 'broadcast', payload, vsn)));
        ch.socket.send(frame);
        this.broadcastStats.pushes++;
      }
    }
    this.broadcastStats.deliverMs += performance.now() - started;
  }

  /**
   * Creates (or re-creates, after a new token) the channel's subscriptions as its role. With
   * `announce`, the outcome is pushed as a `system` message. Returns null when superseded.
   */
  private async subscribeChannel(ch: Channel, announce: boolean): Promise<{ ok: true } | { ok: false; message: string } | null> {
    const seq = ++ch.subscribeSeq;
    let result: { ok: true } | { ok: false; message: string };
    try {
      result = await this.feed.subscribe(ch, ch.bindings);
    } catch (err) {
      this.ctx.log(`realtime: subscribing ${ch.topic} failed: ${(err as Error)?.message ?? String(err)}`);
      result = { ok: false, message: `Unable to subscribe to changes with given parameters: ${(err as Error)?.message ?? String(err)}` };
    }
    if (seq !== ch.subscribeSeq || !ch.isOpen()) return null;
    if (!result.ok) this.feed.unsubscribe(ch);
    if (announce) {
      if (result.ok) ch.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
      else ch.system('postgres_changes', 'error', result.message);
    }
    return result;
  }

  // ---- tokens ------------------------------------------------------------------------------

  private scheduleExpiry(ch: Channel, exp: number): void {
    if (ch.expiryTimer) clearTimeout(ch.expiryTimer);
    const delay = Math.min(MAX_CONFIRM_INTERVAL_MS, Math.max(0, exp * 1000 - Date.now() + 20));
    ch.expiryTimer = setTimeout(() => {
      ch.expiryTimer = null;
      void this.confirmToken(ch);
    }, delay);
    ch.expiryTimer.unref?.();
  }

  private async confirmToken(ch: Channel): Promise<void> {
    if (!ch.isOpen()) return;
    const token = ch.token;
    const v = await verifyJwt(this.ctx.jwtSecret, token);
    if (!ch.isOpen() || token !== ch.token) return; // replaced meanwhile: its own timer runs
    if (v.ok) return this.scheduleExpiry(ch, v.claims.exp);
    this.shutdownChannel(ch, v.message);
  }

  /** Channel-fatal: `system` error, then phx_close (Realtime's shutdown_response). */
  private shutdownChannel(ch: Channel, message: string): void {
    const s = ch.socket as RtSocket;
    ch.system('system', 'error', message);
    this.removeChannel(s, ch);
    ch.pushClose();
  }

  private async accessToken(_s: RtSocket, ch: Channel, payload: Record<string, unknown>): Promise<void> {
    const token = payload.access_token;
    if (typeof token !== 'string' || !token || token.startsWith('sb_') || token === ch.token) return;
    const v = await verifyJwt(this.ctx.jwtSecret, token);
    if (!ch.isOpen()) return;
    if (!v.ok) return this.shutdownChannel(ch, v.message);
    if (ch.isPrivate) {
      // Realtime re-evaluates the policies with the new claims; read access that was granted and
      // is now refused closes the channel (check_read_permissions_revoked).
      const policies = await this.readPolicies(ch.name, v.claims);
      if (!ch.isOpen()) return;
      if (ch.canRead && !policies.broadcast) {
        ch.canRead = false;
        return this.shutdownChannel(ch, `You no longer have permission to read from this Channel topic: ${ch.name}`);
      }
      ch.canRead = policies.broadcast;
      ch.canWrite = null;
    }
    ch.setClaims(token, v.claims);
    this.scheduleExpiry(ch, v.claims.exp);
    // New claims apply to the next visibility checks at once; the bindings are also re-validated
    // (column privileges of the role), as Realtime re-creates subscriptions with the new claims.
    if (ch.bindings.length) void this.subscribeChannel(ch, true);
  }

  // ---- broadcast ---------------------------------------------------------------------------

  private async broadcast(s: RtSocket, ch: Channel, msg: Msg, payload: Record<string, unknown>): Promise<void> {
    if (ch.isPrivate) {
      // A client's broadcast on a private channel needs the INSERT policy (checked once per token).
      if (ch.canWrite === null) ch.canWrite = await this.writePolicy(ch.name, ch.claims);
      if (!ch.isOpen()) return;
      if (!ch.canWrite) {
        if (ch.broadcastAck && msg.ref) this.reply(s, msg, 'error', { reason: `Unauthorized: You do not have permissions to write to this Channel topic: ${ch.name}` });
        return;
      }
    }
    this.broadcastLocal(s, ch, msg, payload);
  }

  private broadcastLocal(s: RtSocket, ch: Channel, msg: Msg, payload: Record<string, unknown>): void {
    const decoded = (payload as { __userBroadcast?: UserBroadcast }).__userBroadcast;
    let b: UserBroadcast;
    if (decoded) b = decoded;
    else {
      if (typeof payload.event !== 'string') {
        this.ctx.log(`realtime: broadcast without an event on ${ch.topic.slice(0, 120)}`);
        if (ch.broadcastAck && msg.ref) this.reply(s, msg, 'error', { reason: 'broadcast payload needs an `event`' });
        return;
      }
      b = { event: payload.event, payload: payload.payload, binary: false };
    }
    for (const target of this.topics.get(ch.key) ?? []) {
      if (target === ch && !ch.broadcastSelf) continue;
      if (!target.isOpen()) continue;
      const frame = encodeBroadcast(target.topic, b, target.socket.vsn);
      if (frame !== null) target.socket.send(frame);
    }
    if (ch.broadcastAck && msg.ref) this.reply(s, msg, 'ok', {});
  }

  // ---- presence (Phoenix.Presence format, one meta per channel) ----------------------------

  private presenceState(key: string): Record<string, { metas: PresenceMeta[] }> {
    const state: Record<string, { metas: PresenceMeta[] }> = {};
    for (const c of this.topics.get(key) ?? []) {
      if (!c.presenceMeta || !c.isOpen()) continue;
      (state[c.presenceKey] ??= { metas: [] }).metas.push(c.presenceMeta);
    }
    return state;
  }

  private pushPresenceState(ch: Channel): void {
    ch.push({ join_ref: ch.joinRef, ref: null, topic: ch.topic, event: 'presence_state', payload: this.presenceState(ch.key) });
  }

  private presenceDiff(key: string, joins: Record<string, { metas: PresenceMeta[] }>, leaves: Record<string, { metas: PresenceMeta[] }>): void {
    for (const c of this.topics.get(key) ?? []) {
      if (!c.presenceEnabled || !c.isOpen()) continue;
      c.push({ join_ref: null, ref: null, topic: c.topic, event: 'presence_diff', payload: { joins, leaves } });
    }
  }

  private presence(s: RtSocket, ch: Channel, msg: Msg, payload: Record<string, unknown>): void {
    const event = payload.event;
    if (event === 'track') {
      const p = payload.payload;
      if (!isObject(p)) return this.reply(s, msg, 'error', { reason: 'Presence track payload must be a map' });
      const json = JSON.stringify(p);
      if (ch.presenceMeta && ch.presencePayloadJson === json) return this.reply(s, msg, 'ok', {});
      const old = ch.presenceMeta;
      const meta: PresenceMeta = { ...p, phx_ref: `F${(++this.presenceRef).toString(36)}${Date.now().toString(36)}` };
      if (old) meta.phx_ref_prev = old.phx_ref;
      ch.presenceMeta = meta;
      ch.presencePayloadJson = json;
      this.reply(s, msg, 'ok', {});
      this.presenceDiff(ch.key, { [ch.presenceKey]: { metas: [meta] } }, old ? { [ch.presenceKey]: { metas: [old] } } : {});
      return;
    }
    if (event === 'untrack') {
      const old = ch.presenceMeta;
      ch.presenceMeta = null;
      ch.presencePayloadJson = '';
      this.reply(s, msg, 'ok', {});
      if (old) this.presenceDiff(ch.key, {}, { [ch.presenceKey]: { metas: [old] } });
      return;
    }
    this.reply(s, msg, 'error', { reason: 'unknown presence event' });
  }
}

// ---- helpers -----------------------------------------------------------------------------

/** A realtime.messages row as Realtime pushes it: `{type: "broadcast", event, payload, meta: {id}}`. */
function broadcastPayload(m: QueuedMessage, replayed: boolean): string {
  const meta = replayed ? `{"replayed":true,"id":${JSON.stringify(m.id)}}` : `{"id":${JSON.stringify(m.id)}}`;
  return `{"type":"broadcast","event":${JSON.stringify(m.event)},"payload":${m.payloadJson},"meta":${meta}}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** Join payload booleans also accept "true"/"false" strings. */
function bool(v: unknown): boolean {
  return v === true || v === 'true';
}

function joinErrorReason(v: Extract<VerifyResult, { ok: false }>): string {
  switch (v.reason) {
    case 'expired':
    case 'claims':
      return `InvalidJWTToken: ${v.message}`;
    case 'signature':
      return `JwtSignatureError: ${v.message}`;
    default:
      return `MalformedJWT: ${v.message}`;
  }
}

function connectErrorMessage(v: Extract<VerifyResult, { ok: false }>): string {
  return joinErrorReason(v);
}

function rejectUpgrade(socket: Duplex, status: number, error: string): void {
  const body = JSON.stringify({ error });
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 500: 'Internal Server Error', 503: 'Service Unavailable' }[status] ?? 'Error';
  try {
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  } catch {
    socket.destroy();
  }
}

/** Realtime generates a UUID v1 when the presence key is empty; any unique id does locally. */
function uuidV1Like(): string {
  return globalThis.crypto.randomUUID();
}

export type { Claims };
