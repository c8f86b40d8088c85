/**
 * The script-tag loader's client part (src/cdn/install-loader.ts: realtime-js, postgrest-js,
 * rt-monitor's core) could not be downloaded. The page default becomes a client that can only say
 * so (src/core/failed-client.ts), so every widget outside an `<rt-provider>` names that cause at
 * once (`not-configured`, detail `load-failed`) instead of waiting 10 s for a client and then
 * reading "not configured". A client configured meanwhile (by another copy of rt-monitor) is kept.
 * A module of its own, imported only on that failure: the loader stays small.
 */
import { getDefaultClient, setDefaultClient } from '../core/default-client-slot.js';
import { createFailedClient } from '../core/failed-client.js';

export function clientPartFailed(message: string): void {
  if (!getDefaultClient()) setDefaultClient(createFailedClient({ code: 'not-configured', message, detail: 'load-failed' }));
}
