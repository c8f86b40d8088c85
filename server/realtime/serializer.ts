/**
 * Phoenix wire formats as Supabase Realtime speaks them.
 *
 * - vsn 1.0.0: every frame is a JSON object `{topic, event, payload, ref, join_ref}`.
 * - vsn 2.0.0: text frames are JSON arrays `[join_ref, ref, topic, event, payload]`; binary frames
 *   carry user broadcasts: kind 3 (client → server push, decoded here) and kind 4 (server → client,
 *   encoded here for binary payloads). All binary length fields are one byte.
 */

export type Vsn = '1.0.0' | '2.0.0';

export interface Msg {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

/** A user broadcast as it travels between channels: JSON payload or raw bytes. */
export interface UserBroadcast {
  event: string;
  /** JSON value, or the raw bytes when `binary` is true. */
  payload: unknown;
  binary: boolean;
  meta?: Record<string, unknown>;
}

export class FrameError extends Error {}

const KIND_USER_BROADCAST_PUSH = 3;
const KIND_USER_BROADCAST = 4;
const ENCODING_BINARY = 0;
const ENCODING_JSON = 1;

/** Parses `?vsn=`: absent ⇒ 1.0.0 (Phoenix default); `1.x` / `2.x` accepted; anything else ⇒ null. */
export function parseVsn(raw: string | null): Vsn | null {
  if (raw === null || raw === '') return '1.0.0';
  if (/^1\.\d+\.\d+$/.test(raw)) return '1.0.0';
  if (/^2\.\d+\.\d+$/.test(raw)) return '2.0.0';
  return null;
}

const refOf = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

function checkMsg(m: { join_ref: unknown; ref: unknown; topic: unknown; event: unknown; payload: unknown }): Msg {
  if (typeof m.topic !== 'string' || typeof m.event !== 'string') throw new FrameError('frame without string topic/event');
  return { join_ref: refOf(m.join_ref), ref: refOf(m.ref), topic: m.topic, event: m.event, payload: m.payload };
}

export function decodeFrame(data: Buffer, isBinary: boolean, vsn: Vsn): Msg {
  if (isBinary) {
    if (vsn !== '2.0.0') throw new FrameError('binary frame on a vsn 1.0.0 socket');
    return decodeBinary(data);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    throw new FrameError('frame is not valid JSON');
  }
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length < 5) throw new FrameError('vsn 2.0.0 text frame is not a 5-element array');
    const [join_ref, ref, topic, event, payload] = parsed as unknown[];
    return checkMsg({ join_ref, ref, topic, event, payload });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FrameError('vsn 1.0.0 frame is not a JSON object');
  const o = parsed as Record<string, unknown>;
  return checkMsg({ join_ref: o.join_ref, ref: o.ref, topic: o.topic, event: o.event, payload: o.payload });
}

/** Kind 3: kind, join_ref_len, ref_len, topic_len, event_len, meta_len, encoding, strings…, payload. */
function decodeBinary(buf: Buffer): Msg {
  if (buf.length < 7) throw new FrameError('binary frame too short');
  const kind = buf[0];
  if (kind !== KIND_USER_BROADCAST_PUSH) throw new FrameError(`unsupported binary frame kind ${kind}`);
  const joinRefLen = buf[1]!;
  const refLen = buf[2]!;
  const topicLen = buf[3]!;
  const eventLen = buf[4]!;
  const metaLen = buf[5]!;
  const encoding = buf[6]!;
  let off = 7;
  const take = (n: number) => {
    if (off + n > buf.length) throw new FrameError('binary frame truncated');
    const s = buf.subarray(off, off + n).toString('utf8');
    off += n;
    return s;
  };
  const joinRef = take(joinRefLen);
  const ref = take(refLen);
  const topic = take(topicLen);
  const event = take(eventLen);
  const metaText = take(metaLen);
  const body = buf.subarray(off);
  let meta: Record<string, unknown> | undefined;
  if (metaText) {
    try {
      const m = JSON.parse(metaText);
      if (m && typeof m === 'object' && !Array.isArray(m)) meta = m as Record<string, unknown>;
    } catch {
      throw new FrameError('binary frame metadata is not JSON');
    }
  }
  let payload: unknown;
  let binary = false;
  if (encoding === ENCODING_JSON) {
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      throw new FrameError('binary frame JSON payload is not valid JSON');
    }
  } else if (encoding === ENCODING_BINARY) {
    payload = Buffer.from(body);
    binary = true;
  } else throw new FrameError(`unknown binary payload encoding ${encoding}`);
  const userBroadcast: UserBroadcast = { event, payload, binary, ...(meta ? { meta } : {}) };
  return {
    join_ref: joinRef || null,
    ref: ref || null,
    topic,
    event: 'broadcast',
    // The same shape a text broadcast push has, plus the decoded user broadcast for binary payloads.
    payload: { type: 'broadcast', event, payload: binary ? null : payload, __userBroadcast: userBroadcast },
  };
}

export function encodeFrame(msg: Msg, vsn: Vsn): string {
  if (vsn === '2.0.0') return JSON.stringify([msg.join_ref, msg.ref, msg.topic, msg.event, msg.payload]);
  return JSON.stringify({ topic: msg.topic, event: msg.event, payload: msg.payload, ref: msg.ref, join_ref: msg.join_ref });
}

/**
 * Encodes a push whose payload is already JSON text (the hot postgres_changes path: the data
 * object is serialized once per change and role, not once per subscriber).
 */
export function encodeRawPayload(topicJson: string, event: string, payloadJson: string, vsn: Vsn): string {
  if (vsn === '2.0.0') return `[null,null,${topicJson},${JSON.stringify(event)},${payloadJson}]`;
  return `{"topic":${topicJson},"event":${JSON.stringify(event)},"payload":${payloadJson},"ref":null,"join_ref":null}`;
}

/**
 * A user broadcast for one socket: text array / object for JSON payloads; kind 4 binary for byte
 * payloads on vsn 2.0.0; null when the socket cannot receive it (bytes to a vsn 1.0.0 socket).
 */
export function encodeBroadcast(topic: string, b: UserBroadcast, vsn: Vsn): string | Buffer | null {
  if (!b.binary) {
    const payload: Record<string, unknown> = { type: 'broadcast', event: b.event, payload: b.payload };
    if (b.meta) payload.meta = b.meta;
    return encodeFrame({ join_ref: null, ref: null, topic, event: 'broadcast', payload }, vsn);
  }
  if (vsn !== '2.0.0') return null;
  const t = Buffer.from(topic, 'utf8');
  const e = Buffer.from(b.event, 'utf8');
  const m = Buffer.from(b.meta ? JSON.stringify(b.meta) : '', 'utf8');
  if (t.length > 255 || e.length > 255 || m.length > 255) return null;
  const header = Buffer.from([KIND_USER_BROADCAST, t.length, e.length, m.length, ENCODING_BINARY]);
  return Buffer.concat([header, t, e, m, b.payload as Buffer]);
}
