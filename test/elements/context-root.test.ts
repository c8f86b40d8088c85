/**
 * The page's ContextRoot (src/context/rt-context.ts) on a page without any <rt-provider> (a script
 * tag, `RtMonitor.configure()`): it kept every widget's unanswered context requests for good
 * (QA19: ~200 bytes per widget mounted, growing without bound as widgets come and go).
 * Reads the root's queue of waiting requests (a field of @lit/context's ContextRoot) to count them.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { html, render } from 'lit';
import { LitElement } from 'lit';
import { ContextProvider } from '@lit/context';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-progress/rt-progress.js';
import '../../src/elements/rt-provider/rt-provider.js';
import { rtClientContext, rtLocaleContext, PRUNE_EVERY } from '../../src/context/rt-context.js';
import { setDefaultClient } from '../../src/core/default-client.js';
import { memory, settle } from './helpers.js';

type Root = { pendingContextRequests: Map<unknown, { requests: unknown[] }> };
const waiting = (context: unknown) =>
  ((document as unknown as Record<symbol, Root>)[Symbol.for('rt-monitor.context-root')]?.pendingContextRequests.get(context)?.requests.length ?? 0);

describe('the context root on a page without a provider', () => {
  afterEach(() => setDefaultClient(null));

  it('keeps the requests of widgets still on the page, not of every widget ever mounted', async () => {
    const client = memory();
    client.setRows('streams', [{ id: 's1', org_id: 'o', name: 'one' }]);
    setDefaultClient(client);
    const box = document.createElement('div');
    document.body.append(box);
    try {
      const rounds = 5;
      for (let round = 0; round < rounds; round++) {
        render(html`${Array.from({ length: PRUNE_EVERY }, () => html`<rt-stream-card stream-id="s1"></rt-stream-card><rt-progress percentage="5"></rt-progress>`)}`, box);
        await settle(box.lastElementChild!);
        render(html``, box); // all removed
      }
      // A widget inside a provider that is defined only later (the ContextRoot's purpose): its
      // waiting request survives the pruning and is answered once the provider upgrades.
      box.innerHTML = '<late-client-provider><rt-stream-card stream-id="s2"></rt-stream-card></late-client-provider>';
      const late = box.querySelector('rt-stream-card')!;
      for (let i = 0; i < PRUNE_EVERY; i++) document.createElement('rt-progress'); // one more pruning
      await new Promise((r) => setTimeout(r));
      expect(waiting(rtClientContext), 'client requests waiting').to.be.below(PRUNE_EVERY);
      expect(waiting(rtLocaleContext), 'locale requests waiting').to.be.below(PRUNE_EVERY);
      const own = memory();
      own.setRows('streams', [{ id: 's2', org_id: 'o', name: 'from the late provider' }]);
      customElements.define(
        'late-client-provider',
        class extends LitElement {
          provider = new ContextProvider(this, { context: rtClientContext, initialValue: own });
        },
      );
      await waitUntil(() => late.shadowRoot!.textContent!.includes('from the late provider'), 'the late provider answered', { timeout: 3000 });
    } finally {
      box.remove();
    }
  });
});
