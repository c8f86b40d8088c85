/**
 * A page whose Content-Security-Policy allows Supabase's REST URL but not its WebSocket (QA22 F2;
 * real backend, Chromium and Firefox). Firefox refuses the socket in its constructor (a synchronous
 * throw): the link never left "opening", the connection read "Connecting" with "The realtime
 * configuration is invalid", and every widget "Connecting…" for good. Chromium named the policy on
 * the connection, but its widgets still read "Connecting…". Now both name the policy everywhere;
 * rows read over REST may show, never as Live. Its own file: a page cannot drop a policy again.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-connection-status/rt-connection-status.js';
import { createRtClient } from '../../src/core/client.js';
import { en } from '../../src/internal/strings.js';
import { USERS, backendInfo, newStream, signIn, waitFor } from '../helpers/backend.js';
import { deepText } from '../elements/helpers.js';

describe("the page's Content-Security-Policy blocks the realtime socket only (real backend)", function () {
  this.timeout(60_000);

  it('every widget names the policy, not "Connecting…" for good', async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const stream = await newStream({ name: 'rest only' });
    const meta = document.createElement('meta');
    meta.httpEquiv = 'Content-Security-Policy';
    meta.content = `connect-src 'self' ws://${location.host} ${new URL(info.url).origin}`;
    document.head.append(meta);
    const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: token });
    try {
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card><rt-connection-status show-text></rt-connection-status></rt-provider>`);
      const card = wrapper.querySelector('rt-stream-card')!;
      const status = wrapper.querySelector('rt-connection-status')!;
      let seen = '';
      await waitFor(() => (seen = deepText(card.shadowRoot!)).includes(en.errorMessages['csp-blocked']), 30_000, 'the card names the policy').catch((e: Error) => {
        throw new Error(`${e.message}; shown: "${seen}"; connection: ${JSON.stringify(c.getConnection())}`);
      });
      await waitFor(() => deepText(status.shadowRoot!).includes(en.errorMessages['csp-blocked']), 10_000, 'the connection status names the policy');
      const conn = c.getConnection();
      expect(conn.status).to.equal('error');
      expect(conn.lastError?.detail).to.equal('csp-blocked');
      // REST is allowed: the row may show, never as Live.
      expect(deepText(card.shadowRoot!)).to.not.include(en.live);
    } finally {
      c.dispose();
    }
  });
});
