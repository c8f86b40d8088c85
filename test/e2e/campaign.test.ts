/**
 * The fault campaign, CI size (issue 15): a seeded schedule of 3 backend restarts on a persisted
 * PGlite data directory, 3 socket drops, 1 realtime pause longer than the heartbeat window and 1
 * token expiry with renewal, ~200 service_role writes (a share during every outage), against two
 * pages of different orgs (dashboard + standalone widgets from dist/rt-monitor.js, tokens from a
 * token URL that renews them). After every fault and at the end every widget equals the database
 * truth as its user may see it; no frame, REST response or DOM mutation ever carried another
 * tenant's rows; one socket per page. The full run is `npx tsx bench/campaign.ts`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCampaign } from './support/campaign.ts';
import { ensureBuilt } from './dist-support.ts';

const seed = Number(process.env.RT_CAMPAIGN_SEED ?? 20261130);

test(`fault campaign (seed ${seed}): every widget equals the database after restarts, drops, a long pause and a token expiry`, { timeout: 600_000 }, async () => {
  ensureBuilt();
  const t0 = Date.now();
  const lines: string[] = [];
  const result = await runCampaign({
    seed,
    db: 'pglite',
    faults: { restart: 3, drop: 3, pause: 1, expiry: 1 },
    pauseMs: 17_000, // longer than the heartbeat interval (12.5 s) plus its late window (4 s)
    writes: 200,
    tokenTtlSeconds: 33, // renewed 30 s before expiry: every ~3 s
    settleMs: 45_000,
    heap: false, // measured by test/e2e/long-session-heap.test.ts
    log: (l) => {
      l = `${((Date.now() - t0) / 1000).toFixed(1)} s ${l}`;
      lines.push(l);
      if (process.env.RT_CAMPAIGN_LOG) console.log(l);
    },
  });
  const context = `seed ${seed}\n${lines.join('\n')}`;
  assert.equal(result.faults.length, 8, context);
  assert.ok(result.writes >= 200, context);
  for (const f of result.faults) assert.notEqual(f.toTruthMs, null, `after a ${f.kind} the pages never equalled the truth:\n${f.mismatches.join('\n')}\n${context}`);
  for (const f of result.faults.filter((f) => f.kind === 'expiry')) assert.equal(f.expiredShown, true, `a token URL failing after a short token: every widget reads the session expired\n${context}`);
  for (const l of result.live) assert.notEqual(l.toTruthMs, null, `between faults (live delivery) the pages never equalled the truth:\n${l.mismatches.join('\n')}\n${context}`);
  assert.deepEqual(result.mismatches, [], context);
  for (const p of result.pages) {
    assert.deepEqual(p.crossTenant, [], `${p.user} received another tenant's rows\n${context}`);
    assert.equal(p.scriptRuns, 0, context);
    assert.equal(p.socketsMaxOpen, 1, `${p.user}: never more than one socket open\n${context}`);
    assert.equal(p.socketsOpenAtEnd, 1, `${p.user}: one socket at the end\n${context}`);
    assert.ok(p.renewals >= 3, `${p.user}: the token was renewed (${p.renewals} tokens served)\n${context}`);
  }
});
