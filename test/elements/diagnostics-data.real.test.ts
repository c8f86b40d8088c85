/**
 * `<rt-diagnostics>` is where people are told to look when a widget is wrong. With the socket
 * healthy and every snapshot read failing (HTTP 500 from the REST API), it said "Connected · Last
 * error: None" and listed every subscription without an error, while each widget beside it said
 * "Could not load live data". A subscription's row now carries its live query's own problem, and
 * the "Last error" metric falls back to it; both clear once a read succeeds. Real backend, real
 * elements; the 500 is faked with window.fetch.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-diagnostics/rt-diagnostics.js';
import type { RtClient } from '../../src/core/client.js';
import { USERS, clientFor, newStream, pauseRealtime, waitFor } from '../helpers/backend.js';
import { deepText } from './helpers.js';
import { en } from '../../src/internal/strings.js';

const clients: RtClient[] = [];
const nativeFetch = window.fetch;
afterEach(() => {
  window.fetch = nativeFetch;
  for (const c of clients.splice(0)) c.dispose();
});

describe('<rt-diagnostics> names a live query that cannot read its data (real backend)', function () {
  this.timeout(90_000);

  it('every snapshot read failing with 500: the subscription row and "Last error" say so; both clear after a good read', async () => {
    let failing = true;
    window.fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (failing && url.includes('/rest/v1/streams') && (init?.method ?? 'GET') === 'GET') {
        return new Response(JSON.stringify({ message: 'boom from the database' }), { status: 500, headers: { 'content-type': 'application/json' } });
      }
      return nativeFetch(input, init);
    };
    const c = await clientFor(USERS.alice);
    clients.push(c);
    const stream = await newStream({ name: 'diagnosed' });
    const wrapper = await fixture(html`<rt-provider .client=${c}>
      <rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
      <rt-diagnostics></rt-diagnostics>
    </rt-provider>`);
    const widget = wrapper.querySelector('rt-stream-progress') as HTMLElement;
    const diag = wrapper.querySelector('rt-diagnostics') as HTMLElement;
    const metric = (label: string) =>
      [...diag.shadowRoot!.querySelectorAll('[part="metrics"] > div')].find((d) => d.querySelector('dt')?.textContent?.trim() === label)?.querySelector('dd')
        ?.textContent?.trim();
    const row = () => [...diag.shadowRoot!.querySelectorAll('tbody tr')].find((r) => r.textContent?.includes(`stream:${stream.id}`));

    await waitFor(() => deepText(widget.shadowRoot!).includes(en.errorMessages.server), 15_000, 'the widget shows the server error');
    await waitFor(() => c.getConnection().status === 'connected', 15_000, 'the socket is connected');
    await waitFor(() => row()?.textContent?.includes('boom from the database'), 10_000, "the subscription's row names the error");
    expect(row()!.textContent).to.contain('server:');
    await waitFor(() => metric('Last error')?.includes('boom from the database'), 5000, '"Last error" names it');
    // A query's own problem is not the connection's: with the socket down, the connection's error
    // is about the socket (rt-connection-status and rt-error 'connection' must not report a query's 500).
    await pauseRealtime(1500);
    await waitFor(() => c.getConnection().status !== 'connected', 10_000, 'the socket is down');
    expect(c.getConnection().lastError?.message ?? '').to.not.contain('boom');
    await waitFor(() => c.getConnection().status === 'connected', 20_000, 'the socket is back');

    failing = false; // the snapshot's retry reads the row (its back-off reaches 30 s on a slow run)
    await waitFor(() => deepText(widget.shadowRoot!).includes('diagnosed'), 40_000, 'the widget recovered');
    await waitFor(() => row() && !row()!.textContent!.includes('boom'), 5000, 'the row cleared');
    await waitFor(() => metric('Last error') === 'None', 5000, '"Last error" cleared');
  });
});
