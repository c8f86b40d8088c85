/**
 * A page whose globals break promises (real backend, real Chromium). QA round 22: with a function
 * on `Object.prototype.then` every await of a plain object (each supabase-js reply) waits for it
 * forever: the widgets read "Loading…" for good under a green "Connected", nothing logged. The
 * client now refuses to start on such a page and every widget names the cause.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { backendInfo, newStream, waitFor } from '../helpers/backend.js';
import { deepText } from './helpers.js';

describe("a page's Object.prototype.then (real backend)", function () {
  this.timeout(30_000);

  it('the client says so instead of loading forever; its widget shows the cause', async () => {
    const info = await backendInfo();
    const stream = await newStream({ name: 'proto-then probe' });
    let client: RtClient;
    // Set and removed around the synchronous construction only: the test runner itself awaits objects.
    Object.defineProperty(Object.prototype, 'then', { value() {}, configurable: true, writable: true });
    try {
      client = createRtClient({ url: info.url, anonKey: info.anonKey });
    } finally {
      delete (Object.prototype as { then?: unknown }).then;
    }
    try {
      expect(client.configError?.code).to.equal('bad-config');
      expect(client.configError?.message).to.contain('Object.prototype.then');
      const wrapper = await fixture<HTMLElement>(html`<rt-provider .client=${client}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-progress')!;
      await waitFor(() => deepText(el.shadowRoot!).includes('Object.prototype.then'), 10_000, 'the cause shown');
    } finally {
      client.dispose();
    }
  });
});
