/**
 * An access token the server rejects although it has not expired (real backend, real Chromium).
 * QA round 22 F10: a token of another project (signed with another secret, `exp` an hour ahead)
 * made every widget read "Session expired … (JWSError JWSInvalidSignature)" and fired
 * `rt-session-expired`, while the diagnostics said "Token expires in 59 minutes": a token that
 * was never valid was called expired. Now a refusal is an expiry only when the server says so or
 * the token's `exp` has passed; otherwise the token was rejected (`unauthorized`, detail
 * `token-rejected`), and every way a refusal reaches rt-monitor says so: REST reads, count reads,
 * channel joins, a channel's `system` error (a token handed over at run time), a token callback.
 * The host is still asked for a new token (`rt-session-expired`, the event that hands one over),
 * with that cause in `detail.error`.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { createClient } from '@supabase/supabase-js';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-connection-status/rt-connection-status.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { notificationsFeed } from '../../src/core/feeds/notifications.js';
import { streamFeed } from '../../src/core/feeds/streams.js';
import type { LiveQuery } from '../../src/core/client-types.js';
import type { RtError } from '../../src/core/types.js';
import { USER_CHECK_MS } from '../../src/core/tokens.js';
import type { RtSessionExpiredEvent } from '../../src/events.js';
import { en } from '../../src/internal/strings.js';
import { ACME, ALICE, USERS, backendInfo, expireTokens, mintToken, newStream, pauseRealtime, updateRows, waitFor } from '../helpers/backend.js';
import { everyFrame, instrumentWebSocket } from '../helpers/hosts.js';
import { deepText } from '../elements/helpers.js';

const OTHER_PROJECT_SECRET = 'another-project-jwt-secret-0000000000';

const clients: RtClient[] = [];
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanups.splice(0)) f();
  for (const c of clients.splice(0)) c.dispose();
});

/** Counts the REST replies with status 401 (reads and count reads alike). */
function countRefusals(): { reads: number; counts: number } {
  const seen = { reads: 0, counts: 0 };
  const native = window.fetch;
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await native(input, init);
    const url = String(input instanceof Request ? input.url : input);
    if (res.status === 401 && url.includes('/rest/v1/')) {
      if (url.includes('limit=0')) seen.counts++;
      else seen.reads++;
    }
    return res;
  };
  cleanups.push(() => (window.fetch = native));
  return seen;
}

/** Every error a query showed, sampled on each state change. */
function errorsOf(query: LiveQuery<unknown>): RtError[] {
  const seen: RtError[] = [];
  const off = query.subscribe((s) => {
    if (s.error) seen.push(s.error);
  });
  cleanups.push(off);
  return seen;
}

const saysExpired = (e: RtError | null | undefined) => !!e && (e.code === 'session-expired' || /expire/i.test(e.message));

describe('an access token the server rejects, not expired (real backend)', function () {
  this.timeout(90_000);

  it('a fixed token of another project: REST reads, count reads and the channel join name it rejected, never expired; the host is asked once for a new token', async () => {
    const info = await backendInfo();
    const stream = await newStream({ name: 'rejected token', org_id: ACME });
    const badsig = await mintToken(ALICE, 3600, OTHER_PROJECT_SECRET);
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    const refused = countRefusals();
    const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: badsig, heartbeatIntervalMs: 1000 });
    clients.push(client);
    const asked: RtError[] = [];
    client.onSessionExpired((e) => asked.push(e));
    const connection: Array<RtError | null> = [];
    cleanups.push(client.onConnection((d) => connection.push(d.lastError)));
    const single = client.liveQuery(streamFeed, { streamId: stream.id });
    const list = client.liveQuery(notificationsFeed, {});
    const errors = errorsOf(single as LiveQuery<unknown>);
    const listErrors = errorsOf(list as LiveQuery<unknown>);

    await waitFor(() => ws.received.some((f) => f.includes('phx_reply') && f.includes('JwtSignatureError')), 15_000, 'the join refused for its signature');
    await waitFor(() => refused.reads >= 2 && refused.counts >= 1, 15_000, 'reads and the count read refused');
    await waitFor(() => single.getState().phase === 'error' && list.getState().phase === 'error', 15_000, 'both queries in error');
    await waitFor(() => client.getConnection().status === 'error', 15_000, 'the connection in error');

    const last = client.getConnection().lastError;
    expect(last?.code, `the connection's cause: ${last?.message}`).to.equal('unauthorized');
    expect(last?.detail).to.equal('token-rejected');
    expect(last?.message, 'the cause as the server gave it').to.match(/JWSInvalidSignature|JWT signature/);
    for (const q of [single, list]) {
      const e = q.getState().error;
      expect(e?.code, `a query's cause: ${e?.message}`).to.equal('unauthorized');
    }
    expect([...errors, ...listErrors, ...connection, ...asked].filter(saysExpired), 'an error that says expired').to.deep.equal([]);
    // The host is asked for a new token (the event that hands one over), once, with the true cause.
    expect(asked.map((e) => e.detail), 'onSessionExpired calls').to.deep.equal(['token-rejected']);

    // Like an expired fixed token, it waits for a new one: no rejoin, no read sent again, over the
    // next three heartbeats the server answers (Phoenix rejoins after 1 s; reads retry after 1 s).
    const joins = () => ws.log.filter((f) => f.dir === 'out' && f.data.includes('phx_join')).length;
    const [joined, reads, counts] = [joins(), refused.reads, refused.counts];
    const beats = () => ws.log.filter((f) => f.dir === 'in' && f.data.includes('"phoenix"') && f.data.includes('phx_reply')).length;
    const beaten = beats();
    await waitFor(() => beats() >= beaten + 3, 15_000, 'three heartbeats answered');
    expect([joins() - joined, refused.reads - reads, refused.counts - counts], 'joins, reads and count reads sent again').to.deep.equal([0, 0, 0]);
    // A valid token handed over: every query goes Live.
    client.setAccessToken(await mintToken(ALICE, 3600));
    await waitFor(() => single.getState().phase === 'live' && list.getState().phase === 'live', 30_000, 'live with a valid token');
    expect(client.getConnection().lastError).to.equal(null);
  });

  it('a token of another project handed over at run time: the channel\'s system error and the rejoin name it rejected, and a valid token recovers', async () => {
    const info = await backendInfo();
    const stream = await newStream({ name: 'rejected at run time', org_id: ACME });
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await mintToken(ALICE, 3600) });
    clients.push(client);
    const asked: RtError[] = [];
    client.onSessionExpired((e) => asked.push(e));
    const connection: Array<RtError | null> = [];
    cleanups.push(client.onConnection((d) => connection.push(d.lastError)));
    const query = client.liveQuery(streamFeed, { streamId: stream.id });
    const errors = errorsOf(query as LiveQuery<unknown>);
    await waitFor(() => query.getState().phase === 'live', 20_000, 'live');

    client.setAccessToken(await mintToken(ALICE, 3600, OTHER_PROJECT_SECRET));
    // Realtime re-verifies the token on `access_token` and closes the channel with a `system` error.
    await waitFor(() => ws.received.some((f) => f.includes('"system"') && f.includes('JWT signature')), 15_000, "the channel's system error");
    await waitFor(() => client.getConnection().status === 'error', 20_000, 'the connection in error');
    const last = client.getConnection().lastError;
    expect(last?.code, `the connection's cause: ${last?.message}`).to.equal('unauthorized');
    expect(last?.detail).to.equal('token-rejected');
    await waitFor(() => query.getState().phase !== 'live' && query.getState().error, 20_000, 'the query off Live with its cause');
    expect(query.getState().error?.code).to.equal('unauthorized');
    expect([...errors, ...connection, ...asked].filter(saysExpired), 'an error that says expired').to.deep.equal([]);
    await waitFor(() => asked.length > 0, 5000, 'the host asked for a new token');
    expect(asked.map((e) => e.detail), 'onSessionExpired calls').to.deep.equal(['token-rejected']);

    client.setAccessToken(await mintToken(ALICE, 3600));
    await waitFor(() => query.getState().phase === 'live', 30_000, 'live again with a valid token');
    expect(client.getConnection().lastError).to.equal(null);
  });

  it("the join's refusal of the old token, answered after a valid one was handed over, neither fails the renewed session nor parks the channel", async () => {
    // Under load the join refusal of a token already replaced can arrive last (the widgets test
    // below flaked so: "Not live (JwtSignatureError)" after the page had answered). Held back here.
    const info = await backendInfo();
    const badsig = await mintToken(ALICE, 3600, OTHER_PROJECT_SECRET);
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    ws.closeGate((f) => f.includes('phx_reply') && f.includes('JwtSignatureError'));
    const refused = countRefusals();
    const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: badsig });
    clients.push(client);
    const asked: RtError[] = [];
    client.onSessionExpired((e) => asked.push(e));
    const list = client.liveQuery(notificationsFeed, {});
    const errors = errorsOf(list as LiveQuery<unknown>);
    // The reads are refused (REST): the session fails and the host is asked; the join's refusal is held.
    await waitFor(() => asked.length === 1 && ws.gatedCount() >= 1, 15_000, () => `the reads refused, the join's refusal held (asked ${asked.length}, held ${ws.gatedCount()}, refused ${JSON.stringify(refused)}, ${list.getState().phase}: ${list.getState().error?.message})`);
    const valid = await mintToken(ALICE, 3600);
    client.setAccessToken(valid);
    await waitFor(() => (client.realtime as unknown as { accessTokenValue?: string }).accessTokenValue === valid, 5000, 'the new token in the realtime client');
    expect(ws.openGate(), 'refusals of the old token delivered now').to.be.greaterThan(0);
    await waitFor(() => list.getState().phase === 'live', 30_000, () => `live with the new token (${list.getState().phase}: ${list.getState().error?.message})`);
    expect(asked.map((e) => e.detail), 'onSessionExpired calls').to.deep.equal(['token-rejected']);
    expect(client.getConnection().lastError).to.equal(null);
    expect(errors.filter(saysExpired), 'an error that says expired').to.deep.equal([]);
  });

  it('a host that answers rt-session-expired with the token just refused is asked again after a wait, and that token is not sent again (QA35 H1: an endless loop of events and refused requests)', async () => {
    const info = await backendInfo();
    const badsig = await mintToken(ALICE, 3600, OTHER_PROJECT_SECRET);
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    const refused = countRefusals();
    const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: badsig });
    clients.push(client);
    const joins = () => ws.log.filter((f) => f.dir === 'out' && f.data.includes('phx_join')).length;
    const sentAtAsk: Array<{ joins: number; refusals: number }> = [];
    client.onSessionExpired(() => {
      sentAtAsk.push({ joins: joins(), refusals: refused.reads + refused.counts });
      client.setAccessToken(badsig); // a host answering from a stale cache
    });
    // Once the host has been asked, the connection stays in error: the token handed back is not tried.
    const statusesAfterAsk: string[] = [];
    cleanups.push(client.onConnection((d) => void (sentAtAsk.length > 0 && statusesAfterAsk.push(d.status))));
    const list = client.liveQuery(notificationsFeed, {});
    errorsOf(list as LiveQuery<unknown>);
    await waitFor(() => sentAtAsk.length >= 3, 30_000, () => `asked three times (${sentAtAsk.length})`);
    // From the second ask on (the first one may come before the first join is even sent: a read's
    // refusal can be first), nothing is sent with the token handed back.
    const [, second, third] = sentAtAsk;
    expect({ joins: third!.joins - second!.joins, refusals: third!.refusals - second!.refusals }, 'joins and refused reads sent again with the same token').to.deep.equal({ joins: 0, refusals: 0 });
    expect(statusesAfterAsk.filter((st) => st !== 'error'), 'statuses after the first ask other than "error"').to.deep.equal([]);
    expect(list.getState().error?.detail, 'the cause stays named').to.equal('token-rejected');
    // A valid token still recovers at once.
    client.setAccessToken(await mintToken(ALICE, 3600));
    await waitFor(() => list.getState().phase === 'live', 30_000, 'live with a valid token');
  });

  it("a token callback that answers with another project's token: asked again, no word of expiry, and the host told once", async () => {
    const info = await backendInfo();
    const stream = await newStream({ name: 'rejected from a callback', org_id: ACME });
    const badsig = await mintToken(ALICE, 3600, OTHER_PROJECT_SECRET);
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    const refused = countRefusals();
    let asked = 0;
    const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => (asked++, badsig) });
    clients.push(client);
    let expiredCalls = 0;
    client.onSessionExpired(() => expiredCalls++);
    const connection: Array<RtError | null> = [];
    cleanups.push(client.onConnection((d) => connection.push(d.lastError)));
    const query = client.liveQuery(streamFeed, { streamId: stream.id });
    const errors = errorsOf(query as LiveQuery<unknown>);
    await waitFor(() => ws.received.some((f) => f.includes('phx_reply') && f.includes('JwtSignatureError')), 30_000, 'the join refused');
    await waitFor(() => refused.reads >= 2 && query.getState().error, 15_000, 'the read refused');
    expect(asked, 'the callback asked again').to.be.greaterThan(1);
    expect(query.getState().error?.code).to.equal('unauthorized');
    expect([...errors, ...connection].filter(saysExpired), 'an error that says expired').to.deep.equal([]);
    // Its answer is the refused token again: the host is asked once, with that cause (QA37 N1).
    await waitFor(() => expiredCalls > 0, 10_000, 'the host asked for a new token');
    expect(expiredCalls, 'onSessionExpired calls').to.equal(1);
  });

  it('widgets under a provider with a fixed token of another project say it was rejected; rt-session-expired asks for a new token with that cause, and its answer brings them back', async () => {
    const info = await backendInfo();
    const stream = await newStream({ name: 'rejected token widgets', org_id: ACME });
    const badsig = await mintToken(ALICE, 3600, OTHER_PROJECT_SECRET);
    const refused = countRefusals();
    const events: RtSessionExpiredEvent[] = [];
    const provider = await fixture<HTMLElement>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${badsig} @rt-session-expired=${(e: RtSessionExpiredEvent) => events.push(e)}>
      <rt-connection-status show-text></rt-connection-status>
      <rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
      <rt-notifications></rt-notifications>
    </rt-provider>`);
    const widgets = ['rt-connection-status', 'rt-stream-progress', 'rt-notifications'].map((t) => provider.querySelector(t)!);
    const [status, progress, notes] = widgets;
    // Refused (the reads, the count and the join), and said so: a badge over the cause in place of data.
    const shown = (w: Element) => deepText(w.shadowRoot!).includes(en.errorTitle) && !!w.shadowRoot!.querySelector('[part~="live-badge"]');
    await waitFor(() => refused.counts >= 1 && shown(progress!) && shown(notes!), 20_000, 'the widgets show their cause');
    await waitFor(() => /error|expired/i.test(deepText(status!.shadowRoot!)), 10_000, 'the connection in error');
    for (const w of widgets) {
      const said = deepText(w.shadowRoot!);
      expect(said, w.localName).to.not.include(en.sessionExpired);
      expect(said, w.localName).to.not.match(/expired/i);
    }
    expect(events.map((e) => [e.detail.error.code, e.detail.error.detail]), 'rt-session-expired fired once, naming the cause').to.deep.equal([['unauthorized', 'token-rejected']]);
    // The words for the cause, and the server's own (the badge's title and hidden text: "Not live (…)"),
    // in the words of whichever refusal came first, REST's or the channel's: one cause, one wording.
    const rejected = en.errorMessages['token-rejected']!;
    const said = (w: Element) => /JWSInvalidSignature|JwtSignatureError/.exec(deepText(w.shadowRoot!))?.[0];
    for (const w of [progress!, notes!]) {
      expect(deepText(w.shadowRoot!), w.localName).to.include(rejected);
      expect(said(w), `${w.localName}: the server's words`).to.be.a('string');
    }
    expect(said(progress!), 'the same words in both').to.equal(said(notes!));
    expect(deepText(status!.shadowRoot!)).to.include('Error');
    // The page answers the event with a valid token: Live again, without a reload.
    events[0]!.detail.setAccessToken(await mintToken(ALICE, 3600));
    const live = (w: Element) => !!w.shadowRoot!.querySelector('[part~="live-badge"]')?.textContent?.includes(en.live);
    await waitFor(() => live(progress!) && live(notes!), 30_000, () => `live again after the answer (${deepText(progress!.shadowRoot!)} | ${deepText(notes!.shadowRoot!)} | ${deepText(status!.shadowRoot!)})`);
  });
});

/**
 * One cause, told once and the same everywhere (QA35 L1). A refusal reaches rt-monitor by several
 * replies (a channel's `system` error, the rejoin's refusal, a REST 401), each in its own words;
 * each widget raised `rt-error` once per wording, 100 ms apart. And after a refused token, an
 * expired one handed over left the widgets on "rejected as invalid" while the indicator said
 * "Session expired". The session's cause is now the one cause every part shows.
 */
describe('a token failure: one cause per widget, the same as the connection (real backend)', function () {
  this.timeout(90_000);

  const tags = ['rt-connection-status', 'rt-stream-progress', 'rt-notifications'];
  const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));

  async function page(token: string | null, streamId: string) {
    const info = await backendInfo();
    const errors = new Map<string, RtError[]>(tags.map((t) => [t, []]));
    const root = await fixture<HTMLElement>(html`<div @rt-error=${(e: CustomEvent<{ error: RtError }>) => errors.get((e.target as Element).localName)!.push(e.detail.error)}>
      <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} .accessToken=${token}>
        <rt-connection-status show-text></rt-connection-status>
        <rt-stream-progress stream-id=${streamId}></rt-stream-progress>
        <rt-notifications></rt-notifications>
      </rt-provider></div>`);
    const provider = root.querySelector('rt-provider') as HTMLElement & { accessToken: string | null };
    const widgets = tags.map((t) => root.querySelector(t)!);
    return { provider, widgets, errors };
  }

  it("a token of another project handed over at run time: the channel's system error and the rejoin's refusal raise one rt-error per widget, in one wording", async () => {
    const stream = await newStream({ name: 'one cause at run time', org_id: ACME });
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    const { provider, widgets, errors } = await page(await mintToken(ALICE, 3600), stream.id);
    const live = (w: Element) => !!w.shadowRoot!.querySelector('[part~="live-badge"]')?.textContent?.includes(en.live);
    await waitFor(() => live(widgets[1]!) && live(widgets[2]!), 20_000, 'live');
    for (const list of errors.values()) list.length = 0;

    provider.accessToken = await mintToken(ALICE, 3600, OTHER_PROJECT_SECRET);
    // Both refusals arrive: the `system` error for the token handed over, then the rejoin's reply.
    const system = () => ws.received.findIndex((f) => f.includes('"system"') && f.includes('JWT signature'));
    await waitFor(() => system() >= 0 && ws.received.slice(system()).some((f) => f.includes('phx_reply') && f.includes('JwtSignatureError')), 20_000, "the system error and the rejoin's refusal");
    await waitFor(() => widgets.every((w) => errors.get(w.localName)!.length > 0), 10_000, 'every widget told its cause');
    await frame();
    await Promise.all(widgets.map((w) => (w as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete));
    for (const [tag, list] of errors) {
      expect(list.map((e) => `${e.code}|${e.detail}|${e.message}`), `${tag}: rt-error events`).to.have.length(1);
      expect([list[0]!.code, list[0]!.detail], tag).to.deep.equal(['unauthorized', 'token-rejected']);
    }
  });

  it('a refused token, then an already-expired one handed over: every widget says the session expired, as the indicator does', async () => {
    const stream = await newStream({ name: 'one cause, then expired', org_id: ACME });
    const { provider, widgets, errors } = await page(await mintToken(ALICE, 3600, OTHER_PROJECT_SECRET), stream.id);
    const lastCode = (w: Element) => errors.get(w.localName)!.at(-1)?.code;
    await waitFor(() => widgets.every((w) => lastCode(w) === 'unauthorized'), 20_000, 'every widget names the rejected token');

    provider.accessToken = await mintToken(ALICE, -60);
    await waitFor(() => lastCode(widgets[0]!) === 'session-expired', 10_000, 'the indicator says the session expired');
    await waitFor(() => widgets.every((w) => lastCode(w) === 'session-expired'), 10_000, () => `every widget says so too: ${widgets.map((w) => `${w.localName} ${lastCode(w)}`).join(', ')}`);
    for (const w of widgets.slice(1)) {
      await waitFor(() => deepText(w.shadowRoot!).includes(en.errorMessages['session-expired']!), 5000, () => `${w.localName} says the session expired: ${deepText(w.shadowRoot!)}`);
      expect(deepText(w.shadowRoot!), w.localName).to.not.include(en.errorMessages['token-rejected']!);
    }

    // A good token: back to Live with no word of the first cause on the way (QA37 N4: one stale
    // rt-error naming the rejected token).
    for (const list of errors.values()) list.length = 0;
    provider.accessToken = await mintToken(ALICE, 3600);
    const live = (w: Element) => !!w.shadowRoot!.querySelector('[part~="live-badge"]')?.textContent?.includes(en.live);
    await waitFor(() => widgets.slice(1).every(live), 20_000, () => `live again: ${widgets.map((w) => deepText(w.shadowRoot!).slice(0, 100)).join(' | ')}`);
    for (const [tag, list] of errors) expect(list.map((e) => `${e.code}|${e.detail}`), `${tag}: rt-error on recovery`).to.deep.equal([]);
  });
});

describe('an expired token handed over on a live page (real backend)', function () {
  this.timeout(90_000);
  const tags = ['rt-connection-status', 'rt-stream-progress', 'rt-notifications'];
  const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));

  it('every widget says the session expired when the indicator does, not Live over the token the page gave up; a fresh token brings them back (QA37 N3)', async () => {
    const stream = await newStream({ name: 'expired at run time', org_id: ACME });
    const info = await backendInfo();
    const errors = new Map<string, RtError[]>(tags.map((t) => [t, []]));
    const root = await fixture<HTMLElement>(html`<div @rt-error=${(e: CustomEvent<{ error: RtError }>) => errors.get((e.target as Element).localName)!.push(e.detail.error)}>
      <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} .accessToken=${await mintToken(ALICE, 3600)}>
        <rt-connection-status show-text></rt-connection-status>
        <rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
        <rt-notifications></rt-notifications>
      </rt-provider></div>`);
    const provider = root.querySelector('rt-provider') as HTMLElement & { accessToken: string | null };
    const [indicator, ...widgets] = tags.map((t) => root.querySelector(t)!);
    const live = (w: Element) => !!w.shadowRoot!.querySelector('[part~="live-badge"]')?.textContent?.includes(en.live);
    await waitFor(() => widgets.every(live), 20_000, 'live');

    // The old token still serves the channels (an expired one is never sent), but the page has
    // handed it over: the session is over, and no widget may read Live past the indicator.
    provider.accessToken = await mintToken(ALICE, -60);
    await waitFor(() => errors.get('rt-connection-status')!.some((e) => e.code === 'session-expired'), 20_000, 'the indicator says the session expired');
    await frame();
    await Promise.all([indicator!, ...widgets].map((w) => (w as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete));
    for (const w of widgets) {
      expect(live(w), `${w.localName} reads Live beside "Session expired": ${deepText(w.shadowRoot!)}`).to.equal(false);
      expect(deepText(w.shadowRoot!), w.localName).to.include(en.sessionExpired);
      expect(errors.get(w.localName)!.map((e) => e.code), w.localName).to.deep.equal(['session-expired']);
    }

    provider.accessToken = await mintToken(ALICE, 3600);
    await waitFor(() => widgets.every(live), 20_000, () => `live again: ${widgets.map((w) => deepText(w.shadowRoot!).slice(0, 120)).join(' | ')}`);
  });
});

describe('a token source that answers with a refused token (real backend)', function () {
  this.timeout(90_000);

  it("a callback answering another project's token: asked a bounded number of times, the session fails with that cause once, and its next good token brings the queries back (QA37 N1: 72 asks in 30 s, never settled)", async () => {
    const info = await backendInfo();
    const stream = await newStream({ name: 'callback refused', org_id: ACME });
    const bad = await mintToken(ALICE, 3600, OTHER_PROJECT_SECRET);
    let good: string | null = null;
    let calls = 0;
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => (calls++, good ?? bad), heartbeatIntervalMs: 1000 });
    clients.push(client);
    const asked: RtError[] = [];
    client.onSessionExpired((e) => asked.push(e));
    const single = client.liveQuery(streamFeed, { streamId: stream.id });
    const list = client.liveQuery(notificationsFeed, {});
    for (const q of [single, list]) errorsOf(q as LiveQuery<unknown>); // subscribed: started
    await waitFor(() => client.getConnection().status === 'error', 20_000, () => `the connection in error (${client.getConnection().status}: ${client.getConnection().lastError?.message}; ${calls} asks)`);
    const last = client.getConnection().lastError;
    expect([last?.code, last?.detail], last?.message).to.deep.equal(['unauthorized', 'token-rejected']);
    await waitFor(() => asked.length > 0, 5000, 'the host asked for a new token');
    for (const q of [single, list]) await waitFor(() => q.getState().error?.detail === 'token-rejected', 5000, 'each query names the rejected token');
    // Settled: over the next three heartbeats the source is asked at its user checks only, the host not again.
    const [before, told] = [calls, asked.length];
    const beats = () => ws.log.filter((f) => f.dir === 'in' && f.data.includes('"phoenix"') && f.data.includes('phx_reply')).length;
    const beaten = beats();
    const from = performance.now();
    await waitFor(() => beats() >= beaten + 3, 15_000, 'three heartbeats answered');
    // At its user checks only (every 5 s): as many as fit in the time the three heartbeats took
    // (~3 s; longer on a slow run), one more for a check due as the window opened.
    const checks = Math.ceil((performance.now() - from) / USER_CHECK_MS) + 1;
    expect(calls - before, 'asks of the source over three heartbeats (the user check: every 5 s)').to.be.at.most(Math.max(2, checks));
    expect(asked.length - told, 'rt-session-expired again').to.equal(0);
    expect(client.getConnection().status).to.equal('error');
    // The source has a good token now: found at its next ask, and every query goes live.
    good = await mintToken(ALICE, 3600);
    await waitFor(() => single.getState().phase === 'live' && list.getState().phase === 'live', 30_000, 'live with the good token');
    expect(client.getConnection().lastError).to.equal(null);
  });
});

describe('a session that expires while the server cannot be reached (real backend)', function () {
  this.timeout(90_000);

  it('a query that went stale in the outage says the session expired, as the connection does, not the network (QA36)', async () => {
    const info = await backendInfo();
    const stream = await newStream({ name: 'expired in an outage', org_id: ACME });
    const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await mintToken(ALICE, 15) });
    clients.push(client);
    const query = client.liveQuery(streamFeed, { streamId: stream.id });
    const errors = errorsOf(query as LiveQuery<unknown>);
    await waitFor(() => query.getState().phase === 'live', 12_000, 'live before the token expires');
    // The whole backend out of reach: REST fails as a network error does, the socket cannot reopen.
    await pauseRealtime(60_000);
    const native = window.fetch;
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input instanceof Request ? input.url : input).startsWith(info.url)) throw new TypeError('Failed to fetch');
      return native(input, init);
    };
    cleanups.push(() => (window.fetch = native), () => void pauseRealtime(0));
    await waitFor(() => query.getState().phase !== 'live', 15_000, 'off Live in the outage');
    await waitFor(() => client.getConnection().lastError?.code === 'session-expired', 30_000, 'the connection says the session expired');
    await waitFor(() => query.getState().error?.code === 'session-expired', 5_000, () => `the query says so too (it says ${query.getState().phase}: ${query.getState().error?.code} ${query.getState().error?.message})`);
    expect(query.getState().phase).to.not.equal('live');
    expect(errors.some((e) => e.code === 'session-expired')).to.equal(true);
  });
});

describe('a token refused as expired while its exp is ahead (real backend)', function () {
  this.timeout(90_000);

  // The demo's "Expire the token now" (QA84 F1): Realtime shuts the channels with "Token has
  // expired" while the host's session token has an hour left; the host's session refreshes a
  // moment later, or not at all. Neither is an expired session: no "Session expired", no
  // rt-session-expired (a host that signs the user out on it would sign out a valid session).
  for (const [what, refreshes] of [['the host page refreshes its session right after', true], ['the host page does nothing', false]] as const) {
    it(`${what}: the channels join again, never a frame of "Session expired" or a red badge, no rt-session-expired, and changes come`, async () => {
      const stream = await newStream({ name: `refused early (${refreshes})`, org_id: ACME });
      const info = await backendInfo();
      const supabase = createClient(info.url, info.anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
      const { error } = await supabase.auth.signInWithPassword({ email: USERS.alice, password: 'rt-monitor-demo' });
      expect(error).to.equal(null);
      cleanups.push(() => void supabase.removeAllChannels());
      let expiredEvents = 0;
      const count = () => void expiredEvents++;
      window.addEventListener('rt-session-expired', count, true);
      document.addEventListener('rt-session-expired', count, true);
      cleanups.push(() => (window.removeEventListener('rt-session-expired', count, true), document.removeEventListener('rt-session-expired', count, true)));
      const c = createRtClient({ client: supabase });
      clients.push(c);
      c.onSessionExpired(() => void expiredEvents++);
      const root = await fixture<HTMLElement>(html`<rt-provider .client=${c}><rt-connection-status show-text></rt-connection-status><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
      const [indicator, widget] = [root.querySelector('rt-connection-status')!, root.querySelector('rt-stream-progress')!];
      const badge = () => widget.shadowRoot!.querySelector('[part~="live-badge"]')?.textContent ?? '';
      await waitFor(() => badge().includes(en.live), 20_000, 'live');
      const tone = () => widget.shadowRoot!.querySelector('[part~="live-badge"]')?.getAttribute('data-tone') ?? '';
      const screens = everyFrame(() => `${tone()} ${badge()} | ${deepText(indicator.shadowRoot!)}`);
      cleanups.push(screens.stop);
      const { expired } = await expireTokens();
      expect(expired, 'channels shut for their token').to.be.greaterThan(0);
      if (refreshes) expect((await supabase.auth.refreshSession()).error).to.equal(null);
      const name = `after an early refusal (${refreshes})`;
      await waitFor(() => [...screens.seen].some((s) => !s.includes(en.live)) && badge().includes(en.live), 20_000, () => `off Live once the channels were shut, then Live again (${badge()})`);
      await updateRows('streams', { id: stream.id }, { name });
      await waitFor(() => deepText(widget.shadowRoot!).includes(name), 15_000, 'the next change');
      screens.stop();
      expect([...screens.seen].filter((s) => s.includes(en.sessionExpired)), 'frames that read "Session expired"').to.deep.equal([]);
      // Renewed by the client itself: amber while it lasts, never the red of a failure (QA85 N4).
      expect([...screens.seen].filter((s) => s.startsWith('danger')), 'frames with a red badge').to.deep.equal([]);
      expect(expiredEvents, 'rt-session-expired').to.equal(0);
    });
  }
});
