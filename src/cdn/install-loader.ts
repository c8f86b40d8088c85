/**
 * The loader's shared part (src/cdn/loader.ts imports it first): installs `window.RtMonitor`.
 * A module script has no `document.currentScript`: the configuration is the first `<script>`
 * carrying `data-*` (src/internal/script-config.ts).
 */
import { install } from './install.js';
import { configScript } from '../internal/script-config.js';

export const installed = install(configScript(null, document));
