/**
 * One joined channel (`realtime:<name>`) on one socket: its token and claims, broadcast and
 * presence config, postgres_changes bindings and the token-expiry timer.
 */
import type { Claims } from '../db.ts';
import { encodeFrame, encodeRawPayload, type Msg, type Vsn } from './serializer.ts';
import type { Binding, ChangeSubscriber } from './changes.ts';

export interface SocketLike {
  readonly vsn: Vsn;
  isOpen(): boolean;
  send(data: string | Buffer): void;
  bufferedBytes(): number;
}

export interface PresenceMeta {
  phx_ref: string;
  [key: string]: unknown;
}

export class Channel implements ChangeSubscriber {
  readonly topicJson: string;
  readonly name: string;
  claims: Claims;
  claimsKey: string;
  closed = false;
  expiryTimer: NodeJS.Timeout | null = null;
  /** Bumped for every subscription attempt; a stale attempt's outcome is discarded. */
  subscribeSeq = 0;
  presenceMeta: PresenceMeta | null = null;
  presencePayloadJson = '';
  /** `config.private`: joined after the realtime.messages policies allowed it. */
  isPrivate = false;
  /** Read permission found at join / at the last `access_token` (private channels). */
  canRead = false;
  /** Write permission (INSERT policy) for client broadcasts on a private channel; null: not checked yet. */
  canWrite: boolean | null = null;
  /** Message ids already sent by `replay` (not sent again when they come through live). */
  replayed: Set<string> | null = null;

  constructor(
    readonly socket: SocketLike,
    readonly topic: string,
    readonly joinRef: string | null,
    public token: string,
    claims: Claims,
    readonly broadcastSelf: boolean,
    readonly broadcastAck: boolean,
    readonly presenceEnabled: boolean,
    readonly presenceKey: string,
    readonly bindings: Binding[],
  ) {
    this.topicJson = JSON.stringify(topic);
    this.name = topic.replace(/^realtime:/, '');
    this.claims = claims;
    this.claimsKey = JSON.stringify(claims);
  }

  setClaims(token: string, claims: Claims): void {
    this.token = token;
    this.claims = claims;
    this.claimsKey = JSON.stringify(claims);
  }

  isOpen(): boolean {
    return !this.closed && this.socket.isOpen();
  }

  /** Key of the channel's audience: private and public channels of one topic never mix (as on Supabase). */
  get key(): string {
    return channelKey(this.topic, this.isPrivate);
  }

  push(msg: Msg): void {
    if (this.socket.isOpen()) this.socket.send(encodeFrame(msg, this.socket.vsn));
  }

  bufferedBytes(): number {
    return this.socket.bufferedBytes();
  }

  pushChanges(payloadJson: string): void {
    if (this.isOpen()) this.socket.send(encodeRawPayload(this.topicJson, 'postgres_changes', payloadJson, this.socket.vsn));
  }

  /** `system` message, pushed with the channel's join_ref and `ref: null`. */
  system(extension: string, status: 'ok' | 'error', message: string): void {
    this.push({ join_ref: this.joinRef, ref: null, topic: this.topic, event: 'system', payload: { extension, status, message, channel: this.name } });
  }

  /** Phoenix's close frame: `[join_ref, join_ref, topic, "phx_close", {}]`. */
  pushClose(): void {
    this.push({ join_ref: this.joinRef, ref: this.joinRef, topic: this.topic, event: 'phx_close', payload: {} });
  }
}

export function channelKey(topic: string, isPrivate: boolean): string {
  return isPrivate ? `private\u0000${topic}` : topic;
}
