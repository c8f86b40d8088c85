/**
 * The built script-tag bundle (dist/rt-monitor.js) in a real page served with a strict
 * Content-Security-Policy header, against the real local backend: live data, live updates,
 * configuration from the script tag or from code, and loading the file twice.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startLocalBackend, type LocalBackend } from '../../server/index.ts';
import {
  ACME, ALICE, DIST, ROOT, STRICT_CSP, ensureBuilt, launchChromium, pollPage, recordCspViolations, serveStatic, serviceRest, shadowText, signIn, watchPage,
  type PageLog, type StaticServer,
} from './dist-support.ts';

let backend: LocalBackend;
let site: StaticServer;
let browser: Browser;
let token: string;
const routes: Record<string, string | { body: string; type: string }> = {};
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

const html = (body: string) => ({
  type: 'text/html; charset=utf-8',
  body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>rt-monitor script tag</title></head><body>\n${body}\n</body></html>`,
});

function scriptTag(src = '/rt-monitor.js'): string {
  return `<script src="${src}" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token="${token}"></script>`;
}

async function newStream(name: string) {
  const [row] = await serviceRest(backend).insert('streams', [
    { org_id: ACME, name, goal_status: 'in_progress', current_progress: { percentage: 20, completed: 2, total: 10 } },
  ]);
  return row as { id: string; name: string };
}

async function open(path: string): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage();
  const log = watchPage(page);
  await recordCspViolations(page);
  const res = await page.goto(`${site.url}${path}`);
  assert.equal(res?.headers()['content-security-policy'], STRICT_CSP, 'the page is served with the strict CSP header');
  return { page, log };
}

async function cspViolations(page: Page, log: PageLog): Promise<string[]> {
  const recorded = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
  return [...recorded, ...log.violations];
}

const rtWarnings = (log: PageLog) => log.warnings.filter((w) => w.includes('rt-monitor'));

describe('script-tag bundle (dist/rt-monitor.js) under a strict CSP', () => {
  before(async () => {
    ensureBuilt();
    backend = await startLocalBackend({ port: 0, devControls: true, quiet: true });
    token = await signIn(backend);
    routes['/rt-monitor.js'] = join(DIST, 'rt-monitor.js');
    routes['/favicon.ico'] = { body: '', type: 'image/x-icon' };
    site = await serveStatic(join(ROOT, '.tmp'), { 'Content-Security-Policy': STRICT_CSP }, routes);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await backend?.stop();
  });

  test('configured from the script tag: shows live data and updates on a change, with no CSP violation', async () => {
    const stream = await newStream(`CSP stream ${Date.now()}`);
    routes['/single.html'] = html(
      `<rt-connection-status id="conn"></rt-connection-status>\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>\n${scriptTag()}`,
    );
    const { page, log } = await open('/single.html');
    try {
      await pollPage(page, (name: string) => document.querySelector('#progress')?.shadowRoot?.textContent?.includes(name), stream.name, 15_000, 'the stream name');
      assert.match(await shadowText(page, '#progress'), /20\s?%/);
      await pollPage(page, () => document.querySelector('#conn')?.getAttribute('status') === 'connected' || /connected/i.test(document.querySelector('#conn')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'connected status');

      await serviceRest(backend).update('streams', stream.id, { current_progress: { percentage: 73, completed: 7, total: 10 } });
      await pollPage(page, () => /73\s?%/.test(document.querySelector('#progress')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'the update to 73 %');

      const info = await page.evaluate(() => ({
        version: window.RtMonitor?.version,
        api: ['configure', 'getRealtimeService', 'getDefaultClient', 'createRtClient'].every((k) => typeof (window.RtMonitor as any)?.[k] === 'function'),
        defined: (window.RtMonitor?.tags ?? []).filter((t: string) => customElements.get(t)).length,
        tags: window.RtMonitor?.tags.length,
        registerStrings: typeof (window.RtMonitor as any)?.registerStrings,
      }));
      assert.equal(info.version, version);
      assert.ok(info.api, 'RtMonitor exposes configure, getRealtimeService, getDefaultClient, createRtClient');
      assert.equal(info.defined, info.tags, 'every tag is defined');
      assert.equal(info.registerStrings, 'function', 'after ready, RtMonitor carries the npm entry exports');
      assert.deepEqual(await cspViolations(page, log), []);
      assert.deepEqual(log.errors, []);
      assert.deepEqual(rtWarnings(log), []);
      assert.equal(log.websockets.length, 1, `one WebSocket: ${log.websockets.join(', ')}`);
    } finally {
      await page.close();
    }
  });

  test('data-realtime-mode="broadcast": private topics only, and a change shows live', async () => {
    const stream = await newStream(`Broadcast tag ${Date.now()}`);
    const tag = scriptTag('/rt-monitor.js').replace('<script ', '<script data-realtime-mode="broadcast" ');
    routes['/broadcast.html'] = html(`<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>\n${tag}`);
    const { page, log } = await open('/broadcast.html');
    try {
      await showsStream(page, stream);
      await pollPage(page, () => /Live/.test(document.querySelector('#progress')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'Live');
      const channels = await page.evaluate(() => (window.RtMonitor as any).getDefaultClient().getChannels().channels as Array<{ topic: string; private?: boolean }>);
      assert.ok(channels.length > 0 && channels.every((c) => c.private && c.topic === `org:${ACME}`), JSON.stringify(channels));
      await serviceRest(backend).update('streams', stream.id, { current_progress: { percentage: 58, completed: 58, total: 100 } });
      await pollPage(page, () => /58\s?%/.test(document.querySelector('#progress')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'the update to 58 %');
      assert.deepEqual(await cspViolations(page, log), []);
      assert.deepEqual(log.errors, []);
    } finally {
      await page.close();
    }
  });

  test("Trusted Types: with Lit's policy allowed it renders; with it refused, RtMonitor.ready rejects and the console says why", async () => {
    const stream = await newStream(`Trusted Types ${Date.now()}`);
    const page = (policy: string) => ({
      type: 'text/html; charset=utf-8',
      body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="require-trusted-types-for 'script'; ${policy}"><title>tt</title></head><body>\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>\n${scriptTag()}\n</body></html>`,
    });
    routes['/tt-allowed.html'] = page("trusted-types lit-html 'allow-duplicates'");
    routes['/tt-refused.html'] = page("trusted-types 'none'");
    const allowed = await open('/tt-allowed.html');
    try {
      await showsStream(allowed.page, stream);
      assert.equal(await allowed.page.evaluate(() => window.RtMonitor!.ready.then(() => 'resolved', (e: Error) => e.message)), 'resolved');
    } finally {
      await allowed.page.close();
    }
    const refused = await open('/tt-refused.html');
    try {
      const outcome = await refused.page.evaluate(() => window.RtMonitor!.ready.then(() => 'resolved', (e: Error) => e.message));
      assert.match(outcome, /no element is defined.*trusted-types lit-html/);
      assert.ok(refused.log.errors.some((e) => /rt-monitor: the bundle stopped/.test(e)), refused.log.errors.join(' | '));
      // The widget's box says why (QA22 F9: it stayed blank), as text, also for a tag added later.
      await pollPage(refused.page, () => /Policy "lit-html" disallowed.*trusted-types lit-html/.test(document.querySelector('#progress')?.shadowRoot?.textContent ?? ''), undefined, 5_000, 'the cause in the widget');
      const later = await refused.page.evaluate(() => document.body.appendChild(document.createElement('rt-connection-status')).shadowRoot?.textContent ?? '');
      assert.match(later, /lit-html/);
    } finally {
      await refused.page.close();
    }
  });

  test("a page's enumerable Object.prototype value (QA22 F4): RtMonitor.ready resolves with every npm export, no error", async () => {
    const stream = await newStream(`Polluted ${Date.now()}`);
    routes['/pollute.js'] = { type: 'text/javascript', body: `Object.prototype.polluted = 'yes';\n` };
    routes['/polluted.html'] = html(`<script src="/pollute.js"></script>\n${scriptTag()}\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>`);
    const { page, log } = await open('/polluted.html');
    try {
      await showsStream(page, stream);
      const info = await page.evaluate(() =>
        window.RtMonitor.ready.then(
          () => ({ ready: 'resolved', registerStrings: typeof (window.RtMonitor as any).registerStrings, RtStreamCard: typeof (window.RtMonitor as any).RtStreamCard }),
          (e: Error) => ({ ready: e.message }),
        ),
      );
      assert.deepEqual(info, { ready: 'resolved', registerStrings: 'function', RtStreamCard: 'function' });
      assert.deepEqual(log.errors, []);
    } finally {
      await page.close();
    }
  });

  test('the bundle stopping on the way: RtMonitor.ready and the console name its error, not Trusted Types, and the widgets show it', async () => {
    // Lit does (globalThis.reactiveElementVersions ??= []).push(…): a page's own value there stops it.
    routes['/lit-versions.js'] = { type: 'text/javascript', body: `window.reactiveElementVersions = 'a page value';\n` };
    routes['/stops.html'] = html(`<script src="/lit-versions.js"></script>\n${scriptTag()}\n<rt-stream-progress id="progress"></rt-stream-progress>`);
    const { page, log } = await open('/stops.html');
    try {
      const outcome = await page.evaluate(() => window.RtMonitor.ready.then(() => 'resolved', (e: Error) => e.message));
      assert.match(outcome, /stopped while loading, so no element is defined: TypeError: .*push/);
      assert.doesNotMatch(outcome, /trusted/i);
      assert.ok(log.errors.some((e) => e.includes(outcome)), log.errors.join(' | '));
      await pollPage(page, () => /TypeError: .*push/.test(document.querySelector('#progress')?.shadowRoot?.textContent ?? ''), undefined, 5_000, 'the error in the widget');
    } finally {
      await page.close();
    }
  });

  test('type="module" after another vendor\'s <script data-supabase-url> (QA22 F7): its own tag\'s data-* apply', async () => {
    const stream = await newStream(`Module after vendor ${Date.now()}`);
    routes['/vendor.js'] = { type: 'text/javascript', body: '/* another Supabase widget */\n' };
    const other = `<script src="/vendor.js" data-supabase-url="http://127.0.0.1:9" data-anon-key="other-vendor"></script>`;
    routes['/after-vendor.html'] = html(`${other}\n${scriptTag().replace('<script ', '<script type="module" ')}\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>`);
    const { page, log } = await open('/after-vendor.html');
    try {
      await showsStream(page, stream);
      assert.deepEqual(log.errors, []);
    } finally {
      await page.close();
    }
  });

  test('loaded twice: one client, one WebSocket, no registration error, a single warning', async () => {
    const stream = await newStream(`Twice ${Date.now()}`);
    routes['/twice.html'] = html(
      `${scriptTag('/rt-monitor.js')}\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>\n<rt-connection-status id="conn"></rt-connection-status>\n${scriptTag('/rt-monitor.js?copy=2')}`,
    );
    const { page, log } = await open('/twice.html');
    try {
      await pollPage(page, (name: string) => document.querySelector('#progress')?.shadowRoot?.textContent?.includes(name), stream.name, 15_000, 'the stream name');
      await serviceRest(backend).update('streams', stream.id, { current_progress: { percentage: 64, completed: 64, total: 100 } });
      await pollPage(page, () => /64\s?%/.test(document.querySelector('#progress')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'the update to 64 %');
      // The second copy has run (it says so when it does), and a change arrived after it: a socket
      // of its own would exist by now.
      for (let polls = 0; !rtWarnings(log).some((w) => /loaded twice/.test(w)); polls++) {
        assert.ok(polls < 150, 'the second copy never ran');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(log.websockets.length, 1, `one WebSocket: ${log.websockets.join(', ')}`);
      assert.deepEqual(log.errors, [], 'no errors (no "already been defined" NotSupportedError)');
      const warnings = rtWarnings(log);
      assert.equal(warnings.length, 1, `exactly one warning: ${warnings.join(' | ')}`);
      assert.match(warnings[0], /loaded twice/);
      assert.deepEqual(await cspViolations(page, log), []);
      const same = await page.evaluate(() => window.RtMonitor === (globalThis as any)[Symbol.for('rt-monitor.cdn')] && !!window.RtMonitor.getDefaultClient());
      assert.ok(same, 'window.RtMonitor is the first copy and holds the client');
    } finally {
      await page.close();
    }
  });

  test('configured from code (RtMonitor.configure in a page script) under the same CSP', async () => {
    const stream = await newStream(`From code ${Date.now()}`);
    routes['/app.js'] = {
      type: 'text/javascript',
      body: `RtMonitor.configure({ url: ${JSON.stringify(backend.url)}, anonKey: ${JSON.stringify(backend.anonKey)}, accessToken: async () => ${JSON.stringify(token)} });\n`,
    };
    routes['/code.html'] = html(`<script src="/rt-monitor.js"></script>\n<script src="/app.js"></script>\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>`);
    const { page, log } = await open('/code.html');
    try {
      await pollPage(page, (name: string) => document.querySelector('#progress')?.shadowRoot?.textContent?.includes(name), stream.name, 15_000, 'the stream name');
      assert.deepEqual(await cspViolations(page, log), []);
      assert.deepEqual(log.errors, []);
    } finally {
      await page.close();
    }
  });

  // "Every way a host page delivers configuration" (docs/distribution.md, "Script tag: how configuration is found").
  async function showsStream(page: Page, stream: { name: string }) {
    await pollPage(page, (name: string) => document.querySelector('#progress')?.shadowRoot?.textContent?.includes(name), stream.name, 15_000, 'the stream name');
  }

  for (const [label, attrs] of [['defer', 'defer'], ['async', 'async'], ['type="module"', 'type="module"']] as const) {
    test(`script tag loaded with ${label}: configured from its data-* attributes`, async () => {
      const stream = await newStream(`Load ${label} ${Date.now()}`);
      const tag = scriptTag('/rt-monitor.js').replace('<script ', `<script ${attrs} `);
      const path = `/load-${label.replace(/\W/g, '')}.html`;
      routes[path] = html(`${tag}\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>`);
      const { page, log } = await open(path);
      try {
        await showsStream(page, stream);
        assert.deepEqual(log.errors, []);
        assert.deepEqual(rtWarnings(log), []);
      } finally {
        await page.close();
      }
    });
  }

  test('script tag injected later by a loader (createElement + append): configured from its data-* attributes', async () => {
    const stream = await newStream(`Injected ${Date.now()}`);
    routes['/loader.js'] = {
      type: 'text/javascript',
      body: `setTimeout(() => { const s = document.createElement('script'); s.src = '/rt-monitor.js'; s.dataset.supabaseUrl = ${JSON.stringify(backend.url)}; s.dataset.anonKey = ${JSON.stringify(backend.anonKey)}; s.dataset.accessToken = ${JSON.stringify(token)}; document.head.append(s); }, 50);\n`,
    };
    routes['/injected.html'] = html(`<script src="/loader.js"></script>\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>`);
    const { page, log } = await open('/injected.html');
    try {
      await showsStream(page, stream);
      assert.deepEqual(log.errors, []);
    } finally {
      await page.close();
    }
  });

  /** A user token signed with the backend's dev secret, valid for `seconds`. */
  async function mint(seconds: number): Promise<string> {
    const { SignJWT } = await import('jose');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ role: 'authenticated', aud: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(ALICE)
      .setIssuedAt(now - 5)
      .setExpirationTime(now + seconds)
      .sign(new TextEncoder().encode(backend.jwtSecret));
  }

  const liveBadge = (page: Page) =>
    page.evaluate(() => {
      const badge = document.querySelector('#progress')?.shadowRoot?.querySelector('[part~="live-badge"]');
      const label = badge && [...badge.children].find((c) => c.tagName === 'SPAN' && !c.classList.contains('sr-only') && !c.classList.contains('live-dot'));
      return label?.textContent?.trim() ?? null;
    });

  /** Polls the widget's status badge until it reads `text` (fails after `ms`). */
  async function badgeReads(page: Page, text: string, ms: number): Promise<void> {
    const started = Date.now();
    while ((await liveBadge(page)) !== text) {
      assert.ok(Date.now() - started < ms, `the badge never read "${text}" (got ${await liveBadge(page)})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  test('static data-access-token that expires: "Session expired", rt-session-expired on window, RtMonitor.setAccessToken recovers', async () => {
    const stream = await newStream(`Static expiry ${Date.now()}`);
    const short = await mint(15); // long enough to show data on a loaded machine before it expires
    const fresh = await mint(3600);
    routes['/static-expiry.js'] = {
      type: 'text/javascript',
      body: `window.__expired = 0; window.addEventListener('rt-session-expired', () => { window.__expired++; });\n`,
    };
    routes['/static-expiry.html'] = html(
      `<script src="/static-expiry.js"></script>\n<script src="/rt-monitor.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token="${short}"></script>\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>`,
    );
    const { page, log } = await open('/static-expiry.html');
    try {
      await showsStream(page, stream);
      await pollPage(page, () => (window as unknown as { __expired: number }).__expired > 0, undefined, 30_000, 'rt-session-expired');
      await badgeReads(page, 'Session expired', 15_000);
      await page.evaluate((t) => (window as unknown as { RtMonitor: { setAccessToken(t: string): void } }).RtMonitor.setAccessToken(t), fresh);
      await badgeReads(page, 'Live', 40_000);
      await serviceRest(backend).update('streams', stream.id, { name: `${stream.name} renewed` });
      await pollPage(page, (name: string) => document.querySelector('#progress')?.shadowRoot?.textContent?.includes(name), `${stream.name} renewed`, 15_000, 'update after renewal');
      assert.deepEqual(log.errors, []);
    } finally {
      await page.close();
    }
  });

  /**
   * A page with a 20 s `data-access-token` and a renewal source that fails (`renewal`: its
   * data-* attribute, `setup`: script run before rt-monitor's): the fixed token works while valid,
   * then rt-session-expired fires and the badge reads "Session expired".
   */
  async function expiresWhileRenewalFails(name: string, renewal: string, setup: string, expiredWithinMs: number): Promise<void> {
    const stream = await newStream(`${name} ${Date.now()}`);
    const short = await mint(20); // long enough to show data on a loaded machine before it expires
    routes[`/${name}.js`] = { type: 'text/javascript', body: `window.__expired = 0; window.addEventListener('rt-session-expired', () => { window.__expired++; });\n${setup}` };
    routes[`/${name}.html`] = html(
      `<script src="/${name}.js"></script>\n<script src="/rt-monitor.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token="${short}" ${renewal}></script>\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>`,
    );
    const { page } = await open(`/${name}.html`);
    try {
      await showsStream(page, stream); // the fixed token works while it is valid
      await pollPage(page, () => (window as unknown as { __expired: number }).__expired > 0, undefined, expiredWithinMs, 'rt-session-expired');
      await badgeReads(page, 'Session expired', 15_000);
    } finally {
      await page.close();
    }
  }

  test('a failing data-access-token-url: the fixed token is used while valid, then "Session expired", no flood of requests', async () => {
    let asked = 0;
    const failing = `/token-fails-${Date.now()}.json`;
    // A getter that counts and answers 404 (the static server 404s an undefined route).
    Object.defineProperty(routes, failing, { configurable: true, enumerable: true, get: () => void asked++ });
    try {
      await expiresWhileRenewalFails('failing-renewal', `data-access-token-url="${failing}"`, '', 40_000);
      // Asked with back-off (1, 2, 5, 10, 30 s), not once per request.
      assert.ok(asked <= 12, `the token URL was asked ${asked} times`);
    } finally {
      delete routes[failing];
    }
  });

  test('a renewal source that never answers (QA16): the fixed token is used while valid, then "Session expired" and rt-session-expired', async () => {
    await expiresWhileRenewalFails('hung-renewal', 'data-access-token-callback="hungToken"', 'window.hungToken = () => new Promise(() => {});\n', 50_000);
  });

  test('data-access-token-callback naming a function defined later in the page: no error, live', async () => {
    const stream = await newStream(`Late callback ${Date.now()}`);
    const token35 = await mint(3600);
    routes['/late-callback-def.js'] = { type: 'text/javascript', body: `window.myAuth = { getSupabaseToken: async () => ${JSON.stringify(token35)} };\n` };
    routes['/late-callback.html'] = html(
      `<script src="/rt-monitor.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token-callback="myAuth.getSupabaseToken"></script>\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>\n<script src="/late-callback-def.js"></script>`,
    );
    const { page, log } = await open('/late-callback.html');
    try {
      await showsStream(page, stream);
      await badgeReads(page, 'Live', 15_000);
      assert.deepEqual(log.errors.filter((e) => /rt-monitor|401/.test(e)), []);
    } finally {
      await page.close();
    }
  });

  for (const mode of ['callback', 'url'] as const) {
    test(`data-access-token-${mode}: short-lived tokens are renewed, the widget stays live across expiries`, async () => {
      const stream = await newStream(`Renew ${mode} ${Date.now()}`);
      let served = 0;
      const tokenPath = `/token-${Date.now()}.json`;
      // Tokens valid 35 s: rt-monitor asks again 30 s before expiry, so a new one every ~5 s.
      routes['/renew-setup.js'] = { type: 'text/javascript', body: `window.__tokens = 0;\nwindow.getRtToken = async () => { window.__tokens++; const r = await fetch(${JSON.stringify(tokenPath)}); return (await r.json()).access_token; };\n` };
      const attr = mode === 'callback' ? 'data-access-token-callback="getRtToken"' : `data-access-token-url="${tokenPath}"`;
      routes[`/renew-${mode}.html`] = html(
        `<script src="/renew-setup.js"></script>\n<script src="/rt-monitor.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" ${attr}></script>\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>`,
      );
      // Each answer is a token minted at most ~1 s before (the next is minted as one goes out, and
      // again every second): tokens minted all up front ran out of life on a slow run.
      const tokens = [await mint(35)];
      const refill = () => void mint(35).then((t) => tokens.push(t), () => {});
      const minter = setInterval(refill, 1000);
      const newest = () => {
        served++;
        refill();
        return tokens[tokens.length - 1];
      };
      Object.defineProperty(routes, tokenPath, { configurable: true, enumerable: true, get: () => ({ type: 'application/json', body: JSON.stringify({ access_token: newest() }) }) });
      const { page, log } = await open(`/renew-${mode}.html`);
      try {
        await showsStream(page, stream);
        const first = served;
        const started = Date.now();
        while (served < first + 2 || (await liveBadge(page)) !== 'Live') {
          assert.ok(Date.now() - started < 40_000, `not renewed twice (served ${served}, badge ${await liveBadge(page)})`);
          await new Promise((r) => setTimeout(r, 200));
        }
        await serviceRest(backend).update('streams', stream.id, { name: `${stream.name} after renewals` });
        await pollPage(page, (name: string) => document.querySelector('#progress')?.shadowRoot?.textContent?.includes(name), `${stream.name} after renewals`, 15_000, 'update');
        assert.deepEqual(log.errors, []);
        delete routes[tokenPath];
      } finally {
        clearInterval(minter);
        await page.close();
      }
    });
  }

  test("a tag's data-* after the page configured rt-monitor in code (QA22 F6): the code's client is kept, one warning", async () => {
    const stream = await newStream(`Code first ${Date.now()}`);
    // The app's own configure() (here through the first copy, as the npm build would through the
    // shared default-client slot), then a deferred tag carrying another project's data-*.
    routes['/code-first.js'] = {
      type: 'text/javascript',
      body: `RtMonitor.configure({ url: ${JSON.stringify(backend.url)}, anonKey: ${JSON.stringify(backend.anonKey)}, accessToken: ${JSON.stringify(token)} });\n`,
    };
    const later = `<script defer src="/rt-monitor.js?copy=4" data-supabase-url="http://127.0.0.1:9" data-anon-key="other-project"></script>`;
    routes['/code-first.html'] = html(`<script src="/rt-monitor.js"></script>\n<script src="/code-first.js"></script>\n${later}\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>`);
    const { page, log } = await open('/code-first.html');
    try {
      await showsStream(page, stream);
      for (let polls = 0; !rtWarnings(log).some((w) => /configured rt-monitor in code/.test(w)); polls++) {
        assert.ok(polls < 200, `no warning: ${rtWarnings(log).join(' | ')}`);
        await page.waitForTimeout(50);
      }
      await pollPage(page, () => document.querySelector('#progress')?.shadowRoot?.textContent?.includes('Live'), null, 15_000, 'Live');
      assert.equal(await page.evaluate(() => (window as unknown as { RtMonitor: { getDefaultClient(): { url?: string } | null } }).RtMonitor.getDefaultClient() !== null), true);
      assert.deepEqual(log.errors, []);
    } finally {
      await page.close();
    }
  });

  test('two tags with different data-* configuration: the first wins, one warning', async () => {
    const stream = await newStream(`Two configs ${Date.now()}`);
    const second = `<script src="/rt-monitor.js?copy=3" data-supabase-url="http://127.0.0.1:9" data-anon-key="wrong"></script>`;
    routes['/two-configs.html'] = html(`${scriptTag('/rt-monitor.js')}\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>\n${second}`);
    const { page, log } = await open('/two-configs.html');
    try {
      await showsStream(page, stream);
      const warnings = rtWarnings(log);
      // One warning in all (QA28: the "loaded twice" one came as well), naming the configuration.
      assert.equal(warnings.length, 1, warnings.join(' | '));
      assert.match(warnings[0]!, /different data-\* configuration; the one applied first \(\/rt-monitor\.js\) is kept, not \/rt-monitor\.js\?copy=3's/);
      assert.deepEqual(log.errors, []);
    } finally {
      await page.close();
    }
  });

  test('RtMonitor.configure queued before the bundle loaded (window.RtMonitor = { q: [...] }) is replayed', async () => {
    const stream = await newStream(`Queued ${Date.now()}`);
    routes['/queue.js'] = {
      type: 'text/javascript',
      body: `(window.RtMonitor = window.RtMonitor || { q: [] }).q.push(['configure', { url: ${JSON.stringify(backend.url)}, anonKey: ${JSON.stringify(backend.anonKey)}, accessToken: ${JSON.stringify(token)} }]);\n`,
    };
    routes['/queued.html'] = html(`<script src="/queue.js"></script>\n<rt-stream-progress id="progress" stream-id="${stream.id}"></rt-stream-progress>\n<script src="/rt-monitor.js"></script>`);
    const { page, log } = await open('/queued.html');
    try {
      await showsStream(page, stream);
      assert.deepEqual(log.errors, []);
      assert.deepEqual(rtWarnings(log), []);
    } finally {
      await page.close();
    }
  });

  test('the bundle contains no eval, no new Function, no auth-js / storage-js; REST is postgrest-js', () => {
    const code = readFileSync(join(DIST, 'rt-monitor.js'), 'utf8');
    assert.doesNotMatch(code, /\beval\(/);
    assert.doesNotMatch(code, /new Function\(/);
    const map = JSON.parse(readFileSync(join(DIST, 'rt-monitor.js.map'), 'utf8')) as { sources: string[] };
    const supabase = [...new Set(map.sources.filter((s) => s.includes('@supabase/')).map((s) => s.replace(/.*node_modules\/(@supabase\/[^/]+).*/, '$1')))].sort();
    assert.deepEqual(supabase, ['@supabase/phoenix', '@supabase/postgrest-js', '@supabase/realtime-js']);
    // (that no build step rewrites a dependency: test/e2e/dist-build-plugins.test.ts)
  });
});
