/**
 * Driving the demo page (demo/index.html) like QA would, shared by the end-to-end tests
 * (test/e2e/demo.test.ts) and scripts/demo-smoke.ts: open it as a user, click a control and read
 * the activity log, read the connection status the top bar shows, find text the elements show
 * (through their shadow roots), and record what the page did (console errors, failed requests,
 * reloads, status changes, WebSocket frames).
 *
 * Functions evaluated in the page are strings or arrow functions without named inner functions:
 * tsx compiles with keepNames, which would wrap them in a `__name` helper the page does not have.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { DemoStack } from './demo-stack.ts';

// ------------------------------------------------------------------ what a page did

export interface PageRecord {
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Requests that failed (network) or answered ≥ 400. */
  failedRequests: string[];
  /**
   * Requests the page cancelled itself (`net::ERR_ABORTED`): the elements abort a superseded
   * unread-count request when a newer change arrives. Not a failure; counted for the record.
   */
  abortedRequests: string[];
  /** Main-frame navigations after the first load (a reload counts). */
  navigations: string[];
  /** Text WebSocket frames the page received, oldest first. */
  framesReceived: string[];
}

/**
 * While realtime is paused the backend refuses sockets (HTTP 503) and Chromium logs each refused
 * reconnect as a console error; that is the fault working, not a page bug. Callers that inject
 * faults filter these with {@link withoutRefusedSockets}.
 */
export const REFUSED_SOCKET = /WebSocket connection to .* failed/;
export const withoutRefusedSockets = (lines: string[]) => lines.filter((l) => !REFUSED_SOCKET.test(l));

/** Starts recording; call before `page.goto`. */
export function recordPage(page: Page): PageRecord {
  const rec: PageRecord = { errors: [], failedRequests: [], abortedRequests: [], navigations: [], framesReceived: [] };
  let loads = 0;
  page.on('console', (m) => {
    if (m.type() === 'error') rec.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => rec.errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A WebSocket refused by a paused backend shows up here too; it is not a page resource.
    if (r.resourceType() === 'websocket') return;
    const line = `${r.method()} ${r.url()}: ${r.failure()?.errorText ?? 'failed'}`;
    (r.failure()?.errorText === 'net::ERR_ABORTED' ? rec.abortedRequests : rec.failedRequests).push(line);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) rec.failedRequests.push(`${r.request().method()} ${r.url()}: HTTP ${r.status()}`);
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame() && loads++ > 0) rec.navigations.push(f.url());
  });
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => {
      if (typeof f.payload === 'string') rec.framesReceived.push(f.payload);
    });
  });
  return rec;
}

/**
 * An init script: `window.__rtE2E` collects every `rt-status-change` of the top bar's connection
 * status (`{status, previous, t}`) and every `rt-alert`'s business name, from the first moment.
 */
const RECORDER = `(() => {
  const rec = { statuses: [], alerts: [], loadedAt: Date.now() };
  Object.defineProperty(window, '__rtE2E', { value: rec });
  document.addEventListener('rt-status-change', (e) => {
    const t = e.target;
    if (t && t.matches && t.matches('.topbar__status, [data-e2e-status]')) rec.statuses.push({ status: e.detail.status, previous: e.detail.previous, t: Date.now() });
  });
  document.addEventListener('rt-alert', (e) => { rec.alerts.push(e.detail.alert.business_name); });
})()`;

export interface StatusChange {
  status: string;
  previous: string | null;
  t: number;
}

export async function installRecorder(target: Page | BrowserContext): Promise<void> {
  await target.addInitScript(RECORDER);
}

export const statusChanges = (page: Page) => page.evaluate(`window.__rtE2E ? window.__rtE2E.statuses : []`) as Promise<StatusChange[]>;
export const alertEvents = (page: Page) => page.evaluate(`window.__rtE2E ? window.__rtE2E.alerts : []`) as Promise<string[]>;
/** When this document was created: it stays the same as long as the page is not reloaded. */
export const documentStamp = (page: Page) => page.evaluate(`window.__rtE2E ? window.__rtE2E.loadedAt : null`) as Promise<number | null>;

// ------------------------------------------------------------------ opening the page

export interface OpenOptions {
  user?: string;
  theme?: 'light' | 'dark' | 'system';
  /** Wait for "Connected" in the top bar (default true). */
  connected?: boolean;
}

/** Opens the QA page as `user` on a new page of `context`, waits until it is ready (and connected). */
export async function openDemo(stack: DemoStack, context: BrowserContext, options: OpenOptions = {}): Promise<{ page: Page; record: PageRecord }> {
  const page = await context.newPage();
  const record = recordPage(page);
  await installRecorder(page);
  await page.goto(stack.url('', { user: options.user ?? 'alice@example.com', theme: options.theme ?? 'light' }));
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  if (options.connected ?? true) await waitForStatusText(page, 'Connected', 20_000);
  return { page, record };
}

// ------------------------------------------------------------------ the connection status

/** The connection status the top bar shows, as its text (e.g. "Connected", "Connecting"). */
export async function statusText(page: Page): Promise<string> {
  return ((await page.locator('.topbar__status [part="label"]').textContent({ timeout: 5000 }).catch(() => '')) ?? '').trim();
}

export async function waitForStatusText(page: Page, text: string, ms: number): Promise<void> {
  await page.locator('.topbar__status [part="label"]', { hasText: new RegExp(`^\\s*${text}\\s*$`) }).waitFor({ state: 'visible', timeout: ms });
}

/** The status the top-bar element shows (its `shownStatus`, e.g. `connected`). */
export async function status(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.querySelector('.topbar__status') as HTMLElement & { shownStatus?: string };
    return el?.shownStatus ?? el?.shadowRoot?.textContent?.trim() ?? '';
  });
}

export async function waitStatus(page: Page, want: (s: string) => boolean, ms: number): Promise<string | null> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const s = await status(page);
    if (want(s)) return s;
    await page.waitForTimeout(100);
  }
  return null;
}

// ------------------------------------------------------------------ the control panel

export interface LogEntry {
  kind: string;
  text: string;
}

/** The activity log's entries, newest first, that are not connection-change notes. */
export async function actionLog(page: Page): Promise<LogEntry[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('#log li')]
      .map((li) => ({ kind: li.className, text: li.querySelector('span')?.textContent ?? '' }))
      .filter((e) => !e.text.startsWith('Connection:') && !e.text.startsWith('Realtime is accepting')),
  );
}

/** Clicks a control-panel button (`data-action`) and returns the log entry it wrote. */
export async function runAction(page: Page, action: string, timeout = 20_000): Promise<LogEntry> {
  const marker = (await actionLog(page))[0]?.text ?? '';
  await page.click(`button[data-action="${action}"]`);
  await page
    .waitForFunction(
      (m) => !document.querySelector('button[aria-busy]') && (document.querySelector('#log li span')?.textContent ?? '') !== m,
      marker,
      { timeout },
    )
    .catch(() => {});
  await page.waitForSelector('button[aria-busy]', { state: 'detached', timeout }).catch(() => {});
  return (await actionLog(page))[0] ?? { kind: '', text: '(nothing logged)' };
}

export const isError = (e: LogEntry) => e.kind.includes('error');

// ------------------------------------------------------------------ text the elements show

/** Where the QA page's elements are: the dashboard, the gallery and the diagnostics. */
export const ELEMENT_SCOPES = ['#dashboard-el', '#gallery-grid', 'rt-diagnostics'];

/**
 * `(args) => boolean`: whether `args.needle` is shown inside any of `args.scopes` (CSS selectors in
 * the document; their shadow roots and nested ones are searched). With `args.visibleOnly`, text in
 * visually hidden live regions (`.sr-only`) and in unrendered elements does not count.
 */
const FIND_TEXT = `(args) => {
  const { needle, scopes, visibleOnly } = args;
  const shown = (node) => {
    const el = node.parentElement;
    if (!el) return true;
    if (el.closest('.sr-only')) return false;
    return typeof el.checkVisibility !== 'function' || el.checkVisibility();
  };
  const walk = (root) => {
    const it = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = it.nextNode(); n; n = it.nextNode()) if (n.textContent.includes(needle) && (!visibleOnly || shown(n))) return true;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot && walk(el.shadowRoot)) return true;
    return false;
  };
  return scopes.some((sel) => [...document.querySelectorAll(sel)].some((el) => walk(el) || (!!el.shadowRoot && walk(el.shadowRoot))));
}`;

/** Whether the elements show `needle` (visible text; live-region announcements excluded). */
export async function textShown(page: Page, needle: string, scopes = ELEMENT_SCOPES): Promise<boolean> {
  return page.evaluate(`(${FIND_TEXT})(${JSON.stringify({ needle, scopes, visibleOnly: true })})`) as Promise<boolean>;
}

/** Whether `needle` is anywhere in the page: light DOM, every shadow root, hidden announcements too. */
export async function textAnywhere(page: Page, needle: string): Promise<boolean> {
  return page.evaluate(`(${FIND_TEXT})(${JSON.stringify({ needle, scopes: ['html'], visibleOnly: false })})`) as Promise<boolean>;
}

/**
 * Waits until the elements show `needle` and returns the page's clock (`Date.now()`, the same
 * system clock as the test's) at the first poll that saw it: polled every 20 ms in the page, so
 * the time measured is the page's, not the test runner's polling.
 */
export async function waitShown(page: Page, needle: string, scopes = ELEMENT_SCOPES, timeout = 10_000): Promise<number> {
  const args = JSON.stringify({ needle, scopes, visibleOnly: true });
  const handle = await page.waitForFunction(`(${FIND_TEXT})(${args}) && Date.now()`, undefined, { polling: 20, timeout });
  return (await handle.jsonValue()) as number;
}

/** The seconds left on the page's current access token (`rtDemo.supabase`), or null. */
export async function tokenSecondsLeft(page: Page): Promise<number | null> {
  return page.evaluate(`(async () => {
    const { data } = await window.rtDemo.supabase.auth.getSession();
    return data.session ? data.session.expires_at - Math.floor(Date.now() / 1000) : null;
  })()`) as Promise<number | null>;
}
