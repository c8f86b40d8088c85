/**
 * A page whose Content-Security-Policy allows Supabase's realtime socket but not its REST URL
 * (QA22 F13; real backend). A refused request fails like an unreachable server, and postgrest-js
 * retried each read three times (1, 2, 4 s) before rt-monitor looked at the page's policy report:
 * the widgets sat on "Loading…" for 15 s (Firefox 18 s). The report is there at once; a request the
 * policy refused is not sent again. Its own file: a page cannot drop a policy again.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import { createRtClient } from '../../src/core/client.js';
import { en } from '../../src/internal/strings.js';
import { USERS, backendInfo, newStream, signIn, waitFor } from '../helpers/backend.js';
import { deepText } from '../elements/helpers.js';

describe("the page's Content-Security-Policy blocks Supabase's REST URL only (real backend)", function () {
  this.timeout(60_000);

  it('the widget names the policy after at most one retry of a refused read', async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const stream = await newStream({ name: 'socket only' });
    const meta = document.createElement('meta');
    meta.httpEquiv = 'Content-Security-Policy';
    meta.content = `connect-src 'self' ws://${location.host} ${info.url.replace(/^http/, 'ws')}`;
    document.head.append(meta);
    // Every attempt of every REST request, by URL (postgrest-js retries with the same URL).
    const attempts = new Map<string, number>();
    const pageFetch = window.fetch;
    window.fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/rest/')) attempts.set(url, (attempts.get(url) ?? 0) + 1);
      return pageFetch(input, init);
    };
    const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: token });
    try {
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`);
      const card = wrapper.querySelector('rt-stream-card')!;
      let seen = '';
      await waitFor(() => (seen = deepText(card.shadowRoot!)).includes(en.errorMessages['csp-blocked']), 30_000, 'the card names the policy').catch((e: Error) => {
        throw new Error(`${e.message}; shown: "${seen}"`);
      });
      const most = Math.max(...attempts.values());
      expect(most, `attempts per request: ${JSON.stringify([...attempts.values()])}`).to.be.at.most(2);
      expect(deepText(card.shadowRoot!)).to.not.include(en.live);
    } finally {
      window.fetch = pageFetch;
      c.dispose();
    }
  });
});
