/**
 * Clicks through the demo page like QA would, against its own backend on free ports:
 * every control-panel button, a user switch, and the three faults (each must recover without a
 * reload). Prints one line per check and exits non-zero on the first failure or any console error.
 *
 *   npx tsx scripts/demo-smoke.ts [--shots /tmp/demo-smoke]
 */
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startDemoStack } from './demo-harness.ts';
import { isError, runAction, status, textShown, tokenSecondsLeft, waitStatus } from '../test/e2e/support/demo-page.ts';

const { values } = parseArgs({ options: { shots: { type: 'string' } } });
if (values.shots) mkdirSync(values.shots, { recursive: true });

const stack = await startDemoStack();
const problems: string[] = [];
let navigations = 0;
let failed = false;

function check(ok: boolean, label: string): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}`);
  if (!ok) failed = true;
}

async function click(page: Page, action: string, expect: RegExp): Promise<void> {
  const entry = await runAction(page, action);
  check(!isError(entry) && expect.test(entry.text), `${action}: ${entry.text}`);
}

const alertsShown = (page: Page, name: string) => textShown(page, name);

try {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    // While realtime is paused the backend refuses sockets (HTTP 503): Chromium logs each refused
    // reconnect as an error. That is the fault working, not a page bug.
    if (m.type() === 'error' && !/WebSocket connection to .* failed/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame() && navigations++ > 0) problems.push(`the page navigated / reloaded: ${f.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(stack.url('', { user: 'alice@example.com' }));
  await page.waitForSelector('html[data-ready="true"]', { timeout: 20_000 });
  check(true, 'page ready');
  check((await waitStatus(page, (s) => s === 'connected', 15_000)) !== null, 'connected');

  // Pause the simulator so the checks below see only their own changes.
  await page.click('#sim-switch');
  await page.waitForFunction(() => document.querySelector('#sim-switch')?.getAttribute('aria-checked') === 'false');
  check(true, 'simulator paused from the switch');

  await click(page, 'stream-start', /^Started stream/);
  await click(page, 'stream-advance', /^Advanced/);
  await click(page, 'agent-launch', /^Launched/);
  await click(page, 'stream-fail', /^Failed/);
  await click(page, 'scan-start', /^Queued scan/);
  await page.fill('#alert-business', 'Smoke Test Industries');
  await page.selectOption('#alert-priority', 'critical');
  await click(page, 'alert', /critical alert for Smoke Test Industries/);
  check(!!(await page.waitForSelector('.toast--critical', { timeout: 5000 }).catch(() => null)), 'critical alert toast');
  check(await alertsShown(page, 'Smoke Test Industries'), 'the new alert is shown in the widgets');
  await page.selectOption('#note-type', 'warning');
  await page.fill('#note-title', 'Smoke notification');
  await click(page, 'notification', /Smoke notification/);
  await click(page, 'burst', /1,000 updates in/);

  // Faults
  await click(page, 'fault-drop', /^Dropped [1-9]/);
  check((await waitStatus(page, (s) => s !== 'connected', 5000)) !== null, 'drop: status leaves connected');
  check((await waitStatus(page, (s) => s === 'connected', 20_000)) !== null, 'drop: status returns to connected');

  await click(page, 'fault-pause', /^Realtime paused for 15 s/);
  check((await waitStatus(page, (s) => s !== 'connected', 5000)) !== null, 'pause: status leaves connected');
  // A change made during the outage must be shown afterwards.
  await stack.backend.db.query(
    `insert into public.signal_alerts (user_id, org_id, business_name, signal_type, priority) values ($1, $2, 'Written During Outage', 'expansion', 'low')`,
    ['11111111-1111-4111-8111-111111111111', '00000000-0000-4000-a000-00000000ac01'],
  );
  check((await waitStatus(page, (s) => s === 'connected', 40_000)) !== null, 'pause: status returns to connected');
  await page.waitForTimeout(2000);
  check(await alertsShown(page, 'Written During Outage'), 'pause: the row written during the outage is shown');

  await click(page, 'fault-expire', /^Token now expires in 10 s/);
  const shortLife = await tokenSecondsLeft(page);
  check(shortLife !== null && shortLife <= 10, `expire: the page holds a short-lived token (${shortLife} s left)`);
  const seen = new Set<string>();
  for (let i = 0; i < 70; i++) {
    seen.add(await status(page));
    await page.waitForTimeout(200);
  }
  console.log(`     statuses seen while the token ran out: ${[...seen].join(', ')}`);
  const afterExpire = await waitStatus(page, (s) => s === 'connected', 30_000);
  check(afterExpire !== null, 'expire: connected again');
  const longLife = await tokenSecondsLeft(page);
  check(longLife !== null && longLife > 60, `expire: the next token is long-lived again (${longLife} s)`);
  await stack.backend.db.query(
    `insert into public.signal_alerts (user_id, org_id, business_name, signal_type, priority) values ($1, $2, 'After Token Expiry', 'expansion', 'low')`,
    ['11111111-1111-4111-8111-111111111111', '00000000-0000-4000-a000-00000000ac01'],
  );
  await page.waitForTimeout(3000);
  check(await alertsShown(page, 'After Token Expiry'), 'expire: subscriptions deliver again without a reload');
  if (values.shots) await page.screenshot({ path: join(values.shots, 'after-faults.png'), fullPage: false });

  // Switch user: Bob (Globex) must not see Alice's alerts.
  await page.selectOption('#user-select', 'bob@example.com');
  await page.waitForFunction(() => document.querySelector('#whoami')?.textContent?.includes('bob@example.com'), undefined, { timeout: 15_000 });
  await page.waitForTimeout(4000);
  check(!(await alertsShown(page, 'Smoke Test Industries')), 'bob does not see alice’s alert');
  check(await alertsShown(page, 'Initech'), 'bob sees his own alert');
  if (values.shots) await page.screenshot({ path: join(values.shots, 'bob.png'), fullPage: false });
  await context.close();
} catch (err) {
  check(false, `unexpected: ${(err as Error).message}`);
} finally {
  await stack.close();
}
for (const p of problems) console.log(`FAIL ${p}`);
if (problems.length) failed = true;
console.log(failed ? 'demo smoke: FAILED' : 'demo smoke: all checks passed');
process.exit(failed ? 1 : 0);
