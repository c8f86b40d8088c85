/**
 * Skews the test page's wall clock, like a browser whose clock is off: `Date.now()` and
 * `new Date()` read `offsetMs` away from the real time and keep running (nothing is frozen;
 * timers, `performance.now()` and the server are untouched). Returns the undo.
 *
 *   const restore = skewClock(-2 * 60_000); // the browser is 2 minutes behind
 *   try { … } finally { restore(); }
 */
export function skewClock(offsetMs: number): () => void {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  const now = () => realNow() + offsetMs;
  const Skewed = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      return args.length ? Reflect.construct(target, args, newTarget) : Reflect.construct(target, [now()], newTarget);
    },
    apply() {
      // Date() called without new returns a string of the current time.
      return new RealDate(now()).toString();
    },
    get(target, prop, receiver) {
      return prop === 'now' ? now : Reflect.get(target, prop, receiver);
    },
  });
  globalThis.Date = Skewed;
  return () => {
    globalThis.Date = RealDate;
  };
}

/** The shape of Phoenix's `Timer` (realtime-js's `RealtimeClient#reconnectTimer`). */
export interface PhoenixTimer {
  tries: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  callback: () => void;
  timerCalc: (tries: number) => number;
  scheduleTimeout(): void;
  reset(): void;
}

/**
 * Puts the socket's reconnect timer under the test's hand: a scheduled retry does not run by
 * itself; the delay the client asked for is recorded, and `fire()` runs the retry now. So a test
 * asserts the back-off as the sequence of delays handed to the timer, and "reconnects at once"
 * as "connected while the scheduled retry never ran" — no wall-clock window. Returns the undo.
 */
export function manualTimer(timer: PhoenixTimer) {
  const original = { scheduleTimeout: timer.scheduleTimeout, reset: timer.reset };
  /** Delays (ms) asked for, in order: one per scheduled retry. */
  const delays: number[] = [];
  let due: (() => void) | null = null;
  let fired = 0;
  timer.scheduleTimeout = function (this: PhoenixTimer) {
    clearTimeout(this.timer);
    this.timer = undefined;
    delays.push(this.timerCalc(this.tries + 1));
    due = () => {
      due = null;
      fired++;
      this.tries = this.tries + 1;
      this.callback();
    };
  };
  timer.reset = function (this: PhoenixTimer) {
    due = null;
    original.reset.call(this);
  };
  return {
    delays,
    /** A retry is scheduled and has not run. */
    get pending() {
      return due !== null;
    },
    /** How many scheduled retries the test has run. */
    get fired() {
      return fired;
    },
    /** Run the scheduled retry now. */
    fire() {
      if (!due) throw new Error('no retry is scheduled');
      due();
    },
    restore() {
      due = null;
      timer.scheduleTimeout = original.scheduleTimeout;
      timer.reset = original.reset;
    },
  };
}
