/**
 * The demo's Vite dev server, pointed at a running local backend (used by `npm start` and by the
 * demo scripts). Besides the repository's vite.config.ts it adds what the demo pages need:
 *
 * - `VITE_RT_BACKEND_URL`: the QA page (demo/index.html) reads the backend URL from it and
 *   everything else (anon key, demo users) from `GET /__demo/config`.
 * - `/dist/rt-monitor.js` (and `/dist/locales/*.json`): the script-tag bundle for demo/legacy.html,
 *   built on demand (`vite build --mode iife`) when missing or older than src/ into
 *   `.tmp/demo-dist/`, never into the repository's dist/: a dev-server session must not leave a
 *   partial build where `npm run build`'s output (the thing people host or publish) belongs.
 * - demo/legacy.html stands for an old server-rendered site: as such a site's template would, the
 *   dev server renders the script tag's `data-supabase-url`, `data-anon-key` and
 *   `data-access-token` (a demo user signed in through the backend's own auth, `?user=` picks
 *   which). The file on disk carries the local defaults, so it also works opened on its own.
 */
import { existsSync, readdirSync, statSync, createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import { build, createServer, type Plugin, type ViteDevServer } from 'vite';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the demo's on-demand script-tag bundle is built (gitignored; not dist/, see above). */
export const demoBundleDir = join(repoRoot, '.tmp', 'demo-dist');

export interface DemoBackendInfo {
  url: string;
  anonKey: string;
  users: { email: string; password: string }[];
}

export interface DemoViteOptions {
  port?: number;
  strictPort?: boolean;
  /** Hot reload and file watching (on for `npm start`, off for scripted checks). Default true. */
  watch?: boolean;
  logLevel?: 'info' | 'warn' | 'error' | 'silent';
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

let building: Promise<void> | null = null;

/** Builds `.tmp/demo-dist/rt-monitor.js` when it is missing or older than src/ (one build at a time). */
export function ensureScriptBundle(log: (line: string) => void = () => {}): Promise<void> {
  const file = join(demoBundleDir, 'rt-monitor.js');
  const fresh = existsSync(file) && statSync(file).mtimeMs >= newestMtime(join(repoRoot, 'src'));
  if (fresh) return Promise.resolve();
  if (!building) {
    log('building the script-tag bundle for the legacy page into .tmp/demo-dist/ …');
    building = build({ configFile: join(repoRoot, 'vite.config.ts'), mode: 'iife', logLevel: 'warn', build: { outDir: demoBundleDir, emptyOutDir: true } })
      .then(() => undefined)
      .finally(() => {
        building = null;
      });
  }
  return building;
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** Replaces (or adds) one data-* attribute on the script tag that loads rt-monitor.js. */
function setScriptAttr(html: string, name: string, value: string): string {
  return html.replace(/<script\b[^>]*\bsrc="[^"]*rt-monitor\.js"[^>]*>/, (tag) => {
    const attr = `${name}="${escapeAttr(value)}"`;
    const re = new RegExp(`\\s${name}="[^"]*"`);
    return re.test(tag) ? tag.replace(re, ` ${attr}`) : tag.replace(/>$/, ` ${attr}>`);
  });
}

async function signIn(backend: DemoBackendInfo, email: string): Promise<string | null> {
  const user = backend.users.find((u) => u.email === email) ?? backend.users[0];
  if (!user) return null;
  try {
    const res = await fetch(`${backend.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: backend.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    if (!res.ok) return null;
    const body = (await res.json()) as { access_token?: string };
    return body.access_token ?? null;
  } catch {
    return null;
  }
}

/** The Vite plugin: the script bundle route and the legacy page's server-side "template". */
export function demoPlugin(backend: DemoBackendInfo, log: (line: string) => void = () => {}): Plugin {
  return {
    name: 'rt-monitor-demo',
    configureServer(server) {
      server.middlewares.use((req, res: ServerResponse, next) => {
        const path = (req.url ?? '').split('?')[0];
        if (!/^\/dist\/(rt-monitor\.js(\.map)?|locales\/[a-zA-Z-]+\.json)$/.test(path)) return next();
        ensureScriptBundle(log).then(
          () => {
            const file = join(demoBundleDir, path.slice('/dist/'.length));
            if (!existsSync(file)) {
              res.statusCode = 404;
              res.end('dist/rt-monitor.js could not be built');
              return;
            }
            res.setHeader('Content-Type', path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'application/json');
            res.setHeader('Cache-Control', 'no-cache');
            createReadStream(file).pipe(res);
          },
          (err: Error) => {
            res.statusCode = 500;
            res.end(`building dist/rt-monitor.js failed: ${err.message}`);
          },
        );
      });
    },
    transformIndexHtml: {
      order: 'pre',
      async handler(html, ctx) {
        if (!ctx.path.endsWith('/legacy.html')) return html;
        const query = new URLSearchParams((ctx.originalUrl ?? '').split('?')[1] ?? '');
        const token = await signIn(backend, query.get('user') ?? 'alice@example.com');
        let out = setScriptAttr(html, 'data-supabase-url', backend.url);
        out = setScriptAttr(out, 'data-anon-key', backend.anonKey);
        if (token) out = setScriptAttr(out, 'data-access-token', token);
        return out;
      },
    },
  };
}

/** Starts the demo's Vite dev server (root demo/) against `backend`. */
export async function startDemoVite(backend: DemoBackendInfo, options: DemoViteOptions = {}): Promise<{ server: ViteDevServer; url: string }> {
  process.env.VITE_RT_BACKEND_URL = backend.url;
  const watch = options.watch ?? true;
  const server = await createServer({
    configFile: join(repoRoot, 'vite.config.ts'),
    clearScreen: false,
    logLevel: options.logLevel ?? 'info',
    plugins: [demoPlugin(backend, (line) => server.config.logger.info(line))],
    // demo/vue.html compiles its in-DOM template at runtime: it needs Vue's full build (the
    // examples build aliases it the same way), and Vue's esm-bundler flags defined.
    resolve: { alias: [{ find: /^vue$/, replacement: 'vue/dist/vue.esm-bundler.js' }] },
    define: { __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
    server: {
      port: options.port ?? 5173,
      strictPort: options.strictPort ?? true,
      host: '127.0.0.1',
      ...(watch ? {} : { hmr: false, watch: null }),
    },
  });
  await server.listen();
  const addr = server.httpServer?.address();
  const port = addr && typeof addr === 'object' ? addr.port : options.port;
  return { server, url: `http://127.0.0.1:${port}/` };
}
