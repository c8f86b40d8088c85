/**
 * Observing a RealtimeClient's socket (open / close / error, heartbeats, scheduled retries)
 * without taking it over. Several rt-monitor clients may watch one RealtimeClient (a host page's
 * SupabaseClient outlives every rt-monitor client built over it, one per signed-in user): the
 * first watcher installs ONE tap, the others join it, and the last one to leave removes it —
 * socket callbacks by their Phoenix refs (`socket.off(refs)`), and the heartbeat callback and
 * retry-delay function restored to what they were. Five user switches leave exactly the host's
 * own observers plus one tap.
 */
import type { RealtimeClientLike, RealtimeInternals } from './supabase-like.js';

/** What Phoenix hands its close callbacks: the WebSocket's CloseEvent. */
export interface SocketClose {
  code?: number;
  reason?: string;
}

export interface TapListener {
  open?(): void;
  close?(event?: SocketClose): void;
  error?(): void;
  /** A frame was taken in (any message, after Phoenix routed it). */
  message?(frame: PhoenixFrame): void;
  /** Phoenix heartbeat lifecycle: `sent`, `ok`, `error`, `timeout`, `disconnected`. */
  heartbeat?(status: string, latencyMs?: number): void;
  /** The socket scheduled reconnection attempt `tries` in `delayMs`. */
  retry?(tries: number, delayMs: number): void;
}

/** A decoded Phoenix message, as far as the tap reads it: a reply's `ref` and `status`. */
export interface PhoenixFrame {
  ref?: string | null;
  payload?: { status?: string } | null;
}

interface PhoenixSocketLike {
  onOpen?(cb: () => void): string;
  onClose?(cb: (event?: SocketClose) => void): string;
  onError?(cb: () => void): string;
  onMessage?(cb: (frame: PhoenixFrame) => void): string;
  off?(refs: string[]): void;
  isConnected?(): boolean;
  makeRef?(): string;
  push?(message: { topic: string; event: string; payload: object; ref: string }): void;
  readonly pendingHeartbeatRef?: string | null;
  /** Its channels (Phoenix's). */
  readonly channels?: ReadonlyArray<{ isJoined?(): boolean; trigger?(event: string, payload?: unknown): void }>;
}

/** realtime-js 2.1xx's Phoenix Socket, when at hand. */
function phoenixSocket(realtime: RealtimeClientLike): PhoenixSocketLike | undefined {
  return (realtime as RealtimeClientLike & RealtimeInternals).socketAdapter?.getSocket?.() as PhoenixSocketLike | undefined;
}

/**
 * Send a heartbeat under a ref of its own, as Phoenix's `Socket.ping()` does; returns the ref (its
 * reply is the frame with that ref, seen by {@link TapListener.message}), or null when it cannot
 * be sent (no socket open, or no Phoenix socket at hand: an older realtime-js).
 *
 * Never realtime-js's `sendHeartbeat()`: that one's ref is Phoenix's pending heartbeat, and one sent
 * while another is pending makes realtime-js close the socket and reconnect (QA75 3). A reply to
 * this one touches nothing of Phoenix's schedule. Not `Socket.ping()` itself: it registers a frame
 * listener that only its reply removes, so each ping a dead socket swallowed would stay, called on
 * every later frame; the tap's one listener reads the reply instead.
 */
export function pingRealtime(realtime: RealtimeClientLike): string | null {
  const socket = phoenixSocket(realtime);
  if (!tapReadsFrames(realtime) || !socket?.makeRef || !socket.push || !socket.isConnected?.()) return null;
  const ref = socket.makeRef();
  socket.push({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref });
  return ref;
}

interface Tap {
  listeners: Set<TapListener>;
  /** The socket's frames are observed (TapListener.message). */
  frames: boolean;
  /** Heartbeat lifecycle not told (closeUnanswered). */
  muted: boolean;
  remove(): void;
}

/**
 * Close the socket as Phoenix does for a heartbeat unanswered (its `'timeout'`): every channel is
 * errored, so each rejoins on the next socket, and a retry is scheduled. A heartbeat sent while one
 * is pending is that timeout (realtime-js `sendHeartbeat()`), so one is sent first when none is.
 * Not `disconnect()`: a socket whose close is never confirmed (a frozen server) is dropped without
 * its close event, and channels not errored would never rejoin.
 */
export function closeUnanswered(realtime: RealtimeClientLike): void {
  if ((phoenixSocket(realtime) ?? realtime).pendingHeartbeatRef) return void realtime.sendHeartbeat?.();
  // None pending: one is sent only to be given up on at once. No observer is told of either (it
  // would read as a heartbeat of its own given up on, after no wait at all).
  const tap = taps.get(realtime);
  if (tap) tap.muted = true;
  try {
    void realtime.sendHeartbeat?.();
    void realtime.sendHeartbeat?.();
  } finally {
    if (tap) tap.muted = false;
  }
}

/**
 * Error every joined channel as the socket's close does (Phoenix's `onConnClose`), so each rejoins
 * on the next socket: for a close never heard. Phoenix's teardown waits about 1.5 s for a close to
 * be confirmed, then drops the socket without its close event (a slow link), and realtime-js
 * rejoins no channel, the host page's own on a shared client included. Joined ones only: one
 * joining belongs to a newer socket (errored, its join stays queued and another is sent). A
 * channel listener that throws (the host page's) is logged, as Phoenix's own callbacks' are.
 */
export function errorChannels(realtime: RealtimeClientLike): void {
  for (const channel of phoenixSocket(realtime)?.channels ?? []) {
    if (!channel.isJoined?.()) continue;
    try {
      channel.trigger?.('phx_error', new Error('socket closed'));
    } catch (err) {
      console.error('[rt-monitor] a realtime channel listener threw', err);
    }
  }
}

/**
 * Drop the socket for a new one (realtime-js `disconnect()`), once a close under way has gone
 * through: while the socket is closing, `disconnect()` returns at once and `connect()` does nothing
 * (a second reconnect, or one just after a heartbeat timeout, left no socket at all).
 */
export async function dropSocket(realtime: RealtimeClientLike): Promise<void> {
  for (let i = 0; i < 24 && realtime.connectionState?.() === 'closing'; i++) await new Promise((done) => setTimeout(done, 150));
  await realtime.disconnect();
}

const taps = new WeakMap<object, Tap>();

/** Whether the tap on `realtime` observes its socket's frames (not with a realtime-js whose Phoenix socket is not at hand). */
export function tapReadsFrames(realtime: object): boolean {
  return !!taps.get(realtime)?.frames;
}

/** Number of taps' listeners on `realtime` (diagnostics: one per rt-monitor client watching it). */
export function tapListenerCount(realtime: object): number {
  return taps.get(realtime)?.listeners.size ?? 0;
}

/** Watch `realtime`'s socket; returns the function that stops watching (removing the tap when last). */
export function tapRealtime(realtime: RealtimeClientLike, listener: TapListener): () => void {
  let tap = taps.get(realtime);
  if (!tap) {
    tap = install(realtime);
    taps.set(realtime, tap);
  }
  tap.listeners.add(listener);
  const current = tap;
  return () => {
    if (!current.listeners.delete(listener) || current.listeners.size > 0) return;
    current.remove();
    if (taps.get(realtime) === current) taps.delete(realtime);
  };
}

function install(realtime: RealtimeClientLike): Tap {
  const listeners = new Set<TapListener>();
  const undo: Array<() => void> = [];
  const tap: Tap = {
    listeners,
    frames: false,
    muted: false,
    remove: () => {
      for (const u of undo.splice(0)) u();
    },
  };
  const failed = (err: unknown) => console.error('[rt-monitor] socket observer failed:', err);
  const each = (fn: (l: TapListener) => void) => {
    for (const l of [...listeners]) {
      try {
        fn(l);
      } catch (err) {
        failed(err);
      }
    }
  };
  const rt = realtime as RealtimeClientLike & RealtimeInternals;
  const adapter = rt.socketAdapter;

  // Socket state: Phoenix's own onOpen/onClose/onError, removable by ref.
  const socket = phoenixSocket(realtime);
  const open = () => each((l) => l.open?.());
  const close = (event?: SocketClose) => each((l) => l.close?.(event));
  const error = () => each((l) => l.error?.());
  if (socket?.onOpen && socket.onClose && socket.onError && socket.off) {
    const refs = [socket.onOpen(open), socket.onClose(close), socket.onError(error)];
    // Every frame: no copy of the set (a listener notes the time, or takes its own ping's reply).
    if (socket.onMessage) {
      tap.frames = true;
      refs.push(
        socket.onMessage((frame) =>
          listeners.forEach((l) => {
            try {
              l.message?.(frame);
            } catch (err) {
              failed(err);
            }
          }),
        ),
      );
    }
    undo.push(() => socket.off!(refs));
  } else if (adapter?.onOpen) {
    // Older realtime-js without the Phoenix socket at hand: not removable, so silenced on removal.
    let active = true;
    adapter.onOpen(() => active && open());
    adapter.onClose?.((event?: unknown) => active && close(event as SocketClose | undefined));
    adapter.onError?.(() => active && error());
    undo.push(() => {
      active = false;
    });
  }

  // Heartbeats: chained after the callback in place, which is restored on removal.
  const onBeat = (status: string, latency?: number) => tap.muted || each((l) => l.heartbeat?.(status, latency));
  if (adapter && 'heartbeatCallback' in adapter) {
    const previous = adapter.heartbeatCallback;
    const chained = (status: string, latency?: number) => {
      previous?.(status, latency);
      onBeat(status, latency);
    };
    adapter.heartbeatCallback = chained;
    undo.push(() => {
      if (adapter.heartbeatCallback === chained) adapter.heartbeatCallback = previous;
    });
  } else if (rt.onHeartbeat) {
    let active = true;
    rt.onHeartbeat((status, latency) => active && onBeat(status, latency));
    undo.push(() => {
      active = false;
    });
  }

  // Retry delays: observed through the reconnect timer's delay function, restored on removal.
  const timer = rt.reconnectTimer;
  if (timer && typeof timer.timerCalc === 'function') {
    const calc = timer.timerCalc;
    const observed = (tries: number) => {
      const delay = calc.call(timer, tries);
      each((l) => l.retry?.(tries, delay));
      return delay;
    };
    timer.timerCalc = observed;
    undo.push(() => {
      if (timer.timerCalc === observed) timer.timerCalc = calc;
    });
  }

  return tap;
}
