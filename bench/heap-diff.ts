/**
 * Compares V8 heap snapshots of one page taken at different times (same session, so object ids
 * are stable): the heap split into script objects, V8 metadata and Blink objects per snapshot;
 * the groups (node type + constructor / name) that changed most; and what is alive in each later
 * snapshot and not in the one before, with a sample retainer path per group.
 *
 *   npx tsx bench/campaign.ts --reconnects 100 --snapshots 0,40,100   # writes the snapshots
 *   npx tsx bench/heap-diff.ts /tmp/rt-monitor-heap/reconnect-{0,40,100}.heapsnapshot
 */
import { basename } from 'node:path';
import { distances, groupTable, loadHeap, newSince, retainerIndex, retainerPath, totals } from '../test/e2e/support/heap-snapshot.ts';

const files = process.argv.slice(2);
if (files.length < 2) {
  console.error('usage: npx tsx bench/heap-diff.ts a.heapsnapshot b.heapsnapshot [c.heapsnapshot …]');
  process.exit(2);
}
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const heaps = files.map(loadHeap);
console.log('| snapshot | nodes | V8 heap | of which V8 metadata (code, bytecode, feedback, maps, caches) | of which script objects | script objects reachable from the page | Blink (native) |');
console.log('|---|---|---|---|---|---|---|');
const all = heaps.map((h) => totals(h));
heaps.forEach((h, j) => {
  const t = all[j];
  const r = (x: number, x0: number) => (j ? ` (×${(x / x0).toFixed(3)})` : '');
  console.log(`| ${basename(h.file)} | ${t.nodes} | ${kb(t.v8Bytes)}${r(t.v8Bytes, all[0].v8Bytes)} | ${kb(t.vmBytes)}${r(t.vmBytes, all[0].vmBytes)} | ${kb(t.jsBytes)}${r(t.jsBytes, all[0].jsBytes)} | ${kb(t.pageJsBytes)}${r(t.pageJsBytes, all[0].pageJsBytes)} | ${kb(t.nativeBytes)} |`);
});
console.log('\nby node type (bytes):');
const types = new Set(all.flatMap((t) => Object.keys(t.byType)));
const tt = all.map((t) => t.byType);
for (const t of types) console.log(`  ${t.padEnd(22)} ${tt.map((x) => `${String(x[t]?.count ?? 0).padStart(7)} ${kb(x[t]?.bytes ?? 0).padStart(11)}`).join('  |')}`);
console.log('\ngroups whose size changed most (count / bytes per snapshot):');
for (const r of groupTable(heaps)) console.log(`  ${r.key.slice(0, 70).padEnd(70)} ${r.v.map((v) => `${String(v.count).padStart(6)} ${kb(v.bytes).padStart(10)}`).join(' |')}`);
for (let j = 1; j < heaps.length; j++) {
  const a = heaps[j - 1];
  const b = heaps[j];
  const d = newSince(a, b);
  console.log(`\nalive in ${basename(b.file)} and not in ${basename(a.file)}: ${d.all.count} nodes, ${kb(d.all.bytes)} (V8 metadata ${kb(d.all.vm)}, script objects reachable from the page ${kb(d.all.page)})`);
  const r = retainerIndex(b);
  const dist = distances(b);
  for (const [key, g] of d.top) {
    console.log(`  ${String(g.count).padStart(6)} ${kb(g.bytes).padStart(10)} (page ${kb(g.pageReachable)}) ${key}`);
    console.log(`        e.g. ${retainerPath(b, r, dist, g.sample)}`);
  }
}
