/**
 * rt-monitor, all-in script-tag entry (built to `dist/rt-monitor.js`, an IIFE with everything inside).
 *
 * ```html
 * <script src="rt-monitor.js" data-supabase-url="https://xyz.supabase.co" data-anon-key="…"></script>
 * <rt-stream-progress stream-id="…"></rt-stream-progress>
 * ```
 *
 * The same program as the npm modules: `window.RtMonitor` is installed first (src/cdn/install.ts:
 * `data-*` configuration, command queue, a second copy stands down), then the npm entry's modules
 * run and define every element while the script runs, exactly as `import 'rt-monitor'` does.
 * `RtMonitor` also carries every export of the npm entry (element classes, `registerStrings`,
 * controllers…); `RtMonitor.ready` is resolved once the file ran (rejected if it stopped on the way).
 *
 * Runs under a strict Content-Security-Policy: no eval, no inline code or styles (Lit uses
 * constructable stylesheets), no blob: workers (realtime-js runs with `worker: false`).
 * For pages that use a few widgets, `dist/cdn/rt-monitor-loader.js` (src/cdn/loader.ts) loads
 * only the elements the page has.
 */
import { definedAll, installed } from './cdn/install-here.js'; // first: before any element module runs
import {
  ACTIVE_STATUSES, AgentExecutionsController, AllStreamsController, CONNECTION_STATUSES, ClientController,
  ConnectionController, DEFAULT_CLIENT_EVENT, DEFAULT_REALTIME_MODE, DRIFT_PER_MS, FEEDS, GOAL_STATUSES,
  HEARTBEAT_INTERVAL_MS, HeartbeatController, LiveHub, LiveQueryController, LiveQueryStore, NOTIFICATION_TYPES,
  NOT_CONFIGURED, NotificationsController, PRIORITIES, RT_TAGS, RT_VERSION, RUN_STATUSES, RealtimeService,
  RtClient, RtElement, RtEvent,
  RtScanProgress,
  SKEW_WINDOW_MS, ScanProgressController, SignalAlertsController,
  StreamProgressController, TERMINAL_STATUSES, TickController, TokenUnavailableError, UserFeedController,
  UserScansController, clampCount, clampPercent, clockSkew, colorTokens, configure, createFrameNotifier,
  createRtClient, decodeJwt, defineFeed, englishStrings, ensureContextRoot, formatAgo, formatDateTime, formatDuration,
  formatNumber, formatPercent, formatRelative, getDefaultClient, getRealtimeService, initialState, isActiveStatus,
  isRtError, isTerminalStatus, isTokenUnavailable, loadStrings, nextAgoChange, normalizeKey, observeDateHeader,
  observeServerTime, onDefaultClientChange, parseRealtimeMode, parseTimestamp, registerStrings, resetServerClock,
  rtClientContext, rtError, rtLocaleContext, rtThemeContext, runningAgents, serverNow, setAccessToken,
  setDefaultClient, staticTokens, stringsFor, subscribeTick, tokenExpiry, tokenUserId, tokens, unreadCount, versionOf,
} from './index.js';
import type * as NpmEntry from './index.js';
import type * as Elements from './generated/elements.js';
import type { RtClientApi } from './core/client-types.js';
import type { RtClientOptions } from './core/client.js';

// The npm entry's exports named one by one (TypeScript checks the list is complete and has nothing
// more), not `import * as`: the bundler builds a namespace object with a for…in that a page's
// enumerable Object.prototype value (`Object.prototype.x = 'y'`) breaks, throwing mid-file (QA22 F4).
const npmEntry: { [K in Exclude<keyof typeof NpmEntry, keyof typeof Elements>]: unknown } & Record<string, unknown> = {
  ACTIVE_STATUSES, AgentExecutionsController, AllStreamsController, CONNECTION_STATUSES, ClientController,
  ConnectionController, DEFAULT_CLIENT_EVENT, DEFAULT_REALTIME_MODE, DRIFT_PER_MS, FEEDS, GOAL_STATUSES,
  HEARTBEAT_INTERVAL_MS, HeartbeatController, LiveHub, LiveQueryController, LiveQueryStore, NOTIFICATION_TYPES,
  NOT_CONFIGURED, NotificationsController, PRIORITIES, RT_TAGS, RT_VERSION, RUN_STATUSES, RealtimeService,
  RtClient, RtElement, RtEvent,
  RtScanProgress,
  SKEW_WINDOW_MS, ScanProgressController, SignalAlertsController,
  StreamProgressController, TERMINAL_STATUSES, TickController, TokenUnavailableError, UserFeedController,
  UserScansController, clampCount, clampPercent, clockSkew, colorTokens, configure, createFrameNotifier,
  createRtClient, decodeJwt, defineFeed, englishStrings, ensureContextRoot, formatAgo, formatDateTime, formatDuration,
  formatNumber, formatPercent, formatRelative, getDefaultClient, getRealtimeService, initialState, isActiveStatus,
  isRtError, isTerminalStatus, isTokenUnavailable, loadStrings, nextAgoChange, normalizeKey, observeDateHeader,
  observeServerTime, onDefaultClientChange, parseRealtimeMode, parseTimestamp, registerStrings, resetServerClock,
  rtClientContext, rtError, rtLocaleContext, rtThemeContext, runningAgents, serverNow, setAccessToken,
  setDefaultClient, staticTokens, stringsFor, subscribeTick, tokenExpiry, tokenUserId, tokens, unreadCount, versionOf,
};
// The element classes by their tags (generated list: an element added by adding files is here too),
// named as the npm entry names them: rt-stream-progress → RtStreamProgress.
for (const tag of RT_TAGS) npmEntry[tag.replace(/(?:^|-)(\w)/g, (_, c: string) => c.toUpperCase())] ??= customElements.get(tag);
if (installed.first) for (const [name, value] of Object.entries(npmEntry)) if (!(name in installed.api)) installed.api[name] = value;
definedAll();

// No runtime exports on purpose: an IIFE `var RtMonitor = …` assignment would replace the first
// copy's object when the file is loaded twice. `install()` sets `window.RtMonitor` itself.
export type { RtMonitorGlobal } from './cdn/install.js';
export type { RtClientApi, RtClientOptions };
