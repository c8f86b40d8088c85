/**
 * The demo stack on free ports, for the end-to-end tests and the demo scripts (screenshots, smoke
 * checks): the local backend (seeded, dev controls on, simulator as asked) and the demo's Vite dev
 * server pointed at it (server/demo-vite.ts, the same code `npm start` uses), plus Debian's Chromium
 * through playwright-core. Never touches 54321 / 5173.
 */
import type { ViteDevServer } from 'vite';
import { chromium, type Browser } from 'playwright-core';
import { startLocalBackend, type LocalBackend, type LocalBackendOptions } from '../../../server/index.ts';
import { startDemoVite, repoRoot } from '../../../server/demo-vite.ts';

export const root = repoRoot;

export interface DemoStack {
  backend: LocalBackend;
  vite: ViteDevServer;
  /** The demo's base URL, ending in `/`. */
  base: string;
  browser: Browser;
  /** A demo page URL on this stack: `?backend=` points the page at this backend, plus `query`. */
  url(page?: string, query?: Record<string, string>): string;
  close(): Promise<void>;
}

/** Debian's Chromium (CHROME_PATH overrides), headless, quiet; `extraArgs` e.g. the benchmarks' memory flags. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-quic',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** Default: simulator ON (the scripts want a moving page); tests pass `simulator: false`. */
export async function startDemoStack(options: LocalBackendOptions = {}): Promise<DemoStack> {
  const backend = await startLocalBackend({ port: 0, devControls: true, seed: true, simulator: true, quiet: true, ...options });
  let vite: ViteDevServer | undefined;
  let browser: Browser | undefined;
  try {
    // No file watching: other people editing src/ must not reload the page mid-check.
    const demo = await startDemoVite(backend, {
      port: 0,
      strictPort: false,
      watch: false,
      logLevel: (process.env.DEMO_VITE_LOG as 'info' | 'warn' | undefined) ?? 'warn',
    });
    vite = demo.server;
    browser = await launchChromium();
    const base = demo.url;
    const b = browser;
    const v = vite;
    return {
      backend,
      vite: v,
      base,
      browser: b,
      url(page = '', query = {}) {
        const q = new URLSearchParams({ backend: backend.url, ...query });
        return `${base}${page}?${q}`;
      },
      async close() {
        await b.close().catch(() => {});
        await v.close().catch(() => {});
        await backend.stop();
      },
    };
  } catch (err) {
    await browser?.close().catch(() => {});
    await vite?.close().catch(() => {});
    await backend.stop().catch(() => {});
    throw err;
  }
}
