/**
 * Starts the demo stack on free ports for scripts (screenshots, smoke checks): the local backend
 * (seeded, dev controls on, simulator as asked) and the Vite demo server pointed at it, plus
 * Debian's Chromium through playwright-core. Never touches 54321 / 5173.
 */
import type { ViteDevServer } from 'vite';
import { chromium, type Browser } from 'playwright-core';
import { startLocalBackend, type LocalBackend, type LocalBackendOptions } from '../server/index.ts';
import { startDemoVite, repoRoot } from '../server/demo-vite.ts';

export const root = repoRoot;

export interface DemoStack {
  backend: LocalBackend;
  vite: ViteDevServer;
  /** The demo's base URL, ending in `/`. */
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startDemoStack(options: LocalBackendOptions = {}): Promise<DemoStack> {
  const backend = await startLocalBackend({ port: 0, devControls: true, simulator: true, quiet: true, ...options });
  // No file watching: other people editing src/ must not reload the page mid-check.
  const { server: vite, url: base } = await startDemoVite(backend, {
    port: 0,
    strictPort: false,
    watch: false,
    logLevel: (process.env.DEMO_VITE_LOG as 'info' | 'warn' | undefined) ?? 'warn',
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
  });
  return {
    backend,
    vite,
    base,
    browser,
    async close() {
      await browser.close().catch(() => {});
      await vite.close().catch(() => {});
      await backend.stop();
    },
  };
}
