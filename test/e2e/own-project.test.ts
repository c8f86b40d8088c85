/**
 * docs/own-project.md, followed literally (issue 12): the local backend stands in for the user's
 * Supabase project, started BARE (`migrations: false`: auth, roles, an empty supabase_realtime
 * publication; no schema, no users). Each test is one step of the guide:
 *
 *   1. `npm pack` the package, `npm install` the tarball (and supabase-js) into an empty app;
 *   2. apply the SQL shipped in the installed package (twice: idempotent);
 *   3. Realtime: the five tables are in the publication;
 *   4. the guide's setup script (supabase-js, service_role): a user, an org, a membership, a stream;
 *   5. an app bundled with Vite from the installed package signs in with supabase-js, hands the
 *      client over, goes live with the row's value and follows an UPDATE; a user without an
 *      org_members row is told why, and goes live once the row exists;
 *   6. third-party auth: a supabase-js client with an `accessToken` callback;
 *   7. the script-tag bundle with a server-issued token renewed by the guide's endpoint, live past
 *      the first token's expiry.
 *
 * `dist/` must be fresh (`npm test` builds it first); the pack uses it as is (`--ignore-scripts`;
 * without the flag `npm pack` rebuilds it first through `prepare`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startLocalBackend, type LocalBackend } from '../../server/index.ts';
import { ROOT, ensureBuilt, launchChromium, pollPage, run } from './dist-support.ts';

const scratch = join(ROOT, '.tmp/own-project-test');
const app = join(scratch, 'your-app');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const installed = join(app, 'node_modules/rt-monitor');

let backend: LocalBackend;
let browser: Browser;
let site: { url: string; server: Server };
/** What the guide's setup script printed. */
let setup: { userId: string; orgId: string; streamId: string; otherUserId: string };
/** The server-side session of the script-tag page (step 7): the user's refresh token. */
/** The app server's session of the signed-in user (step 7: its Supabase tokens, kept server-side). */
interface ServerSession {
  refreshToken: string;
  accessToken: string;
  /** Unix seconds (Supabase Auth's `expires_at`). */
  expiresAt: number;
}
const serverSession: ServerSession = { refreshToken: '', accessToken: '', expiresAt: 0 };
let tokenCalls = 0;
/** Refresh-token exchanges the endpoint made. */
let refreshes = 0;

const ANA = { email: 'ana@example.com', password: 'a-good-password' };
const BEN = { email: 'ben@example.com', password: 'another-password' };

/** Service-role REST, as the user's own backend writes rows. */
async function serviceRest(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${backend.url}/rest/v1/${path}`, {
    method,
    headers: { apikey: backend.serviceRoleKey, Authorization: `Bearer ${backend.serviceRoleKey}`, 'Content-Type': 'application/json', Prefer: 'return=representation' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const setProgress = (percentage: number) =>
  serviceRest('PATCH', `streams?id=eq.${setup.streamId}`, { current_progress: { percentage, completed: percentage / 10, total: 10 } });

/** The guide's GET /api/supabase-token (docs/own-project.md, step 7), verbatim but for the names. */
async function supabaseToken(session: ServerSession): Promise<{ status: number; json?: { access_token: string } }> {
  if (session.accessToken && session.expiresAt - Date.now() / 1000 > 60) {
    return { status: 200, json: { access_token: session.accessToken } };
  }
  refreshes++;
  const res = await fetch(`${backend.url}/auth/v1/token?grant_type=refresh_token`, {
    method: 'POST',
    headers: { apikey: backend.anonKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh_token: session.refreshToken }),
  });
  if (!res.ok) return { status: 401 };
  const body = (await res.json()) as { access_token: string; refresh_token: string; expires_at: number };
  Object.assign(session, { refreshToken: body.refresh_token, accessToken: body.access_token, expiresAt: body.expires_at });
  return { status: 200, json: { access_token: body.access_token } };
}

/** The server-rendered page of step 7: the first token rendered into the script tag. */
function legacyPage(accessToken: string | null): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>server-rendered</title>
<script src="/assets/rt-monitor.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}"
        ${accessToken ? `data-access-token="${accessToken}" ` : ''}data-access-token-url="/api/supabase-token"></script></head>
<body><rt-connection-status></rt-connection-status><rt-stream-progress stream-id="${setup.streamId}"></rt-stream-progress></body></html>`;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.map': 'application/json' };

/** The app's web server: the Vite build, the installed script-tag bundle, the token endpoints. */
async function startSite(): Promise<{ url: string; server: Server }> {
  const built = join(app, 'dist');
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/api/supabase-token') {
        tokenCalls++;
        const r = await supabaseToken(serverSession);
        res.writeHead(r.status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(r.json ?? { error: 'session ended' }));
        return;
      }
      if (path === '/api/idp-token') {
        // Stands in for a third-party identity provider's SDK (Clerk's getToken()): a JWT for Ana that
        // the project trusts. The local backend trusts its own secret, as a project trusts its provider's keys.
        const { SignJWT } = await import('jose');
        const jwt = await new SignJWT({ role: 'authenticated', email: ANA.email })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setSubject(setup.userId)
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(backend.jwtSecret));
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' }).end(jwt);
        return;
      }
      if (path === '/legacy.html') {
        // The server signs the user in (its own login form), keeps the refresh token in its session.
        const signIn = (await (
          await fetch(`${backend.url}/auth/v1/token?grant_type=password`, {
            method: 'POST',
            headers: { apikey: backend.anonKey, 'Content-Type': 'application/json' },
            body: JSON.stringify(ANA),
          })
        ).json()) as { access_token: string; refresh_token: string; expires_at: number };
        Object.assign(serverSession, { refreshToken: signIn.refresh_token, accessToken: signIn.access_token, expiresAt: signIn.expires_at });
        // `?url-only`: no token rendered into the page, the endpoint gives every one (docs/distribution.md).
        res.writeHead(200, { 'Content-Type': TYPES['.html'], 'Cache-Control': 'no-store' }).end(legacyPage(req.url?.includes('url-only') ? null : signIn.access_token));
        return;
      }
      // `/assets/rt-monitor.js` and its `/assets/locales/*.json`: served from node_modules/rt-monitor/dist/.
      const file = path === '/assets/rt-monitor.js' || path.startsWith('/assets/locales/') ? join(installed, 'dist', path.slice('/assets/'.length)) : normalize(join(built, path === '/' ? 'index.html' : path));
      if (!file.startsWith(app) || !existsSync(file)) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' }).end(readFileSync(file));
    })().catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(err.message);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Text of the first `selector` element's shadow root. */
const widgetText = (page: Page, selector: string) =>
  page.evaluate((sel) => (document.querySelector(sel)?.shadowRoot?.textContent ?? '').replace(/\s+/g, ' '), selector);

async function waitForText(page: Page, selector: string, pattern: RegExp, label: string): Promise<void> {
  await pollPage(page, ([sel, source]: [string, string]) => new RegExp(source).test((document.querySelector(sel)?.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ')), [selector, pattern.source], 20_000, label);
}

/** The bundled app: open it, sign in through its form. */
async function signInToApp(context: BrowserContext, who: { email: string; password: string }, query = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${site.url}/?stream=${setup.streamId}${query}`);
  await page.fill('#email', who.email);
  await page.fill('#password', who.password);
  await page.click('#sign-in button');
  return page;
}

describe('the own-project guide, followed literally against a bare local project', () => {
  before(async () => {
    ensureBuilt();
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(app, { recursive: true });
    backend = await startLocalBackend({ port: 0, migrations: false, seed: false, devControls: true, quiet: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    if (site) await new Promise<void>((r) => site.server.close(() => r()));
    await backend?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('1. npm pack, then npm install the tarball (and supabase-js) into an empty app', () => {
    const packed = run('npm', ['pack', '--ignore-scripts', '--pack-destination', scratch, '--json']);
    const tarball = join(scratch, JSON.parse(packed.stdout)[0].filename as string);
    assert.equal(tarball.endsWith(`rt-monitor-${pkg.version}.tgz`), true, tarball);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'your-app', private: true, type: 'module' }, null, 2));
    // …and `ws` on Node 20, which has no global WebSocket (the guide's step 4 says so).
    const node20 = typeof (globalThis as { WebSocket?: unknown }).WebSocket !== 'function';
    const extra = node20 ? [`ws@${pkg.devDependencies.ws}`] : [];
    run('npm', ['install', tarball, `@supabase/supabase-js@${pkg.devDependencies['@supabase/supabase-js']}`, ...extra, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app });
    for (const f of ['dist/index.js', 'dist/rt-monitor.js', 'custom-elements.json', 'supabase/migrations']) assert.ok(existsSync(join(installed, f)), `node_modules/rt-monitor/${f}`);
    assert.ok(existsSync(join(app, 'node_modules/lit')) && existsSync(join(app, 'node_modules/@supabase/realtime-js')), 'runtime dependencies installed');
  });

  test('2. the schema from the installed package applies to the bare project, twice (idempotent); none of its tables existed', async () => {
    const names = ['orgs', 'org_members', 'streams', 'acquisition_scans', 'agent_executions', 'signal_alerts', 'notifications'];
    const taken = await backend.db.query(`select tablename from pg_tables where schemaname = 'public' and tablename = any($1::text[])`, [names]);
    assert.deepEqual(taken.rows, [], "the guide's check returns no rows on a fresh project");
    const dir = join(installed, 'supabase/migrations');
    const shipped = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
    // The schema (the guide's step) and the optional Broadcast-mode migration (its own section).
    assert.ok(shipped.some((f) => f.endsWith('_rt_monitor_broadcast.sql')), 'the optional broadcast migration ships too');
    const files = shipped.filter((f) => f.endsWith('_rt_monitor_schema.sql'));
    assert.deepEqual(files, ['20261125000000_rt_monitor_schema.sql'], 'the file the guide names');
    for (let i = 0; i < 2; i++) for (const f of files) await backend.db.exec(readFileSync(join(dir, f), 'utf8'));
    const made = await backend.db.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public' and tablename = any($1::text[]) order by 1`, [names]);
    assert.deepEqual(made.rows.map((r) => r.tablename), [...names].sort());
  });

  test('3. Realtime: the five monitored tables are in the supabase_realtime publication', async () => {
    const r = await backend.db.query<{ tablename: string }>(`select tablename from pg_publication_tables where pubname = 'supabase_realtime' order by 1`);
    assert.deepEqual(r.rows.map((x) => x.tablename), ['acquisition_scans', 'agent_executions', 'notifications', 'signal_alerts', 'streams']);
  });

  test("4. the guide's setup script (supabase-js with the service_role key): user, org, membership, stream", async () => {
    // The guide's snippet, plus a second user WITHOUT a membership (the case the guide warns about).
    writeFileSync(
      join(app, 'setup.mjs'),
      `import { createClient } from '@supabase/supabase-js';
const realtime = globalThis.WebSocket ? {} : { transport: (await import('ws')).WebSocket }; // Node 20 only
const admin = createClient(process.env.SUPABASE_URL, process.env.SUPABASE_SERVICE_ROLE_KEY, {
  auth: { persistSession: false, autoRefreshToken: false },
  realtime,
});

const { data: created, error } = await admin.auth.admin.createUser({ email: ${JSON.stringify(ANA.email)}, password: ${JSON.stringify(ANA.password)}, email_confirm: true });
if (error) throw error;
const { data: org } = await admin.from('orgs').insert({ name: 'Acme' }).select().single();
await admin.from('org_members').insert({ org_id: org.id, user_id: created.user.id, role: 'member' });
const { data: stream } = await admin.from('streams')
  .insert({ org_id: org.id, name: 'Q3 outreach', goal_status: 'in_progress', current_progress: { percentage: 40, completed: 4, total: 10 } })
  .select().single();

const { data: other, error: otherError } = await admin.auth.admin.createUser({ email: ${JSON.stringify(BEN.email)}, password: ${JSON.stringify(BEN.password)}, email_confirm: true });
if (otherError) throw otherError;
console.log(JSON.stringify({ userId: created.user.id, orgId: org.id, streamId: stream.id, otherUserId: other.user.id }));
`,
    );
    const r = await spawnNode(['setup.mjs'], { SUPABASE_URL: backend.url, SUPABASE_SERVICE_ROLE_KEY: backend.serviceRoleKey });
    setup = JSON.parse(r.trim().split('\n').pop()!);
    assert.match(setup.streamId, /^[0-9a-f-]{36}$/);
  });

  test('5. an app bundled from the installed package signs in with supabase-js, hands the client over, goes live and follows an UPDATE', async () => {
    writeFileSync(join(app, '.env'), `VITE_SUPABASE_URL=${backend.url}\nVITE_SUPABASE_ANON_KEY=${backend.anonKey}\n`);
    writeFileSync(
      join(app, 'index.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>your app</title></head><body>
<form id="sign-in"><input id="email" name="email" type="email"><input id="password" name="password" type="password"><button>Sign in</button></form>
<p id="problem"></p>
<rt-provider>
  <rt-connection-status></rt-connection-status>
  <rt-stream-progress></rt-stream-progress>
</rt-provider>
<script type="module" src="./main.js"></script></body></html>`,
    );
    writeFileSync(
      join(app, 'main.js'),
      `import { createClient } from '@supabase/supabase-js';
import 'rt-monitor';

const params = new URLSearchParams(location.search);
document.querySelector('rt-stream-progress').setAttribute('stream-id', params.get('stream'));

// Step 6 (third-party auth): the provider's token through supabase-js's accessToken option.
const thirdParty = params.get('auth') === 'third-party';
const supabase = thirdParty
  ? createClient(import.meta.env.VITE_SUPABASE_URL, import.meta.env.VITE_SUPABASE_ANON_KEY, { accessToken: async () => (await fetch('/api/idp-token')).text() })
  : createClient(import.meta.env.VITE_SUPABASE_URL, import.meta.env.VITE_SUPABASE_ANON_KEY);
if (thirdParty) document.querySelector('rt-provider').client = supabase;

// Step 5: sign in with supabase-js, then hand the client over.
const form = document.querySelector('#sign-in');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const { error } = await supabase.auth.signInWithPassword({ email: form.email.value, password: form.password.value });
  if (error) return void (document.querySelector('#problem').textContent = error.message);
  document.querySelector('rt-provider').client = supabase;
});
`,
    );
    // The app's own build (Vite, as in the guide's import.meta.env example); rt-monitor and supabase-js resolve from its node_modules.
    run(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: app });
    assert.ok(existsSync(join(app, 'dist/index.html')), 'the app built');
    site = await startSite();

    const context = await browser.newContext();
    try {
      const page = await signInToApp(context, ANA);
      await waitForText(page, 'rt-stream-progress', /Q3 outreach.*40\s?%.*Live|Q3 outreach.*Live.*40\s?%/, 'Ana sees the stream live at 40 %');
      await waitForText(page, 'rt-connection-status', /Connected/, 'connected');
      await setProgress(75);
      await waitForText(page, 'rt-stream-progress', /75\s?%/, 'the UPDATE arrives');
    } finally {
      await context.close();
    }
  });

  test('5b. a user without an org_members row is told why; with the row, the same page goes live', async () => {
    const context = await browser.newContext();
    try {
      let page = await signInToApp(context, BEN);
      await waitForText(page, 'rt-stream-progress', /Not found or no access/, 'Ben is refused by RLS');
      const text = await widgetText(page, 'rt-stream-progress');
      assert.match(text, /not a member of the organisation/, 'the hint names the missing membership');
      assert.doesNotMatch(text, /may have been deleted/);
      await serviceRest('POST', 'org_members', [{ org_id: setup.orgId, user_id: setup.otherUserId }]);
      await page.close();
      page = await signInToApp(context, BEN);
      await waitForText(page, 'rt-stream-progress', /Q3 outreach.*Live|Live.*Q3 outreach/, 'Ben, now a member, sees the stream live');
    } finally {
      await context.close();
    }
  });

  test('6. third-party auth: a supabase-js client with an accessToken callback, handed over as is', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${site.url}/?stream=${setup.streamId}&auth=third-party`);
      await waitForText(page, 'rt-stream-progress', /Q3 outreach.*Live|Live.*Q3 outreach/, 'live with the provider token');
      await setProgress(80);
      await waitForText(page, 'rt-stream-progress', /80\s?%/, 'the UPDATE arrives');
    } finally {
      await context.close();
    }
  });

  test('7. script tag with a server-issued token, renewed by the guide endpoint: still live after the first token expired', async () => {
    const ttl = 35; // rt-monitor asks ~30 s before expiry: a renewal every ~5 s
    const set = await fetch(`${backend.url}/__dev/token-ttl?seconds=${ttl}`, { method: 'POST', headers: { Authorization: `Bearer ${backend.serviceRoleKey}` } });
    assert.equal(set.status, 200);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const issuedAt = Date.now();
      await page.goto(`${site.url}/legacy.html`);
      await waitForText(page, 'rt-stream-progress', /Q3 outreach.*Live|Live.*Q3 outreach/, 'live with the rendered token');
      // Wait for the condition the renewal must survive: the token rendered into the page has expired.
      await pollPage(page, (until: number) => Date.now() > until, issuedAt + (ttl + 2) * 1000, (ttl + 10) * 1000, 'the first token to expire');
      assert.ok(tokenCalls >= 1, `the page asked /api/supabase-token (${tokenCalls} calls)`);
      assert.ok(refreshes >= 1, `the endpoint exchanged the refresh token for the expiring one (${refreshes})`);
      await setProgress(90);
      // The value, Live and no "Session expired" in one reading: the badge settles on its own frame,
      // and the 35 s tokens keep being renewed (every ~5 s) meanwhile.
      await waitForText(page, 'rt-stream-progress', /^(?=.*90\s?%)(?=.*Live)(?!.*Session expired)/, 'an UPDATE after the first token expired still arrives, Live');
    } finally {
      await context.close();
      await fetch(`${backend.url}/__dev/token-ttl?seconds=3600`, { method: 'POST', headers: { Authorization: `Bearer ${backend.serviceRoleKey}` } });
    }
  });

  test("7b. the guide endpoint, asked at each of rt-monitor's user checks, answers from its session while the token is good: no refresh-token exchange (QA36: 720 an hour per tab)", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${site.url}/legacy.html?url-only`); // signs in anew (an hour-long token); the page asks the endpoint for it
      await waitForText(page, 'rt-stream-progress', /Q3 outreach.*Live|Live.*Q3 outreach/, 'live with the rendered token');
      const [calls, exchanged] = [tokenCalls, refreshes];
      for (let i = 0; i < 600 && tokenCalls < calls + 3; i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(tokenCalls >= calls + 3, `the page asked the endpoint again (${tokenCalls - calls} calls in 60 s)`);
      assert.equal(refreshes, exchanged, 'refresh-token exchanges while the token is good');
      await waitForText(page, 'rt-stream-progress', /Live/, 'still Live');
    } finally {
      await context.close();
    }
  });
});

/** Runs `node args…` in the app directory with extra environment; resolves with stdout (async: the backend runs in this process). */
function spawnNode(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: app, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`node ${args.join(' ')} failed (${code}):\n${out}\n${err}`))));
  });
}
