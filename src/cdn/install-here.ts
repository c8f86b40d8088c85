/**
 * Installs `window.RtMonitor` from the running script (the all-in file, src/cdn.ts).
 * A module of its own so that it runs before any element module (ES module order).
 */
import { install, TAGS } from './install.js';
import { configScript } from '../internal/script-config.js';
import { failure, showFailure } from './fallback.js';

/** `document.currentScript` is only set while the script runs synchronously: read it now. */
export const installed = install(typeof document === 'undefined' ? null : configScript(document.currentScript as HTMLScriptElement | null, document));

let defined = false;
let markDefined: () => void = () => {};
let stopped: (e: ErrorEvent) => void = () => {};
if (installed.first && typeof window !== 'undefined') {
  // `RtMonitor.ready` resolves once every element module ran (src/cdn.ts calls `definedAll()` last).
  // If the file throws on the way (a Trusted Types policy that refuses Lit's "lit-html", …), the
  // error is reported (an `error` event) and the rest never runs: then `ready` rejects, the console
  // names that error, and each rt-* box still undefined shows it (src/cdn/fallback.ts). Checked in a
  // microtask: an error reported by a callback while the file goes on running is not a stop.
  installed.api.ready = new Promise<void>((resolve, reject) => {
    markDefined = resolve;
    stopped = (e) =>
      queueMicrotask(() => {
        if (defined) return;
        removeEventListener('error', stopped);
        const none = !TAGS.some((t) => customElements.get(t));
        const error = new Error(`rt-monitor: the bundle stopped while loading${none ? ', so no element is defined' : ''}: ${failure(e.error ?? e.message)}`);
        reject(error);
        console.error(error.message);
        showFailure(TAGS, error.message);
      });
    addEventListener('error', stopped);
  });
  installed.api.ready.catch(() => {}); // rejected only for those who wait on it (the console says it anyway)
}

/** Every element module ran: `RtMonitor.ready` resolves. */
export function definedAll(): void {
  defined = true;
  if (typeof window !== 'undefined') removeEventListener('error', stopped);
  markDefined();
}
