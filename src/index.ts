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

// elements (each module registers its tag)
export { RtProvider } from './elements/rt-provider/rt-provider.js';
export { RtConnectionStatus } from './elements/rt-connection-status/rt-connection-status.js';
export { RtMultiConnectionStatus, type NamedStatus } from './elements/rt-multi-connection-status/rt-multi-connection-status.js';
export { RtProgress } from './elements/rt-progress/rt-progress.js';
export { RtStreamProgress } from './elements/rt-stream-progress/rt-stream-progress.js';
export { RtStreamCard } from './elements/rt-stream-card/rt-stream-card.js';
export { RtScanProgress } from './elements/rt-scan-progress/rt-scan-progress.js';
export { RtAgentExecutions } from './elements/rt-agent-executions/rt-agent-executions.js';
export { RtSignalAlerts } from './elements/rt-signal-alerts/rt-signal-alerts.js';
export { RtNotifications } from './elements/rt-notifications/rt-notifications.js';
export { RtMonitoringDashboard } from './elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
export { RtDiagnostics } from './elements/rt-diagnostics/rt-diagnostics.js';

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
