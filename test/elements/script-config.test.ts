/** The script tag's `data-*` configuration (src/internal/script-config.ts), read from a tag as written. */
import { expect } from '@open-wc/testing';
import { configScript, optionsKey, optionsOfScript } from '../../src/internal/script-config.js';
import { TokenSource } from '../../src/core/tokens.js';
import { Session } from '../../src/core/session.js';

function tag(attrs: Record<string, string>): HTMLScriptElement {
  const s = document.createElement('script');
  for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v);
  return s;
}

describe('script tag data-* configuration', () => {
  it("a module's tag: its own (by URL), else one whose src names rt-monitor, never another vendor's before it (QA22 F7)", () => {
    const tag = (src: string, url: string) => {
      const script = Object.assign(document.createElement('script'), { type: 'text/plain', src }); // text/plain: never fetched
      script.dataset.supabaseUrl = url;
      return script;
    };
    const vendor = tag('/vendor/widget.js', 'https://other.supabase.co');
    const loader = tag('/cdn/rt-monitor-loader.js?v=1', 'https://ours.supabase.co');
    const allIn = tag('/assets/rt-monitor.js', 'https://ours-too.supabase.co');
    document.body.append(vendor, loader, allIn);
    try {
      expect(configScript(null, document, loader.src)).to.equal(loader);
      expect(configScript(null, document, allIn.src)).to.equal(allIn);
      expect(configScript(null, document)).to.equal(loader); // the first whose src names rt-monitor
      expect(configScript(vendor, document)).to.equal(vendor); // a classic script: document.currentScript
      loader.remove();
      allIn.remove();
      expect(configScript(null, document)).to.equal(vendor); // only a tag with data-*: the documented last resort
    } finally {
      vendor.remove();
      loader.remove();
      allIn.remove();
    }
  });

  it('data-revalidate-ms and data-realtime-mode reach the client options, and change its identity', () => {
    const base = { 'data-supabase-url': 'https://xyz.supabase.co', 'data-anon-key': 'anon' };
    const plain = optionsOfScript(tag(base))!;
    const tuned = optionsOfScript(tag({ ...base, 'data-revalidate-ms': '30000', 'data-realtime-mode': 'broadcast' }))!;
    expect(plain.revalidateMs).to.equal(undefined);
    expect(tuned.revalidateMs).to.equal(30_000);
    expect(tuned.realtimeMode).to.equal('broadcast');
    expect(optionsKey(tuned)).to.not.equal(optionsKey(plain));
    expect(optionsOfScript(tag({ ...base, 'data-revalidate-ms': '0' }))!.revalidateMs).to.equal(0);
  });

  it('data-revalidate-ms follows the rule of every numeric attribute (src/internal/number-attributes.ts), said once', () => {
    const base = { 'data-supabase-url': 'https://xyz.supabase.co', 'data-anon-key': 'anon' };
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
    try {
      const ms = (value: string) => optionsOfScript(tag({ ...base, 'data-revalidate-ms': value }))!.revalidateMs;
      expect(ms('soon'), 'not a number: the default').to.equal(undefined);
      expect(ms('soon')).to.equal(undefined);
      expect(ms('-1'), 'negative: the default').to.equal(undefined);
      expect(ms('2500.5'), 'floored').to.equal(2500);
      expect(ms('1e12'), 'at most a day').to.equal(86_400_000);
    } finally {
      console.warn = warn;
    }
    for (const v of ['soon', '-1', '2500.5', '1e12']) expect(warnings.filter((w) => w.includes('data-revalidate-ms') && w.includes(`"${v}"`)), v).to.have.length(1);
  });

  describe('a renewal source (data-access-token-url / -callback): what its answer means', () => {
    const base = { 'data-supabase-url': 'https://xyz.supabase.co', 'data-anon-key': 'anon' };
    /** An unsigned JWT for user `sub`, valid for `seconds` (the client reads `exp`, the server verifies). */
    const jwt = (seconds: number, sub = 'u1') => {
      const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
      return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, exp: Math.floor(Date.now() / 1000) + seconds })}.sig`;
    };
    const realFetch = globalThis.fetch;
    let answers: Array<() => Promise<Response>> = [];
    let asked = 0;
    beforeEach(() => {
      asked = 0;
      answers = [];
      globalThis.fetch = (async () => {
        asked++;
        const next = answers.shift();
        if (!next) throw new Error('the test gave no answer for this request');
        return next();
      }) as typeof fetch;
    });
    afterEach(() => {
      globalThis.fetch = realFetch;
      delete (window as unknown as Record<string, unknown>).rtTestToken;
    });
    const status = (code: number) => async () => new Response('{"error":"x"}', { status: code });
    const token = (t: string) => async () => new Response(JSON.stringify({ access_token: t }), { status: 200 });
    const unreachable = async (): Promise<Response> => {
      throw new TypeError('Failed to fetch');
    };
    const source = (attrs: Record<string, string>) => optionsOfScript(tag({ ...base, ...attrs }))!.accessToken as () => Promise<string | null>;
    /** The client's token source over the tag's option (src/core/tokens.ts: its back-off, its outage rule). */
    const tokens = (attrs: Record<string, string>) => {
      const ts = new TokenSource(source(attrs));
      const users: Array<string | null> = [];
      ts.onUserChange = (u) => users.push(u);
      return Object.assign(ts, { users });
    };

    it('a fixed token with more than 30 s left is used without a request, also by the user check', async () => {
      const fixed = jwt(3600);
      const ts = tokens({ 'data-access-token': fixed, 'data-access-token-url': '/token' });
      expect(await ts.get()).to.equal(fixed);
      ts.recheck(false, Date.now() + 60_000);
      expect(await ts.get()).to.equal(fixed);
      expect(asked).to.equal(0);
    });

    it('a source that cannot be reached (network, 404, 503): the last valid token is used, and the source asked again only after a back-off', async () => {
      for (const failure of [unreachable, status(404), status(503)]) {
        const fixed = jwt(20); // within 30 s of its expiry: the source is asked on the next read
        const ts = tokens({ 'data-access-token': fixed, 'data-access-token-url': '/token' });
        expect(await ts.get(), 'handed over first, without a request').to.equal(fixed);
        asked = 0;
        answers = [failure];
        expect(await ts.get(), String(failure)).to.equal(fixed);
        expect(await ts.get(), 'during the back-off').to.equal(fixed);
        expect(asked, 'asked once, not once per call').to.equal(1);
        expect(ts.users, 'no sign-out').to.deep.equal([]);
        expect(ts.failure).to.equal(null);
      }
    });

    it('a renewed token replaces the fixed one, and serves when the source then cannot be reached', async () => {
      const fixed = jwt(20);
      const renewed = jwt(25);
      const ts = tokens({ 'data-access-token': fixed, 'data-access-token-url': '/token' });
      answers = [token(renewed), status(502)];
      expect(await ts.get()).to.equal(fixed);
      expect(await ts.get()).to.equal(renewed);
      expect(await ts.get()).to.equal(renewed);
      expect(asked).to.equal(2);
    });

    it('HTTP 401 / 403 or a reply without a token is a sign-out: no token, even while the last one is valid', async () => {
      for (const signedOut of [status(401), status(403), async () => new Response('{}', { status: 200 })]) {
        const ts = tokens({ 'data-access-token': jwt(20), 'data-access-token-url': '/token' });
        answers = [signedOut];
        await ts.get();
        expect(await ts.get()).to.equal(null);
        expect(ts.users).to.deep.equal([null]);
      }
    });

    it('with no valid token left, the failure of an unreachable source is the cause', async () => {
      const ts = tokens({ 'data-access-token': jwt(-5), 'data-access-token-url': '/token' });
      answers = [status(503)];
      expect(await ts.get()).to.equal(null);
      expect(ts.failure?.message).to.contain('HTTP 503');
    });

    it('a callback that throws is a sign-out (Auth0 login_required), while the last token is valid too', async () => {
      (window as unknown as Record<string, unknown>).rtTestToken = async () => {
        throw Object.assign(new Error('Login required'), { error: 'login_required' });
      };
      const ts = tokens({ 'data-access-token': jwt(20), 'data-access-token-callback': 'rtTestToken' });
      await ts.get();
      expect(await ts.get()).to.equal(null);
      expect(ts.failure?.message).to.contain('Login required');
      expect(ts.users).to.deep.equal([null]);
    });

    it('a callback slower than a second does not hold reads up while a token is valid; its answer serves the next call', async () => {
      const fixed = jwt(20);
      const renewed = jwt(25);
      let answer!: (t: string) => void;
      (window as unknown as Record<string, unknown>).rtTestToken = () => new Promise<string>((r) => (answer = r));
      const ts = tokens({ 'data-access-token': fixed, 'data-access-token-callback': 'rtTestToken' });
      expect(await ts.get()).to.equal(fixed);
      expect(await ts.get(), 'the valid token, after at most a second').to.equal(fixed);
      answer(renewed);
      while (ts.current !== renewed) await new Promise((r) => setTimeout(r, 10)); // the answer settles
      (window as unknown as Record<string, unknown>).rtTestToken = () => new Promise<string>(() => {}); // now it hangs
      expect(await ts.get(), 'the slow answer, kept for the next call').to.equal(renewed);
    });

    it('the token URL is fetched past the HTTP cache and with a time limit (a hung request holds one of six connections to the page\'s server; QA17)', async () => {
      let init: RequestInit | undefined;
      globalThis.fetch = (async (_: unknown, i?: RequestInit) => {
        init = i;
        return new Response(JSON.stringify({ access_token: jwt(3600) }));
      }) as typeof fetch;
      await source({ 'data-access-token-url': '/token' })();
      expect(init?.cache).to.equal('no-store');
      expect(init?.signal, 'cancelled at the time limit').to.be.instanceOf(AbortSignal);
    });

    it('a body that is not valid JSON is unavailable (the valid token is kept); a web page instead of a token says so (QA17)', async () => {
      const fixed = jwt(20);
      const broken = tokens({ 'data-access-token': fixed, 'data-access-token-url': '/token' });
      answers = [async () => new Response('{"access_token": "eyJ', { status: 200 })];
      await broken.get();
      expect(await broken.get()).to.equal(fixed);
      const page = tokens({ 'data-access-token': jwt(20), 'data-access-token-url': '/token' });
      answers = [async () => new Response('<!doctype html><title>Sign in</title>', { status: 200, headers: { 'content-type': 'text/html' } })];
      await page.get();
      expect(await page.get()).to.equal(null);
      expect(page.failure?.message).to.contain('a web page (a sign-in page?)');
      // JSON whose token is no JWT is named so, not "text" (QA83 F6).
      const garbage = tokens({ 'data-access-token': jwt(20), 'data-access-token-url': '/token' });
      answers = [async () => new Response('{"access_token": "not-a-jwt"}', { status: 200, headers: { 'content-type': 'application/json' } })];
      await garbage.get();
      expect(await garbage.get()).to.equal(null);
      expect(garbage.failure?.message).to.contain('JSON whose token is not a JWT');
    });

    it("a slow source's answer is waited for by the user check while the token has more than 30 s left (a sign-out is not missed; QA17)", async () => {
      const renewed = jwt(3600);
      (window as unknown as Record<string, unknown>).rtTestToken = async () => renewed;
      const ts = tokens({ 'data-access-token': jwt(20), 'data-access-token-callback': 'rtTestToken' });
      await ts.get();
      expect(await ts.get()).to.equal(renewed);
      // Signed out; the source takes 1.5 s to say so.
      (window as unknown as Record<string, unknown>).rtTestToken = () => new Promise((r) => setTimeout(() => r(null), 1500));
      ts.recheck(false, Date.now() + 60_000);
      while (!ts.users.length) await new Promise((r) => setTimeout(r, 20));
      expect(ts.users).to.deep.equal([null]);
      expect(await ts.get()).to.equal(null);
    });

    it('a token URL that answers HTTP 500 until the token expires: the session names that answer, not an expired token from a callback (QA24 M2)', async () => {
      const fixed = jwt(1);
      const session = new Session(source({ 'data-access-token': fixed, 'data-access-token-url': '/token' }), undefined, { changed() {}, renewed() {} });
      expect(await session.tokens.get(), 'handed over first').to.equal(fixed);
      await new Promise((r) => setTimeout(r, 1100)); // past its exp
      answers = [status(500)];
      expect(await session.refresh('the token is about to expire')).to.equal(false);
      expect(session.error?.code).to.equal('session-expired');
      expect(session.error?.message).to.include('data-access-token-url answered HTTP 500');
      expect(session.error?.message).to.not.include('callback');
    });

    it('a callback name that is not a function: unreachable, so a valid fixed token is still used', async () => {
      const fixed = jwt(20);
      const errors: string[] = [];
      const error = console.error;
      console.error = (...args: unknown[]) => void errors.push(args.map(String).join(' '));
      try {
        const ts = tokens({ 'data-access-token': fixed, 'data-access-token-callback': 'noSuchThing.getToken' });
        expect(await ts.get()).to.equal(fixed);
        expect(await ts.get()).to.equal(fixed);
        expect(ts.users).to.deep.equal([]);
      } finally {
        console.error = error;
      }
      expect(errors.some((e) => e.includes('noSuchThing.getToken'))).to.equal(true);
    });
  });
});
