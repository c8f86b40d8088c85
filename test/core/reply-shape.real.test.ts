/**
 * A REST reply that says 200 but is not a list of rows (a proxy, a captive portal, a misrouted
 * URL: an empty body, an object, rows without a primary key) is a server error, never "no rows":
 * against the REAL local backend, one such reply is faked (window.fetch) on the first read and on
 * the catch-up read after an outage, and the widget's state must never claim Live over what it
 * could not read, must name the cause, and must recover by itself once replies are sane again.
 * A server that says it is busy (429 with `Retry-After`) is a busy server, not a configuration error,
 * and is not asked again before the time it named.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { RestSource } from '../../src/core/rest-source.js';
import { en } from '../../src/internal/strings.js';
import { errorHint } from '../../src/internal/templates.js';
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
const cleanups: Array<() => void> = [];
const nativeFetch = window.fetch;
afterEach(() => {
  window.fetch = nativeFetch;
  for (const f of cleanups.splice(0)) f();
  for (const c of clients.splice(0)) c.dispose();
});

async function client(): Promise<RtClient> {
  const info = await backendInfo();
  const token = await signIn(USERS.alice);
  const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token });
  clients.push(c);
  return c;
}

/**
 * The next `n` GET replies for `streams` are `body` (status 200 unless given) instead of the
 * server's, or every one until `stop()`; `reads` holds the time (epoch ms) of every GET for
 * `streams`, faked or not.
 */
function fakeStreamReads(body: string, n = 1, init: ResponseInit = {}): { served: () => number; reads: number[]; stop: () => void } {
  let served = 0;
  const reads: number[] = [];
  onStreamReads(async () => {
    reads.push(Date.now());
    if (served >= n) return undefined;
    served++;
    return new Response(body, { status: 200, ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  });
  return { served: () => served, reads, stop: () => void (n = served) };
}

/**
 * Every GET for `streams` goes to `answer` first (with the request's abort signal); what it
 * resolves to is the reply, or undefined for the server's own. Put back after the test.
 */
function onStreamReads(answer: (signal: AbortSignal | undefined) => Promise<Response | undefined>): void {
  window.fetch = async (input, req) => {
    const url = String(input instanceof Request ? input.url : input);
    const method = req?.method ?? (input instanceof Request ? input.method : 'GET');
    const reply = url.includes('/rest/v1/streams') && method === 'GET' ? await answer(req?.signal ?? undefined) : undefined;
    return reply ?? nativeFetch(input, req);
  };
}

/** `RestSource.timeoutMs` for this test (put back after it). */
function restTimeout(ms: number): void {
  const was = RestSource.timeoutMs;
  RestSource.timeoutMs = ms;
  cleanups.push(() => (RestSource.timeoutMs = was));
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
      // Every read answered so until the cause is shown: a read overtaken by a newer one (the
      // channel's confirmation asks for one) is dropped with its failure, and a busy CI run's
      // confirmation came while the first faked reply was on its way.
      const fake = fakeStreamReads(body(stream.id), Infinity);
      const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
      const host = el.querySelector('test-stream-host') as TestStreamHost;
      const s = sample(host);
      await waitFor(() => fake.served() >= 1 && host.ctl.state.error, 10_000, 'the faked reply was read');
      fake.stop();
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
      const fake = fakeStreamReads(body(stream.id), Infinity); // until the cause is shown (a newer read drops an older one's failure)
      await pauseRealtime(2000); // drops every socket and refuses new ones for 2 s
      await waitFor(() => host.ctl.phase !== 'live', 10_000, 'noticed the outage');
      await updateRows('streams', { id: stream.id }, { name: 'written while down' });
      // (while the socket is refused its failure is the query's error, `network`, until the read's own lands)
      await waitFor(() => fake.served() >= 1 && host.ctl.state.error?.code === 'server', 20_000, 'the catch-up read got the faked reply');
      fake.stop();
      expect(host.ctl.phase).to.equal('stale');
      expect(host.ctl.progress?.name, 'the last known row is kept').to.equal('before outage');
      await waitFor(() => host.ctl.phase === 'live' && host.ctl.progress?.name === 'written while down', 15_000, 'caught up');
      s.stop();
      const afterFault = s.seen.slice(s.seen.findIndex((x) => x.phase !== 'live'));
      expect(afterFault.filter((x) => x.phase === 'live' && x.name !== 'written while down'), 'Live on the old value').to.deep.equal([]);
      expect(s.seen.some((x) => x.error === 'not-found'), 'reported as not found').to.equal(false);
    });
  }

  const PAGES: Array<[label: string, body: (row: string) => string, init: ResponseInit, says: RegExp]> = [
    [
      "a proxy's 502 page",
      () => '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
      { status: 502, headers: { 'content-type': 'text/html' } },
      /HTML page \("502 Bad Gateway"\)/,
    ],
    ['a login page with 200', () => '<!doctype html><html><body>Login</body></html>', { headers: { 'content-type': 'text/html' } }, /HTML page/],
    ['JSON cut short', (row) => row.slice(0, Math.floor(row.length / 2)), {}, /not valid JSON/],
  ];
  for (const [label, body, init, says] of PAGES) {
    it(`first read answered with ${label}: the cause in words, not the page's markup or the rows`, async () => {
      const c = await client();
      const stream = await newStream({ name: 'secret plans' });
      const row = JSON.stringify([{ ...stream }]);
      const fake = fakeStreamReads(body(row), Infinity, init); // until the cause is shown (as above)
      const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
      const host = el.querySelector('test-stream-host') as TestStreamHost;
      await waitFor(() => fake.served() >= 1 && host.ctl.state.error, 10_000, 'the faked reply was read');
      fake.stop();
      const { message } = host.ctl.state.error!;
      expect(message).to.match(says);
      expect(message).to.not.match(/<\/?(html|head|body|center)\b/i);
      expect(message).to.not.include('secret plans');
      expect(host.ctl.phase).to.not.equal('live');
      await waitFor(() => host.ctl.phase === 'live' && host.ctl.progress?.name === 'secret plans', 15_000, 'recovered');
    });
  }

  for (const status of [503, 429]) {
    it(`${status} with Retry-After, twice: named at the first reply (no retries hidden inside one request), then read after the time named (QA26)`, async () => {
      const c = await client();
      const stream = await newStream({ name: `after ${status}` });
      const fake = fakeStreamReads(JSON.stringify({ message: 'busy' }), 2, { status, headers: { 'retry-after': '2' } });
      const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
      const host = el.querySelector('test-stream-host') as TestStreamHost;
      // postgrest-js retried a 503 itself, waiting out Retry-After up to three times, nothing shown
      // meanwhile (here: never, the third try answered).
      await waitFor(() => host.ctl.state.error, 15_000, 'the cause shown');
      // The reply itself, or (when the channel's confirmation asked for a read right after it) the
      // hold it set: both name the server's answer, with the time it named.
      expect(host.ctl.state.error!.message).to.match(new RegExp(`\\(${status}\\)|Retry-After`));
      expect(host.ctl.state.error!.retryAt, 'the time the server named').to.be.a('number');
      await waitFor(() => host.ctl.phase === 'live' && host.ctl.progress?.name === `after ${status}`, 20_000, 'read after the waits');
      expect(fake.served()).to.equal(2);
    });
  }

  it('a read the server never answers is abandoned after RestSource.timeoutMs, named, and read again (QA26: "Loading…" for ever)', async () => {
    restTimeout(1500);
    const c = await client();
    const stream = await newStream({ name: 'answered at last' });
    let holding = true;
    onStreamReads((signal) =>
      holding
        ? // Never answered: only the request's own signal ends it.
          new Promise<Response>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason)))
        : Promise.resolve(undefined),
    );
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
    const host = el.querySelector('test-stream-host') as TestStreamHost;
    await waitFor(() => host.ctl.state.error?.detail === 'timeout', 15_000, `the timeout named (is ${host.ctl.state.error?.message})`);
    expect(host.ctl.phase).to.not.equal('live');
    // True of a write too, which nothing retries (QA27 M3: "…; retrying." on a "mark as read").
    expect(host.ctl.state.error!.message).to.equal('The server did not answer within 1.5 s.');
    expect(errorHint(en, host.ctl.state.error!)).to.equal(en.errorMessages.timeout);
    holding = false;
    await waitFor(() => host.ctl.phase === 'live' && host.ctl.progress?.name === 'answered at last', 15_000, 'read again');
  });

  it('a server slower than RestSource.timeoutMs is still read: each abandoned request in a row doubles the wait (QA27 M1: abandoned for ever)', async () => {
    restTimeout(1000);
    const c = await client();
    const stream = await newStream({ name: 'slow but sure' });
    // Answered after 1.5 s, every time (an abandoned one ends with its signal).
    onStreamReads(
      (signal) =>
        new Promise<undefined>((resolve, reject) => {
          const t = setTimeout(resolve, 1500);
          signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)));
        }),
    );
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
    const host = el.querySelector('test-stream-host') as TestStreamHost;
    await waitFor(() => host.ctl.state.error?.detail === 'timeout', 15_000, 'the first request abandoned after 1 s');
    await waitFor(() => host.ctl.phase === 'live' && host.ctl.progress?.name === 'slow but sure', 20_000, `read with a longer wait (is ${host.ctl.phase}: ${host.ctl.state.error?.message})`);
  });

  it('a Retry-After holds every read of the client, and each held widget says so, not "Loading…" (QA27 H1)', async () => {
    const c = await client();
    const [first, second] = [await newStream({ name: 'asked to wait' }), await newStream({ name: 'added meanwhile' })];
    const fake = fakeStreamReads(JSON.stringify({ message: 'busy' }), 1, { status: 503, headers: { 'retry-after': '8' } });
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${first.id}></test-stream-host></rt-provider>`);
    const host = el.querySelector('test-stream-host') as TestStreamHost;
    await waitFor(() => fake.served() === 1 && host.ctl.state.error?.retryAt, 10_000, 'the 503 read');
    const until = host.ctl.state.error!.retryAt!;
    // A widget added during the wait: held too (no request before the time named), and says why.
    const later = document.createElement('test-stream-host') as TestStreamHost;
    later.setAttribute('stream-id', second.id);
    el.append(later);
    await waitFor(() => later.ctl?.state.error, 5000, 'the held widget names its cause');
    expect(later.ctl.state.error!.detail).to.equal('busy');
    expect(later.ctl.state.error!.retryAt).to.equal(until);
    expect(Date.now(), 'named before the wait was over').to.be.below(until);
    await waitFor(() => later.ctl.phase === 'live' && later.ctl.progress?.name === 'added meanwhile' && host.ctl.phase === 'live', 25_000, 'both read after the wait');
  });

  it('429 Too Many Requests with Retry-After: "busy", not a configuration error; not asked again before that time', async () => {
    const c = await client();
    const stream = await newStream({ name: 'after the wait' });
    const fake = fakeStreamReads(JSON.stringify({ message: 'Too many requests' }), 1, { status: 429, headers: { 'retry-after': '3' } });
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
    const host = el.querySelector('test-stream-host') as TestStreamHost;
    await waitFor(() => fake.served() === 1 && host.ctl.state.error, 10_000, 'the 429 was read');
    const error = host.ctl.state.error!;
    expect(error.code).to.equal('server');
    expect(error.detail).to.equal('busy');
    // The 429 itself, or (on a loaded machine, when the channel's confirmation asked for a read in
    // the same frame) the hold it set: both say busy, with the time the server named.
    expect(error.message).to.match(/busy \(429\)|Retry-After/);
    expect(error.retryAt, 'the time the server named').to.be.a('number');
    expect(error.retryAt! - fake.reads[0]).to.be.at.least(2500);
    await waitFor(() => host.ctl.phase === 'live' && host.ctl.progress?.name === 'after the wait', 15_000, 'read after the wait');
    // Every read after the refused one waited for the time the server named (a lower bound: a busy machine only delays more).
    expect(fake.reads.slice(1).every((t) => t >= error.retryAt! - 50), 'asked again before Retry-After').to.equal(true);
  });
});
