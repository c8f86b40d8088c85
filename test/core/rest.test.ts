/**
 * REST of rt-monitor's own client (src/core/rest.ts: @supabase/postgrest-js with the anon key and
 * the current token per request): the requests sent (method, query string, headers), the replies
 * as rt-monitor reads them and their error mapping (src/core/errors.ts), postgrest-js's retry
 * policy, first with a stubbed fetch, then against the real local backend (RLS, count, update, errors).
 */
import { expect } from '@open-wc/testing';
import { createRest, retryAfter, type RestReply } from '../../src/core/rest.js';
import { fromRestError } from '../../src/core/errors.js';
import { render } from 'lit';
import { errorHint, errorView } from '../../src/internal/templates.js';
import { en } from '../../src/internal/strings.js';
import { ACME, ALICE, backendInfo, insertRows, newId, selectRows, signIn } from '../helpers/backend.js';

interface Sent {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** Replaces window.fetch for one test; `answer` gives each reply in turn. */
function stubFetch(answer: (sent: Sent, n: number) => Response | Promise<Response>): { sent: Sent[]; restore: () => void } {
  const original = window.fetch;
  const sent: Sent[] = [];
  window.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const s: Sent = {
      url: new URL(String(input)),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: init?.body as string | undefined,
    };
    sent.push(s);
    return answer(s, sent.length);
  }) as typeof fetch;
  return { sent, restore: () => (window.fetch = original) };
}

/** The fields of a postgrest-js reply that rt-monitor reads. */
const read = (r: RestReply) => ({ data: r.data, error: r.error, count: r.count, status: r.status });

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

describe('rest client (stubbed fetch)', () => {
  it('select: eq filters, order, limit, apikey and the current token', async () => {
    const stub = stubFetch(() => json([{ id: 'a' }]));
    try {
      let token: string | null = 'user-jwt';
      const rest = createRest({ url: 'https://x.test/rest/v1', anonKey: 'anon', token: async () => token });
      const res = await rest.from('signal_alerts').select('*').eq('user_id', 'u 1').eq('read', false).order('created_at', { ascending: false }).order('id').limit(50);
      expect(read(res)).to.deep.equal({ data: [{ id: 'a' }], error: null, count: null, status: 200 });
      const [s] = stub.sent;
      expect(s!.method).to.equal('GET');
      expect(s!.url.origin + s!.url.pathname).to.equal('https://x.test/rest/v1/signal_alerts');
      expect([...s!.url.searchParams]).to.deep.equal([
        ['select', '*'],
        ['user_id', 'eq.u 1'],
        ['read', 'eq.false'],
        ['order', 'created_at.desc,id.asc'],
        ['limit', '50'],
      ]);
      expect(s!.headers.apikey).to.equal('anon');
      expect(s!.headers.authorization).to.equal('Bearer user-jwt');
      expect(s!.headers.prefer).to.equal(undefined);
      expect(s!.headers['content-type']).to.equal(undefined);
      expect(s!.headers['x-retry-count']).to.equal(undefined);
      token = null; // signed out: the anon key is the bearer
      await rest.from('streams').select('org_id');
      expect(stub.sent[1]!.headers.authorization).to.equal('Bearer anon');
      expect(stub.sent[1]!.url.searchParams.get('select')).to.equal('org_id');
    } finally {
      stub.restore();
    }
  });

  it('count: HEAD with Prefer count=exact, the total from Content-Range', async () => {
    const stub = stubFetch(() => new Response(null, { status: 200, headers: { 'Content-Range': '0-24/137' } }));
    try {
      const rest = createRest({ url: 'https://x.test/rest/v1', anonKey: 'anon', token: async () => null });
      const res = await rest.from('notifications').select('*', { count: 'exact', head: true }).eq('read', 'false');
      expect(read(res)).to.deep.equal({ data: null, error: null, count: 137, status: 200 });
      expect(stub.sent[0]!.method).to.equal('HEAD');
      expect(stub.sent[0]!.headers.prefer).to.equal('count=exact');
    } finally {
      stub.restore();
    }
  });

  it('update: PATCH with a JSON body and the filters; 204 gives no data and no error', async () => {
    const stub = stubFetch(() => new Response(null, { status: 204 }));
    try {
      const rest = createRest({ url: 'https://x.test/rest/v1', anonKey: 'anon', token: async () => 't' });
      const res = await rest.from('signal_alerts').update({ read: true }).eq('user_id', 'u').eq('read', false);
      expect(read(res)).to.deep.equal({ data: null, error: null, count: null, status: 204 });
      const [s] = stub.sent;
      expect(s!.method).to.equal('PATCH');
      expect(s!.body).to.equal('{"read":true}');
      expect(s!.headers['content-type']).to.equal('application/json');
      expect([...s!.url.searchParams]).to.deep.equal([
        ['user_id', 'eq.u'],
        ['read', 'eq.false'],
      ]);
    } finally {
      stub.restore();
    }
  });

  it('errors: the server body as {code, message, details, hint}; a non-JSON body as {message}', async () => {
    const body = { code: '42501', message: 'permission denied for table streams', details: null, hint: null };
    const stub = stubFetch((_s, n) => (n === 1 ? json(body, 403) : new Response('Bad gateway', { status: 502 })));
    try {
      const rest = createRest({ url: 'https://x.test/rest/v1', anonKey: 'anon', token: async () => 't' });
      const denied = await rest.from('streams').select('*');
      expect(read(denied)).to.deep.equal({ data: null, error: body, count: null, status: 403 });
      expect(fromRestError(denied.error, denied.status, false).code).to.equal('forbidden');
      expect(fromRestError(denied.error, denied.status, false).message).to.match(/^No access/);
      // The same refusal without a user token: not signed in (the key itself is fine).
      expect(fromRestError({ ...body }, 401, true).code).to.equal('forbidden');
      expect(fromRestError({ ...body }, 401, true).message).to.match(/^Not signed in/);
      // A 401 without a user token and without 42501 is the API key.
      expect(fromRestError({ message: 'Invalid API key' }, 401, true).code).to.equal('bad-config');
      expect(fromRestError({ message: 'JWT expired', code: 'PGRST303' }, 401, false).code).to.equal('unauthorized');
      const bad = await rest.from('streams').select('*');
      expect(read(bad)).to.deep.equal({ data: null, error: { message: 'Bad gateway' }, count: null, status: 502 });
      expect(fromRestError(bad.error, bad.status, false).code).to.equal('server');
    } finally {
      stub.restore();
    }
  });

  it('the words on screen: signed in without access is not "not signed in"; an unknown column is named', async () => {
    const body = { code: '42501', message: 'permission denied for table streams', details: null, hint: null };
    const signedIn = fromRestError(body, 403, false);
    expect(errorHint(en, signedIn)).to.equal(en.errorMessages.forbidden);
    expect(en.errorMessages.forbidden).to.not.match(/not signed in/i);
    expect(errorHint(en, fromRestError(body, 401, true))).to.equal(en.errorMessages['not-signed-in']);
    // A column renamed or dropped: the code's words, and the message that names the column.
    const unknown = fromRestError({ code: '42703', message: 'column streams.current_progress does not exist' }, 400, false);
    const el = document.createElement('div');
    render(errorView(en, unknown), el);
    expect(el.textContent).to.include(en.errorMessages['bad-config']);
    expect(el.querySelector('[part="error-detail"]')?.textContent).to.include('column streams.current_progress does not exist');
  });

  it('a busy server (429, 408, 425) is a server error, not a configuration error; Retry-After is read and remembered', async () => {
    for (const status of [429, 408, 425]) {
      const e = fromRestError({ message: 'slow down' }, status, false);
      expect(e.code, String(status)).to.equal('server');
      expect(e.message).to.contain(`busy (${status})`);
      // What the widget says: the server is busy, not "reported an error".
      expect(errorHint(en, e), String(status)).to.equal(en.errorMessages.busy);
    }
    expect(fromRestError({ message: 'Payload Too Large' }, 413, false).code).to.equal('bad-config');
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(retryAfter('30', now)).to.equal(now + 30_000);
    expect(retryAfter('Mon, 30 Nov 2026 12:00:05 GMT', now)).to.equal(now + 5000);
    // An HTTP date is on the server's clock: a page clock 10 min behind or ahead still waits 5 s.
    expect(retryAfter('Mon, 30 Nov 2026 12:00:05 GMT', now - 600_000, now)).to.equal(now - 600_000 + 5000);
    expect(retryAfter('Mon, 30 Nov 2026 12:00:05 GMT', now + 600_000, now)).to.equal(now + 600_000 + 5000);
    expect(retryAfter('99999', now), 'at most 10 minutes').to.equal(now + 600_000);
    for (const v of [null, '', 'soon', '-5', 'Mon, 30 Nov 2026 11:00:00 GMT']) expect(retryAfter(v, now), String(v)).to.equal(0);
    const stub = stubFetch(() => new Response(JSON.stringify({ message: 'Too many requests' }), { status: 429, headers: { 'retry-after': '20' } }));
    try {
      const rest = createRest({ url: 'https://x.test/rest/v1', anonKey: 'anon', token: async () => 't' });
      const before = Date.now();
      const res = await rest.from('streams').select('*');
      expect(res.status).to.equal(429);
      expect(rest.retryAt!()).to.be.within(before + 20_000, Date.now() + 20_000);
    } finally {
      stub.restore();
    }
  });

  it('a failed fetch is status 0 (mapped to a network error); a PATCH is not retried', async () => {
    const stub = stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    try {
      const rest = createRest({ url: 'https://x.test/rest/v1', anonKey: 'anon', token: async () => 't' });
      const res = await rest.from('signal_alerts').update({ read: true }).eq('id', 'x');
      expect(res.status).to.equal(0);
      expect(res.error?.message).to.equal('TypeError: Failed to fetch');
      expect(res.error?.code).to.equal('');
      expect(fromRestError(res.error, res.status, false).code).to.equal('network');
      expect(stub.sent.length).to.equal(1);
    } finally {
      stub.restore();
    }
  });

  it("a 503 is answered at once, not retried inside postgrest-js (QA26: it waited out Retry-After three times); its Retry-After is kept", async () => {
    const stub = stubFetch((_s, n) => (n === 1 ? new Response('{"message":"busy"}', { status: 503, headers: { 'Retry-After': '120', 'Content-Type': 'application/json' } }) : json([])));
    try {
      const rest = createRest({ url: 'https://x.test/rest/v1', anonKey: 'anon', token: async () => 't' });
      const res = await rest.from('streams').select('*');
      expect(res.status).to.equal(503);
      expect(stub.sent.length).to.equal(1);
      expect(rest.retryAt!() - Date.now()).to.be.within(100_000, 121_000);
      // A failed fetch is not retried either (rt-monitor's reader retries, naming the cause meanwhile).
      stub.restore();
      const down = stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
      try {
        const failed = await rest.from('streams').select('*');
        expect(failed.status).to.equal(0);
        expect(down.sent.length).to.equal(1);
      } finally {
        down.restore();
      }
    } finally {
      stub.restore();
    }
  });
});

describe('rest client (real local backend)', () => {
  it('reads with RLS, counts with HEAD, updates, and reports unknown tables', async () => {
    const info = await backendInfo();
    const token = await signIn('alice@example.com');
    const rest = createRest({ url: `${info.url}/rest/v1`, anonKey: info.anonKey, token: async () => token });
    const business = `rest ${newId()}`;
    const rows = await insertRows('signal_alerts', [
      { user_id: ALICE, org_id: ACME, business_name: business, signal_type: 'hiring', priority: 'high', details: {}, read: false },
      { user_id: ALICE, org_id: ACME, business_name: business, signal_type: 'funding', priority: 'low', details: {}, read: false },
    ]);
    const ids = rows.map((r) => r.id);

    const list = await rest.from('signal_alerts').select('*').eq('business_name', business).order('signal_type', { ascending: true }).limit(1);
    expect(list.error).to.equal(null);
    expect(list.status).to.equal(200);
    expect(list.data.map((r: { signal_type: string }) => r.signal_type)).to.deep.equal(['funding']);

    const count = await rest.from('signal_alerts').select('*', { count: 'exact', head: true }).eq('business_name', business).eq('read', 'false');
    expect(count.error).to.equal(null);
    expect(count.count).to.equal(2);

    const upd = await rest.from('signal_alerts').update({ read: true }).eq('id', ids[0]);
    expect(upd.error, JSON.stringify(upd.error)).to.equal(null);
    expect((await selectRows('signal_alerts', { id: ids[0]! }))[0]!.read).to.equal(true);

    // anonymous (the anon key as bearer): Alice's rows stay hidden (the anon role may not read alerts)
    const anon = createRest({ url: `${info.url}/rest/v1`, anonKey: info.anonKey, token: async () => null });
    const hidden = await anon.from('signal_alerts').select('*').eq('business_name', business);
    expect(hidden.data ?? []).to.deep.equal([]);
    if (hidden.error) {
      expect(hidden.status).to.be.greaterThanOrEqual(400);
      expect(hidden.error.code).to.be.a('string');
    }

    const missing = await rest.from('no_such_table').select('*');
    expect(missing.data).to.equal(null);
    expect(missing.status).to.be.greaterThanOrEqual(400);
    expect(fromRestError(missing.error, missing.status, false).code).to.equal('bad-config');
  });
});
