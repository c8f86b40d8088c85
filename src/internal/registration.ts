/**
 * Element registration, held back in the script-tag bundle.
 *
 * The script-tag bundle (src/cdn.ts) imports every element statically (one flat scope: smaller
 * than evaluating the element modules lazily), so their `define()` calls run while the script
 * loads. In that build (`__RT_CDN__`), registrations wait here until the bundle has decided
 * whether it is the first rt-monitor on the page: the first copy releases them one microtask
 * later, a second copy drops them (no registration, no warnings). Everywhere else (npm build,
 * tests) they run at once.
 */
declare const __RT_CDN__: boolean | undefined;

let held: Array<() => void> | null = typeof __RT_CDN__ !== 'undefined' && __RT_CDN__ ? [] : null;

/** Runs `define` now, or, in the script-tag bundle, once {@link releaseRegistrations} says so. */
export function whenRegistering(define: () => void): void {
  if (held) held.push(define);
  else define();
}

/** Runs (or, with `run: false`, drops) the held registrations; later ones run at once. */
export function releaseRegistrations(run: boolean): void {
  const pending = held ?? [];
  held = null;
  if (run) for (const define of pending) define();
}
