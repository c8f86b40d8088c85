/**
 * Long lists under churn (QA62 F2): `npx tsx bench/long-lists.ts [--rows 50,1000] [--seconds 12] [--bundle dist/rt-monitor.js]`
 *
 * One page per list size N from `dist/rt-monitor.js` (or `--bundle`, e.g. an older build to
 * compare), against the local backend (PGlite): `<rt-notifications max-items=N>` over N
 * notifications, `<rt-live-list>` on the signal-alerts feed with `limit: N` over N alerts, and
 * `<rt-agent-executions>` on a stream with N running agents. Once all three are Live, the same
 * writes every second for `--seconds`: 10 notifications and 20 alerts inserted, 10 agents completed.
 * The page is measured over that window (Chrome's `Performance.getMetrics`): main-thread task,
 * script, style and layout ms per change delivered, rAF frame gaps, long tasks, and the DOM's node
 * count (`Memory.getDOMCounters`: Blink nodes, which the JS heap never shows; QA62 F1).
 *
 * The figure to read is the ratio of the largest N to the smallest, in one run: the work per
 * change should follow what is on screen, not how many rows a list holds. Prints the Markdown table
 * of bench/README.md; writes bench/results/long-lists.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalBackend } from '../server/index.ts';
import { ACME, ALICE, DIST, ROOT, ensureBuilt, launchChromium, pollPage, serveStatic, signIn } from '../test/e2e/dist-support.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '50,1000' },
    seconds: { type: 'string', default: '12' },
    bundle: { type: 'string' },
  },
});
const sizes = values.rows.split(',').map(Number);
const seconds = Number(values.seconds);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(seconds > 0)) {
  console.error('usage: npx tsx bench/long-lists.ts [--rows 50,1000] [--seconds 12] [--bundle dist/rt-monitor.js]');
  process.exit(2);
}
if (!values.bundle) ensureBuilt();
const bundle = readFileSync(values.bundle ? resolve(values.bundle) : join(DIST, 'rt-monitor.js'));
const STREAM = '5a000000-0000-4000-8000-00000000b166';
const PER_SECOND = { notifications: 10, alerts: 20, agents: 10 };

interface Result {
  rows: number;
  changes: number;
  taskMsPerChange: number;
  scriptMsPerChange: number;
  styleMsPerChange: number;
  layoutMsPerChange: number;
  frames: number;
  frameP95: number;
  frameMax: number;
  longTasks: number;
  longTaskMs: number;
  domNodes: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))] : 0;
};

async function measure(rows: number): Promise<Result> {
  const backend = await startLocalBackend({ port: 0, quiet: true, seed: true });
  const q = (sql: string, params: unknown[] = []) => backend.db.query(sql, params as never[]);
  const browser = await launchChromium();
  try {
    await q(`insert into public.streams (id, org_id, name, goal_status, current_progress) values ($1, $2, 'Long list', 'in_progress', '{"percentage":1,"completed":1,"total":100}')`, [STREAM, ACME]);
    await q(`insert into public.agent_executions (stream_id, agent_id, status, started_at, created_at) select $1, 'agent-' || g, 'running', now(), now() - (g || ' ms')::interval from generate_series(1, $2::int) g`, [STREAM, rows]);
    await q(`insert into public.notifications (user_id, title, body, type, created_at) select $1, 'Note ' || g, 'seeded', 'info', now() - (g || ' seconds')::interval from generate_series(1, $2::int) g`, [ALICE, rows]);
    await q(`insert into public.signal_alerts (user_id, org_id, business_name, signal_type, priority, created_at) select $1, $2, 'Alert ' || g, 'expansion', 'low', now() - (g || ' seconds')::interval from generate_series(1, $3::int) g`, [ALICE, ACME, rows]);
    const token = await signIn(backend);
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>long lists</title></head><body>
<script src="/rt-monitor.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token="${token}"></script>
<rt-notifications max-items="${rows}"></rt-notifications>
<rt-live-list label-field="business_name" status-field="priority" heading="Alerts"></rt-live-list>
<rt-agent-executions stream-id="${STREAM}"></rt-agent-executions>
<script>
  const list = document.querySelector('rt-live-list');
  list.feed = RtMonitor.FEEDS['signal-alerts'];
  list.params = { limit: ${rows} };
  window.__gaps = []; let last = performance.now();
  requestAnimationFrame(function tick(t) { window.__gaps.push(t - last); last = t; requestAnimationFrame(tick); });
  window.__long = [];
  new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push(e.duration))).observe({ type: 'longtask' });
</script></body></html>`;
    const site = await serveStatic(join(ROOT, '.no-files'), {}, { '/': { body: html, type: 'text/html; charset=utf-8' }, '/rt-monitor.js': { body: bundle.toString('utf8'), type: 'text/javascript' } });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(site.url + '/');
      await pollPage(page, () => ['rt-notifications', 'rt-live-list', 'rt-agent-executions'].every((t) => /\bLive\b/.test(document.querySelector(t)?.shadowRoot?.querySelector('[part~="header"]')?.textContent ?? '')), undefined, 60_000, 'all three Live');
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const metrics = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')).metrics as { name: string; value: number }[]).map((m) => [m.name, m.value]));
      await page.evaluate(() => ((window as any).__gaps = [], (window as any).__long = []));
      const m0 = await metrics();
      let changes = 0;
      let n = 0;
      for (let s = 0; s < seconds; s++) {
        const next = Date.now() + 1000;
        for (let i = 0; i < PER_SECOND.notifications; i++) await q(`insert into public.notifications (user_id, title, type) values ($1, $2, 'info')`, [ALICE, `Live note ${++n}`]);
        for (let i = 0; i < PER_SECOND.alerts; i++) await q(`insert into public.signal_alerts (user_id, org_id, business_name, signal_type, priority) values ($1, $2, $3, 'expansion', 'high')`, [ALICE, ACME, `Live alert ${++n}`]);
        await q(`update public.agent_executions set status = 'completed', completed_at = now() where id in (select id from public.agent_executions where stream_id = $1 and status = 'running' order by created_at limit $2)`, [STREAM, PER_SECOND.agents]);
        changes += PER_SECOND.notifications + PER_SECOND.alerts + PER_SECOND.agents;
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      }
      // The last change painted: the newest alert's label is on screen.
      await pollPage(page, (label) => [...(document.querySelector('rt-live-list')?.shadowRoot?.querySelectorAll('[part~="label"]') ?? [])].some((e) => e.textContent?.includes(label)), `Live alert ${n}`, 60_000, 'the last alert shown');
      const m1 = await metrics();
      const { gaps, long } = await page.evaluate(() => ({ gaps: (window as any).__gaps as number[], long: (window as any).__long as number[] }));
      const dom = (await cdp.send('Memory.getDOMCounters' as never)) as { nodes: number };
      const per = (k: string) => ((m1[k] - m0[k]) * 1000) / changes;
      return {
        rows,
        changes,
        taskMsPerChange: per('TaskDuration'),
        scriptMsPerChange: per('ScriptDuration'),
        styleMsPerChange: per('RecalcStyleDuration'),
        layoutMsPerChange: per('LayoutDuration'),
        frames: gaps.length,
        frameP95: pct(gaps, 0.95),
        frameMax: Math.max(0, ...gaps),
        longTasks: long.length,
        longTaskMs: long.reduce((a, b) => a + b, 0),
        domNodes: dom.nodes,
      };
    } finally {
      await site.close();
    }
  } finally {
    await browser.close();
    await backend.stop();
  }
}

const results: Result[] = [];
for (const rows of sizes) {
  const r = await measure(rows);
  console.log(`${rows} rows: ${JSON.stringify(r)}`);
  results.push(r);
}
const f = (x: number, d = 2) => x.toFixed(d);
const lo = results[0];
const hi = results[results.length - 1];
const line = (name: string, pick: (r: Result) => number, d = 2) =>
  `| ${name} | ${results.map((r) => f(pick(r), d)).join(' | ')} | ${pick(lo) ? f(pick(hi) / pick(lo)) : '–'} |`;
const table = [
  `| per change (${seconds} s, ${PER_SECOND.notifications + PER_SECOND.alerts + PER_SECOND.agents} changes/s) | ${results.map((r) => `${r.rows} rows`).join(' | ')} | ${hi.rows} / ${lo.rows} |`,
  `|---|${results.map(() => '---:').join('|')}|---:|`,
  line('main-thread task ms', (r) => r.taskMsPerChange),
  line('script ms', (r) => r.scriptMsPerChange),
  line('style ms', (r) => r.styleMsPerChange),
  line('layout ms', (r) => r.layoutMsPerChange),
  line('frame gap p95 ms', (r) => r.frameP95, 1),
  line('frame gap max ms', (r) => r.frameMax, 1),
  line('long tasks (count)', (r) => r.longTasks, 0),
  line('long tasks total ms', (r) => r.longTaskMs, 0),
  line('DOM nodes at the end', (r) => r.domNodes, 0),
].join('\n');
console.log(`\n${table}\n`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/long-lists.json'), JSON.stringify({ seconds, perSecond: PER_SECOND, bundle: values.bundle ?? 'dist/rt-monitor.js', results }, null, 2));
