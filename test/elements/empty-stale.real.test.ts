/**
 * An empty list that was live stays what it was through an outage (QA56 F2), against the REAL local
 * backend: "No signal alerts" / "You are all caught up" under the Stale badge, as a list with rows
 * keeps its rows. Before, "Could not load live data" (the error box) replaced it as soon as the
 * socket dropped, while the badge beside it said Stale, with REST answering all along.
 * A scope the user can no longer see still shows its error (rls-exit.real.test.ts).
 */
import { expect, waitUntil } from '@open-wc/testing';
import type { RtClientApi } from '../../src/core/client-types.js';
import { loadElements } from './under-test.js';
import { dropConnections, pauseRealtime } from '../helpers/backend.js';
import { text } from './helpers.js';
import { en } from '../../src/internal/strings.js';
import { listPage, offLive, until } from './offline-helpers.js';

describe('an empty list through an outage (real backend)', function () {
  this.timeout(60_000);
  before(async () => {
    await loadElements();
  });
  afterEach(async () => {
    await pauseRealtime(0).catch(() => {});
  });

  for (const [kind, empty] of [['alerts', en.noAlerts], ['notes', en.noNotifications]] as const) {
    it(`${kind}: "${empty}" stays under Stale while the sockets are refused, and is Live again after`, async () => {
      const { el, wrapper } = await listPage(kind, 5); // a fresh user: no rows, Live
      expect(text(el)).to.include(empty);
      await pauseRealtime(120_000);
      await dropConnections();
      await offLive(el);
      await until(el, new RegExp(en.stale), 'the Stale badge');
      // Several reconnect attempts fail meanwhile; what the list shows is read at each change.
      const seen = new Set<string>();
      const watch = new MutationObserver(() => seen.add(text(el).includes(en.errorTitle) ? 'error box' : text(el).includes(empty) ? 'empty' : 'other'));
      watch.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
      try {
        // Two reconnect attempts failed: the socket counts as down, and every widget not live is told
        // its cause (Link.failing) and reads its rows over REST.
        const client = (wrapper as HTMLElement & { rtClient?: RtClientApi }).rtClient!;
        await waitUntil(() => client.getConnection().attempt >= 3, 'three reconnect attempts', { timeout: 30_000, interval: 50 });
        await until(el, new RegExp(en.stale), 'Stale');
        expect(text(el)).to.include(empty);
        expect(text(el)).to.not.include(en.errorTitle);
        await pauseRealtime(0);
        await until(el, /\bLive\b/);
      } finally {
        watch.disconnect();
      }
      expect([...seen], 'never the error box').to.not.include('error box');
      expect(text(el)).to.include(empty);
    });
  }
});
