/**
 * When two copies of rt-monitor meet on one page (a script tag loaded twice, the script tag after
 * the npm build, two versions):
 * - one console warning per copy: whichever part notices first (an element's guarded `define()`,
 *   or the script-tag entry) says it, the rest stay quiet;
 * - a script-tag copy that finds another one already installed stands down: its elements register
 *   nothing (not even tags the first copy has not defined yet), so one version serves the page.
 */
let warned = false;
let stoodDown = false;

/** Warns `message` unless this copy already warned about another copy. */
export function warnOtherCopy(message: string): void {
  if (warned) return;
  warned = true;
  console.warn(message);
}

/** This copy defines no element from now on (another copy serves the page). */
export function standDown(): void {
  stoodDown = true;
}

/** True once {@link standDown} was called. */
export function isStoodDown(): boolean {
  return stoodDown;
}
