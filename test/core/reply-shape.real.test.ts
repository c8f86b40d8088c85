/**
 * A REST reply that says 200 but is not a list of rows (a proxy, a captive portal, a misrouted
 * URL: an empty body, an object, rows without a primary key) is a server error, never "no rows":
 * against the REAL local backend, one such reply is faked (window.fetch) on the first read and on
 * the catch-up read after an outage, and the widget's state must never claim Live over what it
 * could not read, must name the cause, and must recover by itself once replies are sane again.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { USERS, backendInfo, newStream, pauseRealtime, signIn, updateRows, waitFor } from '../helpers/backend.js';
import type { TestStreamHost } from '../helpers/hosts.js';
import '../helpers/hosts.js';

/** Bodies a 200 reply can carry that are not a list of rows with an `id`. */
const BODIES: Array<[label: string, body: (id: string) => string]> = [
  ['an empty body', () => ''],
  ['an object', (id) => JSON.stringify({ id, name: 'from a proxy' })],
  ['a message object', () => JSON.stringify({ message: 'ok' })],
  ['a list of things without an id', () => JSON.stringify([{ message: 'ok' }])],
  ['a list of numbers', () => '[1]'],
];

const clients: RtClient[] = [];
const nativeFetch = window.fetch;
afterEach(() => {
  window.fetch = nativeFetch;
  for (const c of clients.splice(0)) c.dispose();
});

async function client(): Promise<RtClient> {
  const info = await backendInfo();
  const token = await signIn(USERS.alice);
  const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token });
  clients.push(c);
  return c;
}

/** The next `n` GET replies for `streams` are 200 with `body` instead of the server's. */
function fakeStreamReads(body: string, n = 1): { served: () => number } {
  let served = 0;
  window.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    if (served < n && url.includes('/rest/v1/streams') && method === 'GET') {
      served++;
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return nativeFetch(input, init);
  };
  return { served: () => served };
}

/** Samples the host's phase and stream name every frame until stopped. */
function sample(host: TestStreamHost) {
  const seen: Array<{ phase: string; name: string | undefined; error: string | undefined }> = [];
  let on = true;
  const tick = () => {
    if (!on) return;
    seen.push({ phase: host.ctl.phase, name: host.ctl.progress?.name, error: host.ctl.state.error?.code });
    requestAnimationFrame(tick);
  };
  tick();
  return { seen, stop: () => (on = false) };
}

describe('a 200 reply that is not a list of rows', function () {
  this.timeout(40_000);

  for (const [label, body] of BODIES) {
    it(`first read answered with ${label}: a server error, never Live over nothing; then recovers`, async () => {
      const c = await client();
      const stream = await newStream({ name: 'shape first' });
      const fake = fakeStreamReads(body(stream.id));
      const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
      const host = el.querySelector('test-stream-host') as TestStreamHost;
      const s = sample(host);
      await waitFor(() => fake.served() === 1 && host.ctl.state.error, 10_000, 'the faked reply was read');
      expect(host.ctl.state.error!.code).to.equal('server');
      expect(host.ctl.state.error!.message).to.match(/not a (list of rows|row)/);
      expect(host.ctl.phase).to.not.equal('live');
      // The retry reads the real row.
      await waitFor(() => host.ctl.phase === 'live' && host.ctl.progress?.name === 'shape first', 15_000, 'recovered');
      s.stop();
      expect(s.seen.filter((x) => x.phase === 'live' && x.name !== 'shape first'), 'Live over a row it did not read').to.deep.equal([]);
      expect(s.seen.some((x) => x.error === 'not-found'), 'reported as not found').to.equal(false);
    });
  }

  for (const [label, body] of BODIES.slice(0, 2)) {
    it(`catch-up read after an outage answered with ${label}: stale with the cause, then the new value`, async () => {
      const c = await client();
      const stream = await newStream({ name: 'before outage' });
      const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
      const host = el.querySelector('test-stream-host') as TestStreamHost;
      await waitFor(() => host.ctl.phase === 'live' && host.ctl.progress?.name === 'before outage', 10_000, 'live');
      const s = sample(host);
      const fake = fakeStreamReads(body(stream.id));
      await pauseRealtime(2000); // drops every socket and refuses new ones for 2 s
      await waitFor(() => host.ctl.phase !== 'live', 10_000, 'noticed the outage');
      await updateRows('streams', { id: stream.id }, { name: 'written while down' });
      await waitFor(() => fake.served() === 1 && host.ctl.state.error, 20_000, 'the catch-up read got the faked reply');
      expect(host.ctl.state.error!.code).to.equal('server');
      expect(host.ctl.phase).to.equal('stale');
      expect(host.ctl.progress?.name, 'the last known row is kept').to.equal('before outage');
      await waitFor(() => host.ctl.phase === 'live' && host.ctl.progress?.name === 'written while down', 15_000, 'caught up');
      s.stop();
      const afterFault = s.seen.slice(s.seen.findIndex((x) => x.phase !== 'live'));
      expect(afterFault.filter((x) => x.phase === 'live' && x.name !== 'written while down'), 'Live on the old value').to.deep.equal([]);
      expect(s.seen.some((x) => x.error === 'not-found'), 'reported as not found').to.equal(false);
    });
  }
});
