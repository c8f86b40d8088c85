/**
 * The full fault campaign (issue 15): `npx tsx bench/campaign.ts [--seed N] [--minutes 8] [--db pglite|postgres|both]`
 *
 * Per database (PGlite on a persisted `--data-dir`, and a throwaway PostgreSQL cluster from
 * Debian's binaries): two pages of different orgs (dashboard + standalone widgets from
 * dist/rt-monitor.js, tokens from a token URL, short-lived so every page renews many times), a
 * seeded schedule of service_role writes and faults (backend restarts, socket drops, realtime
 * pauses longer than the heartbeat window, token expiries; writes during every outage), then a
 * hostile-data phase. The counts scale with `--minutes` (8: ~2,000 writes, 10 restarts, 10 drops,
 * 5 pauses, 2 expiries). Prints the seed, a line per fault and the Markdown table of
 * bench/README.md; writes bench/results/campaign.json. Exit code 1 when a "done when" condition
 * fails (a mismatch, a cross-tenant row, a script run, heap ratio > 1.1, more than one socket).
 *
 * `--reconnects N`: long-session hygiene instead: one page reconnected N times (every tenth a server
 * drop), heap after GC and realtime-js's socket callbacks before and after.
 *
 * Needs `npm run build` (dist/rt-monitor.js); builds it when missing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../test/e2e/dist-support.ts';
import { ROOT, formatTable, runCampaign, runReconnects, type CampaignResult } from '../test/e2e/support/campaign.ts';
// @ts-expect-error: a plain ES module without types (returns { url, stop } or null)
import { startTempPostgres } from '../test/support/pg-cluster.mjs';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    minutes: { type: 'string', default: '8' },
    db: { type: 'string', default: 'both' },
    // Long-session hygiene only: N reconnects of one page, heap after GC (script objects and V8 used) and socket callbacks.
    reconnects: { type: 'string' },
    // With --reconnects: heap snapshots (after forced GC) at these reconnect counts, e.g. 0,40,100,
    // written to --snapshot-dir (compare them with bench/heap-diff.ts).
    snapshots: { type: 'string' },
    // With --reconnects: V8 flags for the page, e.g. --js-flags=--jitless (no compiled code: the control run).
    'js-flags': { type: 'string' },
    'snapshot-dir': { type: 'string', default: join(tmpdir(), 'rt-monitor-heap') },
  },
});

const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const minutes = Number(values.minutes);
const dbs = values.db === 'both' ? (['pglite', 'postgres'] as const) : [values.db as 'pglite' | 'postgres'];
if (!Number.isInteger(seed) || !(minutes > 0) || dbs.some((d) => d !== 'pglite' && d !== 'postgres')) {
  console.error('usage: npx tsx bench/campaign.ts [--seed N] [--minutes 8] [--db pglite|postgres|both]');
  process.exit(2);
}

const scale = minutes / 8;
const n = (full: number) => Math.max(1, Math.round(full * scale));

ensureBuilt();
if (values.reconnects !== undefined) {
  const snapshots = values.snapshots ? { at: values.snapshots.split(',').map(Number), dir: resolve(values['snapshot-dir']) } : undefined;
  const r = await runReconnects(Number(values.reconnects), (line) => console.log(line), {
    snapshots,
    chromiumArgs: values['js-flags'] ? [`--js-flags=${values['js-flags']}`] : [],
  });
  const mb = (b: number) => (b / 1e6).toFixed(3);
  console.log(
    `\n| reconnects | script objects after GC, start → end | V8 used heap after GC (incl. compiled code), start → end | per reconnect (used) | socket callbacks, start → end | sockets open at once |\n|---|---|---|---|---|---|\n| ${r.reconnects}${values['js-flags'] ? ` (${values['js-flags']})` : ''} | ${mb(r.scriptHeapStart)} → ${mb(r.scriptHeapEnd)} MB (×${(r.scriptHeapEnd / r.scriptHeapStart).toFixed(3)}) | ${mb(r.heapStart)} → ${mb(r.heapEnd)} MB (×${(r.heapEnd / r.heapStart).toFixed(3)}) | ${(r.perReconnect / 1024).toFixed(2)} KB | ${JSON.stringify(r.callbacksStart)} → ${JSON.stringify(r.callbacksEnd)} | ${r.socketsMaxOpen} |`,
  );
  console.log(`script-object groups whose count changed: ${r.groupChanges.slice(0, 12).map((g) => `${g.group} ${g.start}→${g.end}`).join('; ') || 'none'}`);
  process.exit(0);
}
console.log(`campaign seed ${seed} (repeat with --seed ${seed}), ${minutes} min per database, ${dbs.join(' + ')}`);
// Ctrl-C: exit through 'exit', which stops the backend processes (test/e2e/support/campaign.ts).
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
const results: CampaignResult[] = [];
for (const db of dbs) {
  let pg: { url: string; stop(): Promise<void> } | null = null;
  if (db === 'postgres') {
    pg = await startTempPostgres();
    if (!pg) {
      console.error('PostgreSQL binaries not found (Debian package postgresql): skipping PostgreSQL');
      continue;
    }
  }
  try {
    console.log(`\n== ${db} ==`);
    const result = await runCampaign({
      seed,
      db,
      databaseUrl: pg?.url,
      faults: { restart: n(10), drop: n(10), pause: n(5), expiry: n(2) },
      pauseMs: 20_000, // the heartbeat interval is 12.5 s, a late heartbeat is noticed after 4 s more
      writes: n(2000),
      outageShare: 0.3,
      tokenTtlSeconds: 45, // renewed 30 s before expiry: a new token every ~15 s per page
      hostile: true,
      settleMs: 60_000,
      log: (line) => console.log(line),
    });
    results.push(result);
    // Written after each database, so a long run that is stopped keeps what it measured.
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/campaign.json'), JSON.stringify({ seed, minutes, results }, null, 2));
    console.log(`\n${formatTable([result])}\n`);
  } finally {
    await pg?.stop();
  }
}

const table = formatTable(results);
console.log(`\n${table}\n`);
for (const r of results) {
  for (const p of r.pages) {
    if (p.crossTenant.length) console.log(`${r.db} ${p.user}: cross-tenant\n  ${p.crossTenant.slice(0, 10).join('\n  ')}`);
    if (p.errors.length) console.log(`${r.db} ${p.user}: page errors\n  ${p.errors.slice(0, 10).join('\n  ')}`);
    console.log(`${r.db} ${p.user}: script objects ${(p.scriptHeapStart / 1e6).toFixed(3)} → ${(p.scriptHeapEnd / 1e6).toFixed(3)} MB, V8 used heap ${(p.heapStart / 1e6).toFixed(2)} → ${(p.heapEnd / 1e6).toFixed(2)} MB, sockets opened ${p.socketsOpened}, tokens served ${p.renewals}`);
  }
  if (r.mismatches.length) console.log(`${r.db}: final mismatches\n  ${r.mismatches.join('\n  ')}`);
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/campaign.json'), JSON.stringify({ seed, minutes, results }, null, 2));

const failed = results.some(
  (r) =>
    r.mismatches.length > 0 ||
    r.faults.some((f) => f.toTruthMs === null) ||
    r.live.some((l) => l.toTruthMs === null) ||
    r.heapRatio > 1.1 ||
    (r.hostile && (!r.hostile.layoutHeld || !r.hostile.keptWorking || r.hostile.scriptRuns > 0)) ||
    r.pages.some((p) => p.crossTenant.length > 0 || p.scriptRuns > 0 || p.socketsMaxOpen !== 1 || p.socketsOpenAtEnd !== 1),
);
console.log(failed ? 'campaign: FAILED (see above)' : 'campaign: 0 mismatches, 0 cross-tenant rows, 0 script runs, heap ratio ≤ 1.1, 1 socket per page');
process.exit(failed || results.length < dbs.length ? 1 : 0);
