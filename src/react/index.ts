/**
 * rt-monitor for React: every element wrapped with `@lit/react`, with typed props and events.
 *
 * ```tsx
 * import { RtProvider, RtStreamProgress, RtSignalAlerts } from 'rt-monitor/react';
 *
 * <RtProvider client={supabase}>
 *   <RtStreamProgress streamId={id} onRtProgressComplete={(e) => toast(e.detail.label)} />
 *   <RtSignalAlerts userId={user.id} onRtAlert={(e) => console.log(e.detail.alert)} />
 * </RtProvider>
 * ```
 *
 * Properties are set as element properties (objects and functions too, e.g. `client`,
 * `accessToken`); `onRt…` props listen to the element's `rt-…` events. Importing this module
 * registers the elements. The wrappers are generated from custom-elements.json
 * (src/generated/react.ts, scripts/generate-lists.mjs): every element has one, with its events.
 */
export * from '../generated/react.js';
export type { RtAlertEvent, RtErrorEvent, RtNotificationEvent, RtProgressCompleteEvent, RtSessionExpiredEvent, RtStatusChangeEvent } from '../events.js';
