/**
 * The Realtime WebSocket server: upgrade (apikey check, pause), Phoenix message routing per
 * socket, channel join / leave / access_token / token expiry, broadcast and a simple presence.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';

import type { BackendContext } from '../context.ts';
import type { Claims } from '../db.ts';
import { verifyJwt, type VerifyResult } from '../jwt.ts';
import { Channel, type PresenceMeta, type SocketLike } from './channel.ts';
import { ChangeFeed, type Binding } from './changes.ts';
import { bindingId } from './filters.ts';
import { FrameError, decodeFrame, encodeBroadcast, encodeFrame, parseVsn, type Msg, type UserBroadcast, type Vsn } from './serializer.ts';

export const MAX_FRAME_BYTES = 5_000_000;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const MAX_CHANNELS_PER_SOCKET = 100;
/** A socket whose unsent output exceeds this is closed rather than buffering without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** setTimeout's ceiling is ~24.8 days; re-check long-lived tokens hourly (as Realtime does). */
const MAX_CONFIRM_INTERVAL_MS = 3_600_000;

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

  constructor(
    private readonly ctx: BackendContext,
    options: RealtimeOptions = {},
  ) {
    this.feed = new ChangeFeed(ctx.db, ctx.log);
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
    const set = this.topics.get(ch.topic);
    if (set) {
      set.delete(ch);
      if (!set.size) this.topics.delete(ch.topic);
    }
    if (ch.presenceMeta) {
      const key = ch.presenceKey;
      const meta = ch.presenceMeta;
      ch.presenceMeta = null;
      this.presenceDiff(ch.topic, {}, { [key]: { metas: [meta] } });
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
    s.channels.set(topic, ch);
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
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
    ch.setClaims(token, v.claims);
    this.scheduleExpiry(ch, v.claims.exp);
    // New claims apply to the next visibility checks at once; the bindings are also re-validated
    // (column privileges of the role), as Realtime re-creates subscriptions with the new claims.
    if (ch.bindings.length) void this.subscribeChannel(ch, true);
  }

  // ---- broadcast ---------------------------------------------------------------------------

  private broadcast(s: RtSocket, ch: Channel, msg: Msg, payload: Record<string, unknown>): void {
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
    for (const target of this.topics.get(ch.topic) ?? []) {
      if (target === ch && !ch.broadcastSelf) continue;
      if (!target.isOpen()) continue;
      const frame = encodeBroadcast(target.topic, b, target.socket.vsn);
      if (frame !== null) target.socket.send(frame);
    }
    if (ch.broadcastAck && msg.ref) this.reply(s, msg, 'ok', {});
  }

  // ---- presence (Phoenix.Presence format, one meta per channel) ----------------------------

  private presenceState(topic: string): Record<string, { metas: PresenceMeta[] }> {
    const state: Record<string, { metas: PresenceMeta[] }> = {};
    for (const c of this.topics.get(topic) ?? []) {
      if (!c.presenceMeta || !c.isOpen()) continue;
      (state[c.presenceKey] ??= { metas: [] }).metas.push(c.presenceMeta);
    }
    return state;
  }

  private pushPresenceState(ch: Channel): void {
    ch.push({ join_ref: ch.joinRef, ref: null, topic: ch.topic, event: 'presence_state', payload: this.presenceState(ch.topic) });
  }

  private presenceDiff(topic: string, joins: Record<string, { metas: PresenceMeta[] }>, leaves: Record<string, { metas: PresenceMeta[] }>): void {
    for (const c of this.topics.get(topic) ?? []) {
      if (!c.presenceEnabled || !c.isOpen()) continue;
      c.push({ join_ref: null, ref: null, topic, event: 'presence_diff', payload: { joins, leaves } });
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
      this.presenceDiff(ch.topic, { [ch.presenceKey]: { metas: [meta] } }, old ? { [ch.presenceKey]: { metas: [old] } } : {});
      return;
    }
    if (event === 'untrack') {
      const old = ch.presenceMeta;
      ch.presenceMeta = null;
      ch.presencePayloadJson = '';
      this.reply(s, msg, 'ok', {});
      if (old) this.presenceDiff(ch.topic, {}, { [ch.presenceKey]: { metas: [old] } });
      return;
    }
    this.reply(s, msg, 'error', { reason: 'unknown presence event' });
  }
}

// ---- helpers -----------------------------------------------------------------------------

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
