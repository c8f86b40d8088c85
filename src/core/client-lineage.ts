/**
 * Which clients are one client to the widgets: a provider kept out of the page (a route cached by
 * Vue's `<KeepAlive>`, a tab panel) gives up its client after a moment, and makes a new one with
 * the same configuration when it is back. Widgets carry on with that one where they were (alerts
 * written meanwhile fire once, as for a client that stayed: QA86 M2), not as with another user's.
 */
const lineages = new WeakMap<object, object>();

/** `client` carries on from `previous` (and from what `previous` carried on from). */
export function continueLineage(client: object, previous: object): void {
  if (client !== previous) lineages.set(client, lineageOf(previous));
}

/** What `client` is one with: the first client of its line (itself when it carries on from none). */
export function lineageOf(client: object): object {
  return lineages.get(client) ?? client;
}
