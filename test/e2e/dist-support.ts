/**
 * Helpers for the distribution end-to-end tests (test/e2e/dist*.test.ts): build once, a static
 * file server with optional headers (CSP), Debian's Chromium, the local backend and its REST.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DIST = join(ROOT, 'dist');

/** dist/ as `npm run build` makes it (built here when missing, e.g. running this file alone). */
export function ensureBuilt(): void {
  const needed = ['dist/index.js', 'dist/rt-monitor.js', 'dist/cdn/rt-monitor-loader.js', 'dist/react/index.js', 'dist/index.d.ts', 'dist/vscode.html-custom-data.json'];
  if (needed.every((f) => existsSync(join(ROOT, f)))) return;
  run('npm', ['run', 'build']);
}

export function run(cmd: string, args: string[], options: { cwd?: string; allowFail?: boolean } = {}) {
  const r = spawnSync(cmd, args, { cwd: options.cwd ?? ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (!options.allowFail && r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `routes` (path → file or content) and then files under `dir`, with `headers` on every
 * response. `gate(path)` may return a promise: the response waits for it (to hold back one file).
 */
export async function serveStatic(
  dir: string,
  headers: Record<string, string> = {},
  routes: Record<string, string | { body: string; type: string }> = {},
  gate?: (path: string) => Promise<void> | undefined,
): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    await gate?.(path);
    const route = routes[path];
    let body: Buffer | string | undefined;
    let type = 'application/octet-stream';
    if (route !== undefined) {
      if (typeof route === 'string') {
        body = readFileSync(route);
        type = TYPES[extname(route)] ?? type;
      } else {
        body = route.body;
        type = route.type;
      }
    } else {
      const file = normalize(join(dir, path === '/' ? 'index.html' : path));
      if (file.startsWith(dir) && existsSync(file) && statSync(file).isFile()) {
        body = readFileSync(file);
        type = TYPES[extname(file)] ?? type;
      }
    }
    if (body === undefined) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Debian's Chromium, headless. `ignoreDefaultArgs`: playwright's switches to leave out (e.g. `--disable-back-forward-cache`). */
export function launchChromium(ignoreDefaultArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-quic'],
  });
}

/** Problems a page reports: uncaught errors, console errors/warnings, CSP violations, WebSockets opened. */
export interface PageLog {
  errors: string[];
  warnings: string[];
  violations: string[];
  websockets: string[];
}

export function watchPage(page: Page): PageLog {
  const log: PageLog = { errors: [], warnings: [], violations: [], websockets: [] };
  page.on('pageerror', (e) => log.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy|Refused to/i.test(text)) log.violations.push(text);
    else if (m.type() === 'error') log.errors.push(text);
    else if (m.type() === 'warning') log.warnings.push(text);
  });
  page.on('websocket', (ws) => log.websockets.push(ws.url()));
  return log;
}

/**
 * `page.addInitScript(fn, arg)` for a function written in a test. tsx compiles tests with esbuild's
 * `keepNames`, which wraps a named inner function (`const tick = () => …`) in a `__name()` helper
 * the page does not have; an init script that throws fails silently (the recorder it installs
 * records nothing, and an assertion that nothing bad was recorded passes without testing). The
 * page gets a no-op `__name` first.
 */
export async function addInitScript<A>(page: Page, fn: (arg: A) => void, arg?: A): Promise<void> {
  await page.addInitScript({ content: 'globalThis.__name ??= (f) => f;' });
  await page.addInitScript(fn as Parameters<Page['addInitScript']>[0], arg);
}

/** Records `securitypolicyviolation` events (an init script: injected by the browser, not subject to the page's CSP). */
export async function recordCspViolations(page: Page): Promise<void> {
  await addInitScript(page, () => {
    (window as unknown as { __cspViolations: string[] }).__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolations: string[] }).__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`);
    });
  });
}

/** Polls `fn` in the page (page.evaluate is not subject to CSP, unlike waitForFunction) until truthy. */
export async function pollPage<T>(page: Page, fn: (arg: any) => T, arg?: unknown, timeoutMs = 15_000, label = 'condition'): Promise<T> {
  const started = Date.now();
  let last: unknown;
  for (;;) {
    try {
      last = await page.evaluate(fn as any, arg);
      if (last) return last as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Text of an element's shadow root (and its light DOM), by CSS selector. */
export const shadowText = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const el = document.querySelector(sel);
    return el ? `${el.shadowRoot?.textContent ?? ''} ${el.textContent ?? ''}`.replace(/\s+/g, ' ') : '';
  }, selector);

/** REST calls as service_role against the backend (bypass RLS). */
export function serviceRest(backend: { url: string; serviceRoleKey: string }) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${backend.url}/rest/v1/${path}`, {
      method,
      headers: {
        apikey: backend.serviceRoleKey,
        Authorization: `Bearer ${backend.serviceRoleKey}`,
        'Content-Type': 'application/json',
        Prefer: 'return=representation',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    insert: (table: string, rows: unknown[]) => call('POST', `${table}?select=*`, rows),
    update: (table: string, id: string, patch: unknown) => call('PATCH', `${table}?id=eq.${id}&select=*`, patch),
  };
}

export async function signIn(backend: { url: string; anonKey: string }, email = 'alice@example.com'): Promise<string> {
  const res = await fetch(`${backend.url}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: backend.anonKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: 'rt-monitor-demo' }),
  });
  if (!res.ok) throw new Error(`sign-in ${email}: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export const ACME = '00000000-0000-4000-a000-00000000ac01';
export const ALICE = '11111111-1111-4111-8111-111111111111';
export const BOB = '22222222-2222-4222-8222-222222222222';
export const STRICT_CSP =
  "default-src 'self'; connect-src 'self' http://127.0.0.1:* ws://127.0.0.1:*; script-src 'self'; style-src 'self'";
