/**
 * Long-session hygiene for the RealtimeClient rt-monitor owns.
 *
 * realtime-js (2.119.1) registers three socket callbacks (open, close, message) in
 * `RealtimeClient._setupConnectionHandlers()`, which `connect()` calls every time it opens a socket
 * (rt-monitor's reconnect, the watchdog, `online` / `visibilitychange`, and realtime-js's own
 * `channel.subscribe()` on a closed socket). They are never removed, so a tab that reconnects N
 * times runs N copies of each on every open / close / message and keeps N × 3 closures alive.
 * The three callbacks do the same whichever copy runs (start the auth refresh on open, stop the
 * heartbeat worker on close, clear the worker's pending heartbeat ref), so one registration per
 * client is the intended behaviour: the first call registers them, later calls are skipped.
 *
 * Applied only when the method exists (another realtime-js version may have fixed or renamed it;
 * test/core/long-session.real.test.ts counts the callbacks after 100 reconnects either way).
 */

/** Makes `realtime._setupConnectionHandlers` run once per client. Returns whether it applied. */
export function registerConnectionHandlersOnce(realtime: unknown): boolean {
  const rt = realtime as { _setupConnectionHandlers?: unknown } | null;
  const setup = rt?._setupConnectionHandlers;
  if (!rt || typeof setup !== 'function') return false;
  let done = false;
  rt._setupConnectionHandlers = function (this: unknown, ...args: unknown[]) {
    if (done) return undefined;
    done = true;
    return (setup as (...a: unknown[]) => unknown).apply(this, args);
  };
  return true;
}

/**
 * Runs `build` (which makes a RealtimeClient) and returns what it built with a function that removes
 * the listeners it added on `window` meanwhile. phoenix (0.4.5, inside realtime-js) adds `pagehide`,
 * `pageshow` and `visibilitychange` listeners on `window` in its Socket's constructor and never
 * removes them: every disposed client (a provider removed, a user switch) stayed reachable from
 * `window` with all it held (QA round 21: 3 listeners and ~9 KB per client, for good). The page's
 * own `addEventListener` (wrapped or not) still does the adding; it is put back at once.
 */
export function withWindowListeners<T>(build: () => T): [built: T, release: () => void] {
  if (typeof window === 'undefined') return [build(), () => {}];
  const added: Parameters<typeof window.addEventListener>[] = [];
  const own = Object.getOwnPropertyDescriptor(window, 'addEventListener');
  const add = window.addEventListener;
  window.addEventListener = function (this: Window, ...args: Parameters<typeof window.addEventListener>) {
    added.push(args);
    return add.apply(this, args);
  };
  try {
    return [build(), () => added.forEach((args) => window.removeEventListener(...args))];
  } finally {
    if (own) Object.defineProperty(window, 'addEventListener', own);
    else delete (window as { addEventListener?: unknown }).addEventListener;
  }
}
