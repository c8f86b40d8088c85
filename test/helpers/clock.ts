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
