/**
 * Long-session hygiene, the heap (issue 15): a page of the built script-tag bundle (dashboard and
 * standalone widgets, tokens from a token URL) reconnects N times (rt-monitor's reconnect(), every
 * tenth a server drop, each waited for until every widget equals the database again). Between a
 * heap snapshot after a warm-up and one after the N reconnects (both after forced GC), counted
 * from the snapshots, not timed:
 * - no kind of script object (node type + constructor: objects, closures, arrays, contexts …)
 *   gains as many members as there were reconnects: a listener, channel, binding, timer or
 *   closure kept per reconnect by rt-monitor, Lit or realtime-js would;
 * - the script objects' bytes stay within 1.1× (the campaign's heap measure);
 * - realtime-js's socket callbacks stay as they were; one socket at a time.
 * Compiled code and type feedback are V8's metadata, not script objects: they grow while the JIT
 * warms up (bench/README.md, "Heap after reconnects") and are not counted here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runReconnects } from './support/campaign.ts';
import { ensureBuilt } from './dist-support.ts';

// Warm-up: paths first taken during the early reconnects (resync, confirming count re-reads) leave
// one-time closures; measured with bench/heap-diff.ts, closures 799 → 835 → 841 after 10 → 40 → 70
// reconnects: front-loaded, then flat. A leak grows with every reconnect whatever the warm-up.
const WARMUP = 30;
const N = 30;

test(`after ${N} more reconnects no kind of script object grows with them and the script heap stays within 1.1×`, { timeout: 600_000 }, async () => {
  ensureBuilt();
  const lines: string[] = [];
  const r = await runReconnects(N, (l) => lines.push(l), { warmup: WARMUP });
  const changes = r.groupChanges.map((g) => `${g.group}: ${g.start} → ${g.end}`).join('\n');
  const context = `${lines.join('\n')}\nscript objects ${r.scriptHeapStart} → ${r.scriptHeapEnd} bytes; V8 used heap ${r.heapStart} → ${r.heapEnd}\ngroups that changed:\n${changes}`;
  // Values (strings, numbers) are left out of the counts: V8 keeps more of them as it compiles
  // (constants of optimised code); the bytes check below still covers them.
  const structures = r.groupChanges.filter((g) => !/^(string|concatenated string|sliced string|number):/.test(g.group));
  const growing = structures.filter((g) => g.end - g.start >= N);
  assert.deepEqual(growing, [], `a kind of script object grew by one or more per reconnect\n${context}`);
  assert.ok(r.scriptHeapEnd / r.scriptHeapStart <= 1.1, `script objects ×${(r.scriptHeapEnd / r.scriptHeapStart).toFixed(3)}\n${context}`);
  assert.ok(Object.keys(r.callbacksStart).length > 0, `realtime-js's socket callbacks were not found on the page's client\n${context}`);
  assert.deepEqual(r.callbacksEnd, r.callbacksStart, `socket callbacks\n${context}`);
  assert.equal(r.socketsMaxOpen, 1, context);
});
