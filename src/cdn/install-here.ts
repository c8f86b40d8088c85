/**
 * Installs `window.RtMonitor` from the running classic script (the all-in file, src/cdn.ts).
 * A module of its own so that it runs before any element module (ES module order).
 */
import { install } from './install.js';
import { configScript } from '../internal/script-config.js';

/** `document.currentScript` is only set while the script runs synchronously: read it now. */
export const installed = install(typeof document === 'undefined' ? null : configScript(document.currentScript as HTMLScriptElement | null, document));
