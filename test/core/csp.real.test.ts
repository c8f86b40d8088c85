/**
 * A page whose Content-Security-Policy does not allow the Supabase URL in `connect-src` (real
 * backend, real Chromium). A refused request fails like an unreachable server; before, every widget
 * said "The server cannot be reached. Retrying automatically." and retried forever, so the page's
 * author looked for a network problem. The page's own `securitypolicyviolation` report now names
 * the policy. This file installs the policy on its page (a page cannot drop a policy again), after
 * it has read what it needs from the backend.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-connection-status/rt-connection-status.js';
import { createRtClient } from '../../src/core/client.js';
import { en } from '../../src/internal/strings.js';
import { USERS, backendInfo, newStream, signIn, waitFor } from '../helpers/backend.js';
import { deepText } from '../elements/helpers.js';

describe("the page's Content-Security-Policy blocks Supabase (real backend)", function () {
  this.timeout(60_000);

  it('widgets and the connection name the policy, not the network', async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const stream = await newStream({ name: 'behind a policy' });
    expect(new URL(info.url).origin).to.not.equal(location.origin); // the backend is another origin
    const meta = document.createElement('meta');
    meta.httpEquiv = 'Content-Security-Policy';
    meta.content = `connect-src 'self' ws://${location.host}`;
    document.head.append(meta);
    const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: token });
    try {
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card><rt-connection-status></rt-connection-status></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-card')!;
      let seen = '';
      await waitFor(() => (seen = deepText(el.shadowRoot!)).includes(en.errorMessages['csp-blocked']), 20_000, 'the policy named').catch((e: Error) => {
        throw new Error(`${e.message}; shown: "${seen}"; connection: ${JSON.stringify(c.getConnection())}`);
      });
      expect(deepText(el.shadowRoot!)).to.not.include('behind a policy');
      await waitFor(() => c.getConnection().lastError?.detail === 'csp-blocked', 20_000, `connection error: ${JSON.stringify(c.getConnection().lastError)}`);
      expect(c.getConnection().status).to.not.equal('connected');
      // The connection widget leads with the policy too, not "The server cannot be reached".
      const status = wrapper.querySelector('rt-connection-status')!;
      await waitFor(() => deepText(status.shadowRoot!).includes(en.errorMessages['csp-blocked']), 10_000, 'connection status names the policy');
      expect(deepText(status.shadowRoot!)).to.not.include(en.errorMessages.network);
    } finally {
      c.dispose();
    }
  });
});
