/**
 * Elements the page made inside a same-origin iframe, when the iframe is removed (real backend,
 * real Chromium). A discarded document gives its elements no `disconnectedCallback`: they read as
 * connected for good, so a provider there kept its socket open and a widget there kept its channel
 * on the page's default client, receiving another user's data into a document nobody sees (QA19).
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import { setDefaultClient } from '../../src/core/default-client.js';
import type { RtClient } from '../../src/core/client.js';
import { USERS, backendInfo, clientFor, newStream, signIn, waitFor } from '../helpers/backend.js';
import { instrumentWebSocket } from '../helpers/hosts.js';
import { deepText } from './helpers.js';

async function frame(): Promise<{ iframe: HTMLIFrameElement; doc: Document }> {
  const iframe = await fixture<HTMLIFrameElement>(html`<iframe></iframe>`);
  const doc = iframe.contentDocument!;
  doc.open();
  doc.write('<!doctype html><html><body></body></html>');
  doc.close();
  return { iframe, doc };
}

describe('elements in a removed iframe (real backend)', function () {
  this.timeout(60_000);
  let client: RtClient | undefined;
  afterEach(() => {
    setDefaultClient(null);
    client?.dispose();
    client = undefined;
  });

  it("a provider there closes its socket, and a widget there leaves its channel on the page's default client", async () => {
    const stream = await newStream({ name: 'In a frame' });
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    // The page's default client, made before the sockets are counted: only the provider's are.
    client = await clientFor(USERS.alice);
    setDefaultClient(client);
    const ws = instrumentWebSocket();
    try {
      const { iframe, doc } = await frame();
      const provider = document.createElement('rt-provider');
      provider.setAttribute('supabase-url', info.url);
      provider.setAttribute('anon-key', info.anonKey);
      provider.setAttribute('access-token', token);
      const inProvider = document.createElement('rt-stream-progress');
      inProvider.setAttribute('stream-id', stream.id);
      provider.append(inProvider);
      // And one outside any provider: the page's default client.
      const onDefault = document.createElement('rt-stream-progress');
      onDefault.setAttribute('stream-id', stream.id);
      doc.body.append(provider, onDefault);
      await waitFor(() => deepText(inProvider.shadowRoot!).includes('Live') && deepText(onDefault.shadowRoot!).includes('Live'), 20_000, 'both live in the frame');
      expect(ws.openCount(), "the provider's socket").to.equal(1);
      expect(client.getActiveSubscriptions().length).to.be.above(0);
      iframe.remove();
      await waitFor(() => client!.getActiveSubscriptions().length === 0, 20_000, "the widget's channel left");
      await waitFor(() => ws.openCount() === 0, 20_000, "the provider's socket closed");
    } finally {
      ws.restore();
    }
  });
});
