/**
 * rt-monitor, npm / ESM entry: every public export, and registration of every element
 * (guarded: importing this module twice, or next to the script-tag bundle, is safe).
 *
 *   import 'rt-monitor';                                   // registers all elements
 *   import { RtStreamCard, StreamProgressController, createRtClient } from 'rt-monitor';
 */

// core (framework-free), context and controllers
export * from './core/index.js';
export * from './context/index.js';
export * from './controllers/index.js';

// events
export * from './events.js';

// elements (each module registers its tag): the list is generated from custom-elements.json
export * from './generated/elements.js';
export type { NamedStatus } from './elements/rt-multi-connection-status/rt-multi-connection-status.js';
export { RT_TAGS, type RtTag } from './generated/tags.js';

// building blocks for custom elements and translations
export { RtElement, RT_VERSION } from './internal/rt-element.js';
export { en as englishStrings, loadStrings, registerStrings, stringsFor, type RtStrings } from './internal/strings.js';
export { subscribeTick, TickController } from './internal/ticker.js';
export {
  clampCount,
  clampPercent,
  formatAgo,
  nextAgoChange,
  formatDateTime,
  formatDuration,
  formatNumber,
  formatPercent,
  formatRelative,
} from './internal/format.js';
export { tokens, colorTokens, staticTokens, type Tone } from './styles/tokens.js';
