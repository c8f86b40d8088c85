/**
 * When a page has run the scripts it runs as it loads: its classic scripts, then (once parsing
 * ends) its `defer` and `type="module"` scripts, all before `DOMContentLoaded`. A page that names
 * its project in markup (`<rt-provider supabase-url anon-key>`, the script tag's `data-*`) often
 * hands over the user's token from one of those scripts; an anonymous client that started before
 * them would join and read as nobody first (QA57 F4: 401s on the console, an `rt-error`, a
 * "Not signed in" flash, then the user's data).
 */

let parsed: Promise<void> | null = null;

/**
 * A promise settled just after `DOMContentLoaded` (its handlers ran) while the document is still being parsed or its
 * deferred and module scripts have yet to run; `null` once they have all run (or without a
 * document: a worker, a server). A document in the `interactive` state has finished parsing but
 * runs those scripts before `DOMContentLoaded`: its navigation timing entry tells the two apart
 * (`domContentLoadedEventStart` is 0 until the event starts).
 */
export function afterPageScripts(): Promise<void> | null {
  if (typeof document === 'undefined' || document.readyState === 'complete') return null;
  if (document.readyState === 'interactive') {
    const [nav] = (typeof performance !== 'undefined' && performance.getEntriesByType?.('navigation')) || [];
    if (!nav || (nav as PerformanceNavigationTiming).domContentLoadedEventStart > 0) return null;
  }
  // Settled a task after the event: a token set by a `DOMContentLoaded` handler counts too.
  return (parsed ??= new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => setTimeout(resolve, 0), { once: true })));
}
