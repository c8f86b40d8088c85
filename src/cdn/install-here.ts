/**
 * Installs `window.RtMonitor` from the running classic script (the all-in file, src/cdn.ts).
 * A module of its own so that it runs before any element module (ES module order).
 */
import { install } from './install.js';
import { configScript } from '../internal/script-config.js';

/** `document.currentScript` is only set while the script runs synchronously: read it now. */
const running = typeof document === 'undefined' ? null : (document.currentScript as HTMLScriptElement | null);
export const installed = install(typeof document === 'undefined' ? null : configScript(running, document));

let defined = false;
let markDefined: () => void = () => {};
if (installed.first) {
  // `RtMonitor.ready` resolves once every element module ran (src/cdn.ts calls `definedAll()` last).
  // If the bundle throws on the way (a Trusted Types policy that refuses Lit's "lit-html", …) the
  // script's `load` event still fires: then `ready` rejects, and the console says why nothing renders.
  installed.api.ready = new Promise<void>((resolve, reject) => {
    markDefined = resolve;
    running?.addEventListener(
      'load',
      () => {
        if (defined) return; // the whole file ran
        const error = new Error(
          "rt-monitor: the bundle stopped while loading (see the error above), so no element is defined. Under Trusted Types, the page's trusted-types directive must allow Lit's policy: trusted-types lit-html 'allow-duplicates'.",
        );
        reject(error);
        console.error(error.message);
      },
      { once: true },
    );
  });
  installed.api.ready.catch(() => {}); // rejected only for those who wait on it (the console says it anyway)
}

/** Every element module ran: `RtMonitor.ready` resolves. */
export function definedAll(): void {
  defined = true;
  markDefined();
}
