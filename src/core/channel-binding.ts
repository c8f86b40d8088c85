/**
 * One channel's binding in realtime-js, and what arrives on it: the channel opened with its data
 * binding (`postgres_changes` for a table and filter, or `broadcast` on a private topic) plus its
 * `system` and status callbacks; a topic freed and a channel removed; a `postgres_changes`
 * payload mapped to a {@link RowChange} and routed on the client by the packed column's value
 * (./channel-packing.ts), or a Broadcast-from-Database message routed by table and filter
 * (./broadcast-topics.ts). No timers and no channel state: ./channel-carrier.ts keeps those.
 */
import type { RowChange } from './client-types.js';
import type { CarrierMember } from './channel-types.js';
import type { MonitoredTable } from './types.js';
import type { RealtimeChannelLike, RealtimeClientLike } from './supabase-like.js';
import { changeMatches, changeOfMessage } from './broadcast-topics.js';
import { parseServerTime } from './server-clock.js';
import { unsafeKey, uuidCase } from './keys.js';

/** The callbacks of a bound channel; each names the channel, so a stale one can be told apart. */
export interface ChannelEvents {
  /** A `postgres_changes` payload. */
  payload(channel: RealtimeChannelLike, payload: any): void;
  /** Broadcast mode: a message on the private topic. */
  message(channel: RealtimeChannelLike, message: any): void;
  system(channel: RealtimeChannelLike, payload: any): void;
  status(channel: RealtimeChannelLike, status: string, err?: Error): void;
}

/**
 * Opens `topic` and subscribes: a private channel with a `broadcast` binding when `data` is null
 * (broadcast mode), else a `postgres_changes` binding for `data.table` and `data.filter` (null:
 * the whole table). Throws what realtime-js throws.
 */
export function bindChannel(
  realtime: RealtimeClientLike,
  topic: string,
  data: { table: MonitoredTable; filter: string | null } | null,
  on: ChannelEvents,
): RealtimeChannelLike {
  const channel = realtime.channel(topic, { config: { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, private: !data } });
  if (!data) channel.on('broadcast', { event: '*' }, (message) => on.message(channel, message));
  else {
    const { table, filter } = data;
    channel.on('postgres_changes', { event: '*', schema: 'public', table, ...(filter ? { filter } : {}) }, (payload) => on.payload(channel, payload));
  }
  channel.on('system', {}, (payload) => on.system(channel, payload));
  channel.subscribe((status, err) => on.status(channel, status, err));
  return channel;
}

/** Removes a channel; never rejects. */
export async function removeChannel(realtime: RealtimeClientLike, channel: RealtimeChannelLike): Promise<void> {
  try {
    await realtime.removeChannel(channel);
  } catch {
    /* the socket may be gone; the channel is dropped either way */
  }
}

/**
 * realtime-js keeps one channel per topic (`channel()` returns the existing one): before a
 * private topic is joined again, the previous channel on it must be gone.
 */
export async function freeTopic(realtime: RealtimeClientLike, topic: string): Promise<void> {
  const full = `realtime:${topic}`;
  for (let i = 0; i < 2; i++) {
    const existing = realtime.getChannels().find((ch) => ch.topic === full);
    if (!existing) return;
    await removeChannel(realtime, existing);
  }
}

/**
 * A `postgres_changes` payload as a row change. `'unusable'` when the server could not send the
 * row ("Error 401: Unauthorized" / "Error 413: Payload Too Large" in `errors`): the subscriptions
 * read their snapshot again instead, staying Live (a read that fails says why). Null for anything
 * that is not an INSERT, UPDATE or DELETE.
 */
export function changeOfPayload(payload: any): RowChange<any> | 'unusable' | null {
  if (Array.isArray(payload.errors) && payload.errors.length) return 'unusable';
  const type = String(payload.eventType ?? payload.type ?? '').toUpperCase();
  if (type !== 'INSERT' && type !== 'UPDATE' && type !== 'DELETE') return null;
  const committedAt = parseServerTime(payload.commit_timestamp);
  return {
    type,
    new: type === 'DELETE' ? null : (payload.new ?? payload.record ?? null),
    old: type === 'INSERT' ? null : (payload.old ?? payload.old_record ?? null),
    ...(committedAt === null ? {} : { committedAt }),
  };
}

/**
 * The values of the packed `column` a change carries, before and after it (a row that moved out
 * of one value into another concerns both). Empty when neither row has the column (e.g. a DELETE
 * carrying only the primary key).
 */
export function packedValuesOf(change: RowChange<any>, column: string): Set<string> {
  const values = new Set<string>();
  const known = (row: any) => row && row[column] !== undefined && row[column] !== null;
  // A UUID in the case Postgres prints it, as members' values are compared (a parameter may be upper case).
  if (known(change.new)) values.add(uuidCase(String(change.new[column])));
  if (known(change.old)) values.add(uuidCase(String((change.old as Record<string, unknown>)[column])));
  return values;
}

/**
 * Hands a change to the members it concerns: every member of an unpacked channel (`column`
 * null); on a packed channel, those whose value the row carries before or after the change, or
 * every member when it carries none (stores ignore rows they do not hold).
 */
export function deliverChange(members: Iterable<CarrierMember>, column: string | null, change: RowChange<any>): void {
  if (!column) {
    for (const s of [...members]) s.listener.onChange(change);
    return;
  }
  // Route by the packed column's value before and after the change.
  const values = packedValuesOf(change, column);
  // None (e.g. a DELETE carrying only the primary key), or a bigint beyond 2^53 read rounded
  // (it may be any of the values near it; the stores read such rows again: ./live-query.ts).
  const unknown = values.size === 0 || [change.new, change.old].some((row) => unsafeKey(row?.[column]));
  for (const s of [...members]) if (unknown || (s.value !== null && values.has(uuidCase(s.value)))) s.listener.onChange(change);
  // During a re-pack both channels may carry a value; the store's version guard makes the
  // second copy of a change a no-op.
}

/** Broadcast mode: a realtime.broadcast_changes message, routed to the members it concerns. */
export function deliverMessage(members: Iterable<CarrierMember>, message: any): void {
  const parsed = changeOfMessage(message);
  if (!parsed) return;
  for (const s of [...members]) if (changeMatches(s.spec, parsed.table, parsed.change)) s.listener.onChange(parsed.change);
}
